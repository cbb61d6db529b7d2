// Segmented append-only log of opaque payloads (format: WALRecord+Codec.swift). Owned by one thread
// at a time. Invariant: the files hold exactly records 1st…(nextSeq-1), each written by one write call,
// followed in the current segment by zeros written ahead of them (preallocation, below).
//
// Why zeros ahead: an append that grows the file changes its size, so each fdatasync must also
// commit that metadata through the file system's journal. Overwriting zeros already on disk
// changes no metadata, and the fdatasync flushes data only: on this machine kind (ext4 on virtio)
// 0.14 ms against 0.28 ms at the median for a 24 KiB group. The zeros are written a chunk at a time
// (`preallocationBytes`) by `preallocate`, which the group committer calls between groups, and
// synced there: written just before a group, a 1 MiB chunk made that group's fsync 3-4 ms.
// A 256 KiB chunk costs its own sync ~1 ms; at 100 k events/s that is ~13 times a second.
// Recovery reads an all-zero record header as the end of the log (seqs start at 1, so no record
// header is all zeros).

/// A segmented write-ahead log.
///
/// Ownership: not thread-safe; exactly one thread uses an instance at a time (the engine thread, or
/// the `GroupCommitter` writer thread that took it). Obtain one with `openAndRecover`.
///
/// Durability: `append` hands bytes to the OS; only `sync` makes them durable. After a failed
/// fsync the log is failed for good (`StorageError.logFailed`): restart and recover.
public final class WriteAheadLog {
    public struct Configuration: Sendable {
        /// A new segment starts once the current one holds at least this many bytes.
        public var segmentBytes: Int = 64 << 20
        /// Larger payloads are refused on append, and such lengths are treated as corrupt on replay.
        public var maxRecordBytes: Int = 256 << 20
        /// Replay reads segments in chunks of this size.
        public var readChunkBytes: Int = 4 << 20
        /// Replay calls its progress callback each time this many more bytes were scanned.
        public var progressIntervalBytes: Int64 = 64 << 20
        /// Segments closed by rotation whose data is not yet synced are kept open for the next
        /// `sync`; beyond this many (one group spanning many segments) the oldest is synced and
        /// closed at once.
        public var maxSegmentsAwaitingSync = 8
        /// Zeros written ahead of the records by `preallocate`, a chunk of this many bytes (at
        /// most a segment) whenever less than half a chunk remains (0: none; the file grows with
        /// every append).
        public var preallocationBytes = 256 << 10

        public init() {}
    }

    struct Segment {
        let firstSeq: UInt64
        let path: String
    }

    struct OpenSegment {
        let firstSeq: UInt64
        let path: String
        let file: FileDescriptor
        /// Bytes of records (and header): the offset of the next record.
        var size: Int64
        /// Bytes in the file: `size` plus the zeros written ahead.
        var allocated: Int64
    }

    public let directory: String
    public let configuration: Configuration
    let fileSystem: any FileSystem
    /// Closed segments, oldest first (the current one excluded).
    var closedSegments: [Segment]
    var current: OpenSegment
    /// Segments rotated away whose records are not yet synced.
    var awaitingSync: [OpenSegment] = []
    var directoryNeedsSync = false
    /// Reused for every append; records are built here, then written with one call.
    var staging: [UInt8] = []
    var failure: FileSystemError?

    /// Seq the next appended record gets.
    public private(set) var nextSeq: UInt64
    /// Seq of the last record covered by a successful `sync` (or present at recovery).
    public private(set) var syncedSeq: UInt64

    /// Seq of the last appended record (0 if none ever).
    public var lastSeq: UInt64 { nextSeq - 1 }

    init(directory: String, fileSystem: any FileSystem, configuration: Configuration,
         closedSegments: [Segment], current: OpenSegment, nextSeq: UInt64) {
        precondition(configuration.maxRecordBytes <= Int(UInt32.max), "maxRecordBytes must fit the UInt32 length field")
        self.directory = directory
        self.fileSystem = fileSystem
        self.configuration = configuration
        self.closedSegments = closedSegments
        self.current = current
        self.nextSeq = nextSeq
        self.syncedSeq = nextSeq - 1
    }

    deinit { close() }

    /// Paths of all segments, oldest first.
    public var segmentPaths: [String] { closedSegments.map(\.path) + [current.path] }

