// Byte comparison whose running time does not depend on where two equal-length inputs differ.
// Used for MAC and token checks so a peer cannot learn a secret byte by byte from timing.

/// Constant-time comparisons for secrets.
public enum ConstantTime {
    /// True iff `a` and `b` hold the same bytes.
    ///
    /// For equal lengths every byte is visited regardless of where a difference occurs. Lengths
    /// are not secret (MACs have a fixed length), so unequal lengths return false at once.
    /// Complexity O(n).
    public static func isEqual(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in 0..<a.count {
            difference |= a[index] ^ b[index]
        }
        return difference == 0
    }

    /// True iff `a` and `b` hold the same bytes; same contract as the raw-buffer overload.
    public static func isEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        a.withUnsafeBytes { x in b.withUnsafeBytes { y in isEqual(x, y) } }
    }
}
