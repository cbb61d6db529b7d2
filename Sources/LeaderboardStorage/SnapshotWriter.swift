// Streams one snapshot into its temporary file: buffered writes, CRC computed on the way, then
// header + fsync + rename + directory fsync on commit. A writer that is not committed leaves only a `.tmp`.

/// Writes one snapshot. Create with `SnapshotStore.begin`; call `write` any number of times,
/// then `commit` (or `abandon`). Not thread-safe; may be handed to another thread as a whole.
public final class SnapshotWriter {
    let store: SnapshotStore
    let seq: UInt64
    let formatVersion: UInt32
    let temporaryPath: String
    private var file: FileDescriptor?
    private var buffer: [UInt8]
    private let bufferLimit: Int
    /// File offset where `buffer` goes.
    private var fileOffset = Int64(SnapshotHeader.bytes)
    private var payloadBytes: UInt64 = 0
    private var crc: UInt32 = 0
    /// Set once the file was renamed into place: the temporary path no longer exists.
    private var isCommitted = false

    init(store: SnapshotStore, seq: UInt64, formatVersion: UInt32, temporaryPath: String, file: FileDescriptor) {
        self.store = store
        self.seq = seq
        self.formatVersion = formatVersion
        self.temporaryPath = temporaryPath
        self.file = file
        self.bufferLimit = store.configuration.writeBufferBytes
        self.buffer = []
        buffer.reserveCapacity(bufferLimit)
    }

    deinit { abandon() }

    /// Payload bytes written so far.
    public var bytesWritten: UInt64 { payloadBytes }

    /// Appends `bytes` to the payload (buffered; large chunks are written through).
    public func write(_ bytes: UnsafeRawBufferPointer) throws(StorageError) {
        guard let file else { throw .snapshotMisuse(reason: "write after commit or abandon") }
        crc = CRC32C.update(crc, bytes)
        payloadBytes += UInt64(bytes.count)
        if buffer.count + bytes.count <= bufferLimit {
            buffer.append(contentsOf: bytes)
            return
        }
        try flush(file)
        if bytes.count >= bufferLimit {
            try store.fileSystem.writeAll(file, bytes, at: fileOffset, path: temporaryPath)
            fileOffset += Int64(bytes.count)
        } else {
            buffer.append(contentsOf: bytes)
        }
    }

    /// Appends `bytes` to the payload.
    public func write(_ bytes: [UInt8]) throws(StorageError) {
        try bytes.withBytes { (raw) throws(StorageError) in try write(raw) }
    }

    /// Writes the header, fsyncs, renames into place, fsyncs the directory, then deletes
    /// snapshots beyond the store's retention. On error the temporary file is removed.
    public func commit() throws(StorageError) -> SnapshotCommit {
        guard let file else { throw .snapshotMisuse(reason: "commit after commit or abandon") }
        let finalPath = joinPath(store.directory, SnapshotHeader.fileName(seq: seq))
        do {
            try flush(file)
            let header = SnapshotHeader(formatVersion: formatVersion, seq: seq, payloadBytes: payloadBytes, payloadCRC: crc)
            try header.encoded().withBytes { (raw) throws(StorageError) in
                try store.fileSystem.writeAll(file, raw, at: 0, path: temporaryPath)
            }
            try io { () throws(FileSystemError) in
                try store.fileSystem.fsync(file)
                store.fileSystem.close(file)
                self.file = nil
                try store.fileSystem.rename(temporaryPath, to: finalPath)
                isCommitted = true
                try store.fileSystem.syncDirectory(store.directory)
            }
        } catch {
            abandon()
            throw error
        }
        let retention = try store.applyRetention()
        return SnapshotCommit(path: finalPath, seq: seq, payloadBytes: payloadBytes,
                              deletedSnapshots: retention.deleted, oldestRetainedSeq: retention.oldestRetainedSeq)
    }

    /// Drops the snapshot: closes and removes the temporary file. Idempotent.
    public func abandon() {
        if let file {
            store.fileSystem.close(file)
            self.file = nil
        }
        if !isCommitted { try? store.fileSystem.unlink(temporaryPath) }
        isCommitted = true
    }

    private func flush(_ file: FileDescriptor) throws(StorageError) {
        guard !buffer.isEmpty else { return }
        try buffer.withBytes { (raw) throws(StorageError) in
            try store.fileSystem.writeAll(file, raw, at: fileOffset, path: temporaryPath)
        }
        fileOffset += Int64(buffer.count)
        buffer.removeAll(keepingCapacity: true)
    }
}

/// What `SnapshotWriter.commit` did.
public struct SnapshotCommit: Sendable, Equatable {
    public let path: String
    public let seq: UInt64
    public let payloadBytes: UInt64
    /// Older snapshots deleted by retention.
    public let deletedSnapshots: [String]
    /// Seq of the oldest snapshot kept: WAL segments covered by it may be removed
    /// (`WriteAheadLog.removeSegments(coveredUpTo:)`) without losing the fallback.
    public let oldestRetainedSeq: UInt64
}
