// ByteWriter encodes the documented wire format: little-endian fixed integers, LEB128, zig-zag.
import Testing
@testable import LeaderboardStorage

@Test func writesFixedIntegersLittleEndian() {
    var writer = ByteWriter()
    writer.writeUInt16(0x0102)
    writer.writeUInt32(0x0304_0506)
    writer.writeUInt64(0x0708_090A_0B0C_0D0E)
    writer.writeInt32(-2)
    #expect(writer.bytes == [0x02, 0x01, 0x06, 0x05, 0x04, 0x03,
                             0x0E, 0x0D, 0x0C, 0x0B, 0x0A, 0x09, 0x08, 0x07,
                             0xFE, 0xFF, 0xFF, 0xFF])
}

@Test(arguments: [
    (0, [0x00]),
    (127, [0x7F]),
    (128, [0x80, 0x01]),
    (300, [0xAC, 0x02]),
    (UInt64.max, [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]),
] as [(UInt64, [UInt8])])
func writesVarUIntAsLEB128(value: UInt64, expected: [UInt8]) {
    var writer = ByteWriter()
    writer.writeVarUInt(value)
    #expect(writer.bytes == expected)
}

@Test(arguments: [(Int64(0), UInt8(0)), (-1, 1), (1, 2), (-2, 3), (63, 126), (-64, 127)])
func writesVarIntZigZag(value: Int64, expected: UInt8) {
    var writer = ByteWriter()
    writer.writeVarInt(value)
    #expect(writer.bytes == [expected])
}

@Test func lengthPrefixedStringCarriesUTF8ByteCount() {
    var writer = ByteWriter()
    writer.writeString("é!")
    #expect(writer.bytes == [3, 0xC3, 0xA9, 0x21])
}

@Test func patchesReservedLength() {
    var writer = ByteWriter()
    writer.writeUInt8(9)
    let slot = writer.reserveUInt32()
    writer.writeBytes([1, 2, 3])
    writer.patchUInt32(UInt32(writer.count - slot - 4), at: slot)
    #expect(writer.bytes == [9, 3, 0, 0, 0, 1, 2, 3])
}

@Test func removeAllKeepsCapacity() {
    var writer = ByteWriter(reservingCapacity: 1024)
    writer.writeBytes([UInt8](repeating: 1, count: 1000))
    let capacity = writer.bytes.capacity
    writer.removeAll()
    #expect(writer.count == 0)
    #expect(writer.bytes.capacity == capacity)
}
