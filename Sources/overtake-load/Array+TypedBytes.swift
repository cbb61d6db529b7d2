// Scoped byte access that keeps a typed error (the stdlib's withUnsafeBytes rethrows untyped),
// carried out through a Result.

extension Array where Element == UInt8 {
    /// `withUnsafeBytes` for a body with a typed error. The buffer is valid only during `body`.
    func withBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        let result: Result<R, E> = withUnsafeBytes { raw in Result { () throws(E) -> R in try body(raw) } }
        return try result.get()
    }
}
