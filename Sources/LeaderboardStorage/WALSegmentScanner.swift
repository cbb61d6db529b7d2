// Reads one WAL segment front to back in large chunks and validates it record by record, stopping
// at the first torn or corrupt record. Reuses one read buffer across segments; never writes.

/// A sequential, chunked reader of one file, with a buffer that grows only for records larger than a chunk.
final class ChunkedFileReader {
    private var buffer: UnsafeMutableRawBufferPointer
    /// File offset of `buffer[0]`.
    private var bufferStart: Int64 = 0
    private var bufferCount = 0

    init(chunkBytes: Int) {
        buffer = .allocate(byteCount: max(chunkBytes, 64), alignment: 16)
    }

    deinit { buffer.deallocate() }

    /// Forgets buffered bytes (before switching files).
    func reset() {
        bufferStart = 0
        bufferCount = 0
    }

    /// Bytes [offset, offset + count) of `file`, valid until the next call; nil if the file ends first.
    func bytes(_ file: FileDescriptor, _ fileSystem: any FileSystem, at offset: Int64,
               count: Int) throws(FileSystemError) -> UnsafeRawBufferPointer? {
        if offset >= bufferStart && offset + Int64(count) <= bufferStart + Int64(bufferCount) {
            let start = Int(offset - bufferStart)
            return UnsafeRawBufferPointer(rebasing: buffer[start..<start + count])
        }
        if count > buffer.count { grow(to: count) }
        if offset >= bufferStart && offset < bufferStart + Int64(bufferCount) {
            let keep = Int(bufferStart + Int64(bufferCount) - offset)
            buffer.baseAddress!.copyMemory(from: buffer.baseAddress! + Int(offset - bufferStart), byteCount: keep)
            bufferCount = keep
        } else {
            bufferCount = 0
        }
        bufferStart = offset
        let free = UnsafeMutableRawBufferPointer(rebasing: buffer[bufferCount...])
        bufferCount += try fileSystem.readFully(file, into: free, at: offset + Int64(bufferCount))
        guard bufferCount >= count else { return nil }
        return UnsafeRawBufferPointer(rebasing: buffer[0..<count])
    }

    private func grow(to count: Int) {
        let larger = UnsafeMutableRawBufferPointer.allocate(byteCount: count, alignment: 16)
        larger.copyMemory(from: UnsafeRawBufferPointer(rebasing: buffer[0..<bufferCount]))
        buffer.deallocate()
        buffer = larger
    }
}

/// The result of scanning one segment.
struct SegmentScan {
    /// End of the last intact record (or of the header): where the next record goes.
    var validEnd: Int64 = 0
    /// Seq of the last intact record, or firstSeq - 1 when there is none.
    var lastSeq: UInt64 = 0
    /// Set when the scan stopped at damage located at `validEnd`.
    var damage: TailDamage?
    /// Set when the scan stopped at an all-zero record header: preallocated space, the clean end.
    var endsInZeros = false
    var fileSize: Int64 = 0
}

/// Validates and replays the records of one segment.
struct WALSegmentScanner {
    let fileSystem: any FileSystem
    let reader: ChunkedFileReader
    let maxRecordBytes: Int
    let replayAfter: UInt64

    /// Scans `path`, which must start at `expectedFirstSeq`. Records with seq > `replayAfter`
    /// are CRC-checked and passed to `replay`; earlier ones are only framed and seq-checked
    /// (the snapshot covers them, so their payload is never used).
    func scan(path: String, file: FileDescriptor, expectedFirstSeq: UInt64, report: inout RecoveryReport,
              progress: (_ bytesScanned: Int64, _ recordsReplayed: Int) -> Void,
              replay: (UInt64, UnsafeRawBufferPointer) -> Void) throws(FileSystemError) -> SegmentScan {
        reader.reset()
        var scan = SegmentScan(lastSeq: expectedFirstSeq - 1, fileSize: try fileSystem.size(of: file))
        let headerBytes = Int(min(scan.fileSize, Int64(WALFormat.segmentHeaderBytes)))
        let header = try reader.bytes(file, fileSystem, at: 0, count: headerBytes) ?? UnsafeRawBufferPointer(start: nil, count: 0)
        switch WALFormat.decodeSegmentHeader(header) {
        case .failure(let damage):
            scan.damage = damage
            return scan
        case .success(let firstSeq) where firstSeq != expectedFirstSeq:
            scan.damage = .segmentSeqMismatch(expected: expectedFirstSeq, found: firstSeq)
            return scan
        case .success:
            break
        }
        scan.validEnd = Int64(WALFormat.segmentHeaderBytes)
        report.bytesScanned += scan.validEnd
        while scan.validEnd < scan.fileSize && !scan.endsInZeros {
            if let damage = try scanRecord(&scan, file: file, report: &report, replay: replay) {
                scan.damage = damage
                return scan
            }
            progress(report.bytesScanned, report.recordsReplayed)
        }
        return scan
    }

    /// Validates the record at `scan.validEnd`, replays it, and advances; returns damage instead.
    private func scanRecord(_ scan: inout SegmentScan, file: FileDescriptor, report: inout RecoveryReport,
                            replay: (UInt64, UnsafeRawBufferPointer) -> Void) throws(FileSystemError) -> TailDamage? {
        let offset = scan.validEnd
        let available = scan.fileSize - offset
        guard available >= Int64(WALFormat.recordHeaderBytes),
              let header = try reader.bytes(file, fileSystem, at: offset, count: WALFormat.recordHeaderBytes) else {
            return .shortRecordHeader(bytes: Int(available))
        }
        let length = UInt32(littleEndian: header.loadUnaligned(fromByteOffset: 0, as: UInt32.self))
        let storedCRC = UInt32(littleEndian: header.loadUnaligned(fromByteOffset: 4, as: UInt32.self))
        let seq = UInt64(littleEndian: header.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
        if length == 0 && storedCRC == 0 && seq == 0 {
            scan.endsInZeros = true
            return nil
        }
        guard Int(length) <= maxRecordBytes else { return .lengthTooLarge(length: length, limit: maxRecordBytes) }
        let payloadAvailable = available - Int64(WALFormat.recordHeaderBytes)
        guard Int64(length) <= payloadAvailable else { return .shortPayload(declared: Int(length), available: Int(payloadAvailable)) }
        guard seq == scan.lastSeq + 1 else { return .sequenceGap(expected: scan.lastSeq + 1, found: seq) }
        let payloadOffset = offset + Int64(WALFormat.recordHeaderBytes)
        if seq > replayAfter {
            guard let payload = try reader.bytes(file, fileSystem, at: payloadOffset, count: Int(length)) else {
                return .shortPayload(declared: Int(length), available: Int(payloadAvailable))
            }
            let computed = WALFormat.recordChecksum(seq: seq, payload: payload)
            guard computed == storedCRC else { return .checksumMismatch(stored: storedCRC, computed: computed) }
            replay(seq, payload)
            report.recordsReplayed += 1
        } else {
            report.recordsSkipped += 1
        }
        let recordBytes = Int64(WALFormat.recordHeaderBytes) + Int64(length)
        scan.validEnd += recordBytes
        scan.lastSeq = seq
        report.bytesScanned += recordBytes
        return nil
    }
}
