// The on-disk format of WAL segments: file names, the segment header and the record header.
// All integers little-endian. A segment is one header followed by records, back to back:
//
//   segment header (24 bytes)
//     0  magic    UInt32  0x4C57564F ("OVWL" as bytes)
//     4  version  UInt32  1
//     8  firstSeq UInt64  seq of the first record this segment may hold (= the file name's number)
//    16  crc      UInt32  CRC32C of bytes 0..<16
//    20  reserved UInt32  0
//   record (16-byte header + payload)
//     0  length   UInt32  payload byte count
//     4  crc      UInt32  CRC32C over seq (8 bytes LE) then the payload
//     8  seq      UInt64  previous record's seq + 1 (the segment's firstSeq for its first record)
//    16  payload  `length` bytes
//
// File names: `wal-<firstSeq as 16 lowercase hex digits>.log`, so names sort in seq order.

enum WALFormat {
    static let segmentMagic: UInt32 = 0x4C57_564F
    static let version: UInt32 = 1
    static let segmentHeaderBytes = 24
    static let recordHeaderBytes = 16

    static func segmentName(firstSeq: UInt64) -> String { "wal-" + hex16(firstSeq) + ".log" }

    /// The first seq encoded in a segment file name, or nil if `name` is not a segment name.
    static func firstSeq(ofSegmentNamed name: String) -> UInt64? {
        parseHex16(name, prefix: "wal-", suffix: ".log")
    }

    static func encodeSegmentHeader(firstSeq: UInt64) -> [UInt8] {
        var writer = ByteWriter(reservingCapacity: segmentHeaderBytes)
        writer.writeUInt32(segmentMagic)
        writer.writeUInt32(version)
        writer.writeUInt64(firstSeq)
        writer.writeUInt32(CRC32C.checksum(writer.bytes))
        writer.writeUInt32(0)
        return writer.bytes
    }

    /// Validates a segment header; returns its firstSeq or why it is unusable.
    static func decodeSegmentHeader(_ bytes: UnsafeRawBufferPointer) -> Result<UInt64, TailDamage> {
        guard bytes.count >= segmentHeaderBytes else { return .failure(.shortSegmentHeader(bytes: bytes.count)) }
        var reader = ByteReader(bytes)
        do {
            let magic = try reader.readUInt32()
            let version = try reader.readUInt32()
            let firstSeq = try reader.readUInt64()
            let crc = try reader.readUInt32()
            let computed = CRC32C.checksum(UnsafeRawBufferPointer(rebasing: bytes[0..<16]))
            guard magic == segmentMagic, crc == computed else { return .failure(.badSegmentHeader) }
            guard version == Self.version else { return .failure(.unsupportedVersion(version)) }
            return .success(firstSeq)
        } catch {
            return .failure(.shortSegmentHeader(bytes: bytes.count))
        }
    }

    /// Writes a record header for `payload` into `header` (16 bytes) and returns nothing.
    @inline(__always)
    static func storeRecordHeader(into header: UnsafeMutableRawBufferPointer, seq: UInt64, payload: UnsafeRawBufferPointer) {
        header.storeBytes(of: UInt32(payload.count).littleEndian, toByteOffset: 0, as: UInt32.self)
        header.storeBytes(of: recordChecksum(seq: seq, payload: payload).littleEndian, toByteOffset: 4, as: UInt32.self)
        header.storeBytes(of: seq.littleEndian, toByteOffset: 8, as: UInt64.self)
    }

    @inline(__always)
    static func recordChecksum(seq: UInt64, payload: UnsafeRawBufferPointer) -> UInt32 {
        let seqCRC = withUnsafeBytes(of: seq.littleEndian) { CRC32C.checksum($0) }
        return CRC32C.update(seqCRC, payload)
    }
}

/// `value` as exactly 16 lowercase hex digits.
func hex16(_ value: UInt64) -> String {
    let digits = String(value, radix: 16)
    return String(repeating: "0", count: 16 - digits.count) + digits
}

/// Parses `<prefix><16 hex digits><suffix>`.
func parseHex16(_ name: String, prefix: String, suffix: String) -> UInt64? {
    guard name.hasPrefix(prefix), name.hasSuffix(suffix), name.utf8.count == prefix.utf8.count + 16 + suffix.utf8.count else {
        return nil
    }
    let digits = name.dropFirst(prefix.count).dropLast(suffix.count)
    guard digits.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) }) else { return nil }
    return UInt64(digits, radix: 16)
}
