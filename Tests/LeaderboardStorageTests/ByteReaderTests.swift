// ByteReader reads back everything ByteWriter writes, and rejects truncated or malformed input
// with a typed error (never a trap), leaving its position unchanged.
import Testing
@testable import LeaderboardStorage

@Test func roundTripsEveryValueKind() throws {
    let seed = testSeed(42)
    var random = SeededGenerator(seed: seed)
    for _ in 0..<200 {
        let fixed = (UInt8.random(in: 0...255, using: &random), UInt16.random(in: 0...UInt16.max, using: &random),
                     UInt32.random(in: 0...UInt32.max, using: &random), UInt64.random(in: 0...UInt64.max, using: &random),
                     Int64.random(in: Int64.min...Int64.max, using: &random), Int32.random(in: Int32.min...Int32.max, using: &random))
        let varint = UInt64.random(in: 0...UInt64.max, using: &random) >> UInt64.random(in: 0...63, using: &random)
        let signed = Int64.random(in: -1_000_000...1_000_000, using: &random)
        let blob = random.bytes(Int.random(in: 0...40, using: &random))
        var writer = ByteWriter()
        writer.writeUInt8(fixed.0)
        writer.writeUInt16(fixed.1)
        writer.writeUInt32(fixed.2)
        writer.writeUInt64(fixed.3)
        writer.writeInt64(fixed.4)
        writer.writeInt32(fixed.5)
        writer.writeVarUInt(varint)
        writer.writeVarInt(signed)
        writer.writeLengthPrefixed(blob)
        writer.writeString("player-\(varint)")
        writer.writeBool(true)
        try ByteReader.read(writer.bytes) { (reader) throws(ByteReaderError) in
            #expect(try reader.readUInt8() == fixed.0, "seed \(seed)")
            #expect(try reader.readUInt16() == fixed.1)
            #expect(try reader.readUInt32() == fixed.2)
            #expect(try reader.readUInt64() == fixed.3)
            #expect(try reader.readInt64() == fixed.4)
            #expect(try reader.readInt32() == fixed.5)
            #expect(try reader.readVarUInt() == varint, "seed \(seed)")
            #expect(try reader.readVarInt() == signed)
            #expect(Array(try reader.readLengthPrefixed()) == blob)
            #expect(try reader.readString() == "player-\(varint)")
            #expect(try reader.readBool())
            #expect(reader.isAtEnd)
        }
    }
}

@Test func truncatedFixedIntegerThrowsWithOffsetAndLeavesPosition() {
    ByteReader.read([1, 2, 3, 4, 5]) { reader in
        #expect(throws: ByteReaderError.truncated(offset: 0, needed: 8, available: 5)) { try reader.readUInt64() }
        #expect(reader.offset == 0)
        #expect((try? reader.readUInt32()) == 0x0403_0201)
        #expect(throws: ByteReaderError.truncated(offset: 4, needed: 2, available: 1)) { try reader.readUInt16() }
    }
}

@Test func truncatedVarintThrows() {
    ByteReader.read([0x80, 0x80]) { reader in
        #expect(throws: ByteReaderError.truncated(offset: 0, needed: 3, available: 2)) { try reader.readVarUInt() }
    }
}

@Test func overlongVarintThrowsOverflow() {
    let elevenBytes = [UInt8](repeating: 0xFF, count: 10) + [0x01]
    ByteReader.read(elevenBytes) { reader in
        #expect(throws: ByteReaderError.varintOverflow(offset: 0)) { try reader.readVarUInt() }
    }
    // Ten bytes whose last one carries bits above 2^64.
    ByteReader.read([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x02]) { reader in
        #expect(throws: ByteReaderError.varintOverflow(offset: 0)) { try reader.readVarUInt() }
    }
}

@Test func lengthPrefixBeyondLimitIsRejectedBeforeReading() {
    var writer = ByteWriter()
    writer.writeLengthPrefixed([UInt8](repeating: 7, count: 100))
    ByteReader.read(writer.bytes) { reader in
        #expect(throws: ByteReaderError.lengthExceedsLimit(offset: 0, length: 100, limit: 10)) {
            try reader.readLengthPrefixed(maxLength: 10)
        }
        #expect(reader.offset == 0)
    }
}

@Test func lengthPrefixBeyondBufferThrowsTruncated() {
    ByteReader.read([5, 1, 2]) { reader in
        #expect(throws: ByteReaderError.truncated(offset: 0, needed: 6, available: 3)) { try reader.readLengthPrefixed() }
    }
}

@Test func invalidUTF8AndBoolAreRejected() {
    ByteReader.read([2, 0xC3, 0x28]) { reader in
        #expect(throws: ByteReaderError.invalidUTF8(offset: 0)) { try reader.readString() }
    }
    ByteReader.read([2]) { reader in
        #expect(throws: ByteReaderError.invalidBool(offset: 0, value: 2)) { try reader.readBool() }
    }
}

@Test func randomGarbageNeverTraps() {
    let seed = testSeed(9001)
    var random = SeededGenerator(seed: seed)
    var valuesRead = 0
    for _ in 0..<2000 {
        let garbage = random.bytes(Int.random(in: 0...24, using: &random))
        ByteReader.read(garbage) { reader in
            while !reader.isAtEnd {
                let progressed: Bool
                switch Int.random(in: 0..<6, using: &random) {
                case 0: progressed = (try? reader.readVarUInt()) != nil
                case 1: progressed = (try? reader.readVarInt()) != nil
                case 2: progressed = (try? reader.readLengthPrefixed(maxLength: 16)) != nil
                case 3: progressed = (try? reader.readString(maxBytes: 16)) != nil
                case 4: progressed = (try? reader.readUInt32()) != nil
                default: progressed = (try? reader.readBool()) != nil
                }
                if !progressed { break }
                valuesRead += 1
            }
        }
    }
    #expect(valuesRead > 0, "seed \(seed)")
}
