// Array+TypedThrows: scoped byte access that keeps a typed error. The stdlib's withUnsafeBytes and
// String.withUTF8 rethrow untyped, so the error is carried out through a Result instead.

extension Array where Element == UInt8 {
    /// `withUnsafeBytes` for a body with a typed error. The buffer is valid only during `body`.
    func withUnsafeBytesTyped<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        let result: Result<R, E> = withUnsafeBytes { raw in Result { () throws(E) -> R in try body(raw) } }
        return try result.get()
    }
}

extension String {
    /// `withUTF8` for a body with a typed error (on a copy, so `self` needs not be `var`).
    func withUTF8Typed<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        var copy = self
        let result: Result<R, E> = copy.withUTF8 { utf8 in Result { () throws(E) -> R in try body(UnsafeRawBufferPointer(utf8)) } }
        return try result.get()
    }
}