    /// Closes the files without syncing. The instance must not be used afterwards.
    public func close() {
        for segment in awaitingSync { fileSystem.close(segment.file) }
        awaitingSync.removeAll()
        if current.file.rawValue >= 0 { fileSystem.close(current.file) }
        current = OpenSegment(firstSeq: current.firstSeq, path: current.path, file: FileDescriptor(rawValue: -1, path: current.path),
                              size: current.size, allocated: current.allocated)
    }

    /// Appends one record with one write call; returns its seq. Not durable until `sync`.
    /// On `.io` nothing was appended (a torn write was truncated away) and the log stays usable.
    public func append(_ payload: UnsafeRawBufferPointer) throws(StorageError) -> UInt64 {
        try checkUsable()
        try checkSize(payload.count)
        if needsRotation { try rotate() }
        staging.removeAll(keepingCapacity: true)
        stage(payload, seq: nextSeq)
        try writeStaging(records: 1)
        return nextSeq - 1
    }

    /// Appends one record with one write call; returns its seq.
    public func append(_ payload: [UInt8]) throws(StorageError) -> UInt64 {
        try payload.withBytes { (raw) throws(StorageError) -> UInt64 in try append(raw) }
    }

    /// Appends `payloads` as consecutive records, one write call per segment touched; returns
    /// the seqs used. On error, the records before the failing segment stay appended (see `nextSeq`).
    @discardableResult
    public func append<C: Collection>(contentsOf payloads: C) throws(StorageError) -> ClosedRange<UInt64>?
    where C.Element == [UInt8] {
        try checkUsable()
        for payload in payloads { try checkSize(payload.count) }
        guard !payloads.isEmpty else { return nil }
        let first = nextSeq
        var index = payloads.startIndex
        while index != payloads.endIndex {
            if needsRotation { try rotate() }
            staging.removeAll(keepingCapacity: true)
            var count = 0
            // Fill the current segment up to its limit, then write the group with one call.
            while index != payloads.endIndex && (count == 0 || Int(current.size) + staging.count < configuration.segmentBytes) {
                payloads[index].withUnsafeBytes { stage($0, seq: nextSeq + UInt64(count)) }
                count += 1
                index = payloads.index(after: index)
            }
            try writeStaging(records: count)
        }
        return first...(nextSeq - 1)
    }

    /// Makes every appended record durable: fdatasync of each segment written since the last
    /// sync, then of the directory if a segment was created. Failure is permanent (`.logFailed`).
    public func sync() throws(StorageError) {
        try checkUsable()
        let target = nextSeq - 1
        do {
            while let segment = awaitingSync.first {
                try fileSystem.fdatasync(segment.file)
                fileSystem.close(segment.file)
                awaitingSync.removeFirst()
            }
            try fileSystem.fdatasync(current.file)
            if directoryNeedsSync {
                try fileSystem.syncDirectory(directory)
                directoryNeedsSync = false
            }
        } catch {
            failure = error
            throw .logFailed(cause: error)
        }
        syncedSeq = target
    }

    // MARK: internals

    func checkUsable() throws(StorageError) {
        if let failure { throw .logFailed(cause: failure) }
    }

    private func checkSize(_ bytes: Int) throws(StorageError) {
        if bytes > configuration.maxRecordBytes { throw .recordTooLarge(bytes: bytes, limit: configuration.maxRecordBytes) }
    }

    private var needsRotation: Bool {
        current.size >= Int64(configuration.segmentBytes) && current.size > Int64(WALFormat.segmentHeaderBytes)
    }

    /// Appends header + payload of one record to `staging`.
    @inline(__always)
    private func stage(_ payload: UnsafeRawBufferPointer, seq: UInt64) {
        let start = staging.count
        staging.append(contentsOf: repeatElement(0, count: WALFormat.recordHeaderBytes))
        staging.append(contentsOf: payload)
        staging.withUnsafeMutableBytes { buffer in
            let header = UnsafeMutableRawBufferPointer(rebasing: buffer[start..<start + WALFormat.recordHeaderBytes])
            WALFormat.storeRecordHeader(into: header, seq: seq, payload: payload)
        }
    }

    /// Writes `staging` (holding `records` records) at the end of the current segment.
    private func writeStaging(records: Int) throws(StorageError) {
        let offset = current.size
        do {
            try staging.withBytes { (raw) throws(StorageError) in
                try fileSystem.writeAll(current.file, raw, at: offset, path: current.path)
            }
        } catch {
            try rollBack(to: offset, after: error)
        }
        current.size += Int64(staging.count)
        current.allocated = max(current.allocated, current.size)
        nextSeq += UInt64(records)
        if staging.capacity > 16 << 20 { staging = [] }  // do not pin a huge one-off group
    }

