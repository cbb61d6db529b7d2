// The decimal digits of an unsigned integer, formatted two at a time into a fixed buffer (no
// allocation). MessageFramer keeps the digits of the last `t` it wrote, since every message of
// one pump carries the same send time: 19 digits formatted once per pump, not once per message.

struct DecimalDigits {
    let value: UInt64
    /// The digits, right-aligned: bytes `start..<24`.
    private var storage: (UInt64, UInt64, UInt64) = (0, 0, 0)
    private let start: Int

    var count: Int { 24 - start }

    init(_ value: UInt64) {
        self.value = value
        var v = value
        var i = 24
        withUnsafeMutableBytes(of: &storage) { out in
            Self.pairs.withUTF8Buffer { pairs in
                while v >= 100 {
                    let r = Int(v % 100) &* 2
                    v /= 100
                    i -= 2
                    out[i] = pairs[r]
                    out[i + 1] = pairs[r + 1]
                }
                if v >= 10 {
                    i -= 2
                    out[i] = pairs[Int(v) &* 2]
                    out[i + 1] = pairs[Int(v) &* 2 + 1]
                } else {
                    i -= 1
                    out[i] = UInt8(truncatingIfNeeded: v) &+ 0x30
                }
            }
        }
        start = i
    }

    /// Calls `body` with the digits.
    func withBytes<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R {
        withUnsafeBytes(of: storage) { body(UnsafeRawBufferPointer(rebasing: $0[start...])) }
    }

    private static let pairs: StaticString = """
        00010203040506070809101112131415161718192021222324252627282930313233343536373839\
        40414243444546474849505152535455565758596061626364656667686970717273747576777879\
        8081828384858687888990919293949596979899
        """
}
