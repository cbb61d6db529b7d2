// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), slicing-by-8. The eight 256-entry tables
// are computed once (a static let); table k maps a byte to its CRC contribution k bytes further on.

/// CRC-32C as used by iSCSI (RFC 3720), ext4 and the WAL/snapshot formats of this module.
///
/// `update` follows the zlib convention: it takes and returns a *finalized* CRC, so
/// `update(update(0, a), b) == checksum(a ++ b)` and `checksum(x) == update(0, x)`.
public enum CRC32C {
    /// The reflected Castagnoli polynomial.
    public static let polynomial: UInt32 = 0x82F6_3B78

    /// 8 × 256 entries, table-major: `tables[k * 256 + b]`.
    static let tables: [UInt32] = {
        var table = [UInt32](repeating: 0, count: 8 * 256)
        for byte in 0..<256 {
            var crc = UInt32(byte)
            for _ in 0..<8 { crc = (crc & 1) != 0 ? (crc >> 1) ^ polynomial : crc >> 1 }
            table[byte] = crc
        }
        for k in 1..<8 {
            for byte in 0..<256 {
                let previous = table[(k - 1) * 256 + byte]
                table[k * 256 + byte] = (previous >> 8) ^ table[Int(previous & 0xFF)]
            }
        }
        return table
    }()

    /// CRC-32C of `bytes`. O(n), about 8 table lookups per 8 bytes.
    @inline(__always)
    public static func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt32 { update(0, bytes) }

    /// CRC-32C of `bytes`.
    public static func checksum(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBytes { update(0, $0) }
    }

    /// Continues the finalized CRC `crc` over `bytes`.
    public static func update(_ crc: UInt32, _ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBytes { update(crc, $0) }
    }

    /// Continues the finalized CRC `crc` over `bytes` (pass 0 to start).
    public static func update(_ crc: UInt32, _ bytes: UnsafeRawBufferPointer) -> UInt32 {
        tables.withUnsafeBufferPointer { table in
            var state = ~crc
            var index = 0
            let count = bytes.count
            while index + 8 <= count {
                let word = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self))
                let low = UInt32(truncatingIfNeeded: word) ^ state
                let high = UInt32(truncatingIfNeeded: word >> 32)
                state = table[7 * 256 + Int(low & 0xFF)]
                    ^ table[6 * 256 + Int((low >> 8) & 0xFF)]
                    ^ table[5 * 256 + Int((low >> 16) & 0xFF)]
                    ^ table[4 * 256 + Int(low >> 24)]
                    ^ table[3 * 256 + Int(high & 0xFF)]
                    ^ table[2 * 256 + Int((high >> 8) & 0xFF)]
                    ^ table[1 * 256 + Int((high >> 16) & 0xFF)]
                    ^ table[Int(high >> 24)]
                index += 8
            }
            while index < count {
                state = (state >> 8) ^ table[Int((state ^ UInt32(bytes[index])) & 0xFF)]
                index += 1
            }
            return ~state
        }
    }
}
