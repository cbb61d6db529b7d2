// The on-disk format of snapshots, little-endian. A snapshot file is a 32-byte header, then the payload:
//
//    0  magic         UInt32  0x4E53564F ("OVSN" as bytes; a new container layout gets a new magic)
//    4  formatVersion UInt32  the caller's payload encoding version (opaque to the store)
//    8  seq           UInt64  last WAL seq the snapshot covers (= the file name's number)
//   16  payloadBytes  UInt64  payload length; the file is exactly 32 + payloadBytes long
//   24  payloadCRC    UInt32  CRC32C of the payload
//   28  headerCRC     UInt32  CRC32C of bytes 0..<28
//
// Names: `snapshot-<seq as 16 lowercase hex digits>.snap`; written as `<name>.tmp`, then renamed.

/// Why a snapshot file was not loaded.
public enum SnapshotDefect: Error, Sendable, Equatable {
    case tooShort(bytes: Int64)
    case badMagic(found: UInt32)
    case headerChecksumMismatch
    /// The header's seq differs from the seq in the file name.
    case seqMismatch(fileName: UInt64, header: UInt64)
    /// The file does not hold exactly the announced payload (torn or appended to).
    case lengthMismatch(header: UInt64, actual: Int64)
    case checksumMismatch(stored: UInt32, computed: UInt32)
    case unreadable(FileSystemError)
}

struct SnapshotHeader: Equatable {
    static let bytes = 32
    static let magic: UInt32 = 0x4E53_564F

    var formatVersion: UInt32
    var seq: UInt64
    var payloadBytes: UInt64
    var payloadCRC: UInt32

    static func fileName(seq: UInt64) -> String { "snapshot-" + hex16(seq) + ".snap" }
    static func temporaryName(seq: UInt64) -> String { fileName(seq: seq) + ".tmp" }
    static func seq(ofFileNamed name: String) -> UInt64? { parseHex16(name, prefix: "snapshot-", suffix: ".snap") }

    func encoded() -> [UInt8] {
        var writer = ByteWriter(reservingCapacity: Self.bytes)
        writer.writeUInt32(Self.magic)
        writer.writeUInt32(formatVersion)
        writer.writeUInt64(seq)
        writer.writeUInt64(payloadBytes)
        writer.writeUInt32(payloadCRC)
        writer.writeUInt32(CRC32C.checksum(writer.bytes))
        return writer.bytes
    }

    /// Decodes and checks magic and header CRC. `bytes` must hold at least 32 bytes.
    static func decode(_ bytes: UnsafeRawBufferPointer) -> Result<SnapshotHeader, SnapshotDefect> {
        var reader = ByteReader(bytes)
        do {
            let magic = try reader.readUInt32()
            guard magic == Self.magic else { return .failure(.badMagic(found: magic)) }
            let header = SnapshotHeader(formatVersion: try reader.readUInt32(), seq: try reader.readUInt64(),
                                        payloadBytes: try reader.readUInt64(), payloadCRC: try reader.readUInt32())
            let stored = try reader.readUInt32()
            guard stored == CRC32C.checksum(UnsafeRawBufferPointer(rebasing: bytes[0..<28])) else {
                return .failure(.headerChecksumMismatch)
            }
            return .success(header)
        } catch {
            return .failure(.tooShort(bytes: Int64(bytes.count)))
        }
    }
}