    /// Writes the next chunk of zeros once less than half a chunk remains after the records, and
    /// with `sync` makes them durable at once (with the file's new size), so the syncs of the
    /// records that overwrite them flush data only. Call it between groups, after their
    /// completions, to keep the zeros' own write off any group's latency. Returns whether it
    /// wrote.
    ///
    /// Best effort for the zeros: when the disk refuses them (full), the partial chunk is cut off
    /// again and the file grows with its appends, as without preallocation. Zeros left behind by
    /// a failed cut are read as the end of the log like any others. A failed sync fails the log,
    /// as in `sync`.
    @discardableResult
    public func preallocate(sync: Bool) throws(StorageError) -> Bool {
        try checkUsable()
        let chunk = Int64(min(configuration.preallocationBytes, configuration.segmentBytes))
        guard chunk > 0, current.allocated - current.size < chunk / 2 else { return false }
        let start = current.allocated
        let zeros = Self.zeros
        var offset = start
        do {
            while offset < start + chunk {
                let count = Int(min(Int64(zeros.count), start + chunk - offset))
                try fileSystem.writeAll(current.file, UnsafeRawBufferPointer(rebasing: zeros[..<count]), at: offset, path: current.path)
                offset += Int64(count)
            }
        } catch {
            try? fileSystem.truncate(current.file, to: start)
            return false
        }
        current.allocated = offset
        guard sync else { return true }
        do {
            try fileSystem.fdatasync(current.file)
        } catch {
            failure = error
            throw .logFailed(cause: error)
        }
        return true
    }

    /// 64 KiB of zeros, the unit of preallocation writes. Nothing writes to it after it is
    /// initialized, so logs on different threads can share it.
    nonisolated(unsafe) private static let zeros: UnsafeRawBufferPointer = {
        let block = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 << 10, alignment: 64)
        block.initializeMemory(as: UInt8.self, repeating: 0)
        return UnsafeRawBufferPointer(block)
    }()

    /// Cuts a torn write back to `offset` and rethrows `error`; fails the log if the cut fails.
    private func rollBack(to offset: Int64, after error: StorageError) throws(StorageError) -> Never {
        do {
            try fileSystem.truncate(current.file, to: offset)
        } catch {
            failure = error
            throw .logFailed(cause: error)
        }
        current.allocated = offset
        throw error
    }

    /// Starts segment `wal-<nextSeq>.log`; the old one waits for the next `sync`.
    private func rotate() throws(StorageError) {
        // A closed segment keeps no zeros: its size is its records (the next sync makes it durable).
        if current.allocated > current.size {
            do { try fileSystem.truncate(current.file, to: current.size) } catch { throw .io(error) }
            current.allocated = current.size
        }
        let next = try Self.createSegment(directory: directory, firstSeq: nextSeq, fileSystem: fileSystem)
        if syncedSeq == nextSeq - 1 {
            fileSystem.close(current.file)  // nothing of it awaits a sync
        } else {
            awaitingSync.append(current)
        }
        if awaitingSync.count > configuration.maxSegmentsAwaitingSync {
            // Closing it unsynced would lose records that the next `sync` reports durable.
            let oldest = awaitingSync.removeFirst()
            do {
                try fileSystem.fdatasync(oldest.file)
            } catch {
                failure = error
                throw .logFailed(cause: error)
            }
            fileSystem.close(oldest.file)
        }
        closedSegments.append(Segment(firstSeq: current.firstSeq, path: current.path))
        current = next
        directoryNeedsSync = true
    }

    /// Creates a segment file holding just its header. On failure the file is removed again.
    static func createSegment(directory: String, firstSeq: UInt64, fileSystem: any FileSystem) throws(StorageError) -> OpenSegment {
        let path = joinPath(directory, WALFormat.segmentName(firstSeq: firstSeq))
        let file: FileDescriptor
        do { file = try fileSystem.openFile(path, mode: .createOrTruncate) } catch { throw .io(error) }
        let header = WALFormat.encodeSegmentHeader(firstSeq: firstSeq)
        do {
            try header.withBytes { (raw) throws(StorageError) in try fileSystem.writeAll(file, raw, at: 0, path: path) }
        } catch {
            fileSystem.close(file)
            try? fileSystem.unlink(path)
            throw error
        }
        return OpenSegment(firstSeq: firstSeq, path: path, file: file, size: Int64(header.count), allocated: Int64(header.count))
    }
}
