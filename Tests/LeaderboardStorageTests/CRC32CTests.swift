// CRC32C against published vectors (check value, RFC 3720 B.4) and a bit-at-a-time reference.
import Testing
@testable import LeaderboardStorage

/// The textbook bitwise CRC-32C, the reference for the table-driven one.
private func referenceCRC32C(_ bytes: [UInt8]) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in bytes {
        crc ^= UInt32(byte)
        for _ in 0..<8 { crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1 }
    }
    return ~crc
}

@Test func standardCheckValueOf123456789() {
    #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
}

@Test func emptyInputHasChecksumZero() {
    #expect(CRC32C.checksum([]) == 0)
}

@Test(arguments: [
    // RFC 3720 appendix B.4: 32 bytes of zeros, of ones, ascending, descending.
    ([UInt8](repeating: 0, count: 32), UInt32(0x8A91_36AA)),
    ([UInt8](repeating: 0xFF, count: 32), UInt32(0x62A8_AB43)),
    ((0..<32).map { UInt8($0) }, UInt32(0x46DD_794E)),
    ((0..<32).reversed().map { UInt8($0) }, UInt32(0x113F_DB5C)),
    // RFC 3720 B.4: an iSCSI SCSI Read (10) command PDU.
    ([0x01, 0xC0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
      0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00, 0x18,
      0x28, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00] as [UInt8],
     UInt32(0xD996_3A56)),
])
func matchesRFC3720Vectors(input: [UInt8], expected: UInt32) {
    #expect(CRC32C.checksum(input) == expected)
    #expect(referenceCRC32C(input) == expected)
}

@Test func matchesBitwiseReferenceOnRandomInputs() {
    let seed = testSeed(0xC0FFEE)
    var random = SeededGenerator(seed: seed)
    for _ in 0..<300 {
        let bytes = random.bytes(Int.random(in: 0...700, using: &random))
        #expect(CRC32C.checksum(bytes) == referenceCRC32C(bytes), "seed \(seed), length \(bytes.count)")
    }
}

@Test func streamingUpdateEqualsOneShotAtEverySplit() {
    let seed = testSeed(77)
    var random = SeededGenerator(seed: seed)
    let bytes = random.bytes(100)
    let whole = CRC32C.checksum(bytes)
    for split in 0...bytes.count {
        let first = CRC32C.checksum(Array(bytes[..<split]))
        #expect(CRC32C.update(first, Array(bytes[split...])) == whole, "seed \(seed), split \(split)")
    }
}

@Test func unalignedStartGivesSameChecksum() {
    let bytes = (0..<64).map { UInt8(truncatingIfNeeded: $0 &* 7) }
    for start in 0..<8 {
        let slice = Array(bytes[start...])
        let viaPointer = bytes.withUnsafeBytes { CRC32C.checksum(UnsafeRawBufferPointer(rebasing: $0[start...])) }
        #expect(viaPointer == referenceCRC32C(slice))
    }
}
