// Snapshots in a directory: streaming atomic writes (SnapshotWriter), loading the newest one that
// verifies (falling back to older ones), and keep-newest-K retention. Single-thread owned.

/// A snapshot read back from disk.
public struct LoadedSnapshot: Sendable, Equatable {
    public let path: String
    /// Last WAL seq the snapshot covers: replay the log after it.
    public let seq: UInt64
    public let formatVersion: UInt32
    public let payload: [UInt8]
}

/// A snapshot file that `loadNewestValid` passed over, and why (for a log line).
public struct SkippedSnapshot: Sendable, Equatable {
    public let path: String
    public let defect: SnapshotDefect
}

/// The outcome of `SnapshotStore.loadNewestValid`.
public struct SnapshotLoadResult: Sendable, Equatable {
    /// The newest snapshot that verified, or nil if none did (start from an empty state, seq 0).
    public let snapshot: LoadedSnapshot?
    /// Newer snapshots that failed verification, newest first.
    public let skipped: [SkippedSnapshot]
}

/// Durable snapshots of an opaque payload, named by the WAL seq they cover.
///
/// Ownership: one thread at a time. A committed snapshot is atomic: either the whole verified
/// file is visible under its final name, or none.
public final class SnapshotStore {
    public struct Configuration: Sendable {
        /// Snapshots kept after a commit (the newest ones); older ones are deleted. At least 1.
        public var retainCount = 2
        /// `SnapshotWriter` gathers payload chunks up to this size per write call.
        public var writeBufferBytes = 1 << 20
        /// Loading reads, then checksums, the payload in chunks of this size, small enough that
        /// the CRC may find the chunk still in cache (1 and 8 MiB measured alike within noise).
        public var readChunkBytes = 1 << 20

        public init() {}
    }

    public let directory: String
    public let configuration: Configuration
    let fileSystem: any FileSystem
    /// Temporary files of interrupted snapshot writes, deleted when the store was opened.
    public let removedTemporaryFiles: [String]

    /// Opens (creating) `directory` and deletes leftover `.snap.tmp` files of interrupted writes.
    public init(directory: String, fileSystem: any FileSystem = RealFileSystem(),
                configuration: Configuration = Configuration()) throws(StorageError) {
        precondition(configuration.retainCount >= 1, "retainCount must keep at least one snapshot")
        self.directory = directory
        self.fileSystem = fileSystem
        self.configuration = configuration
        removedTemporaryFiles = try io { () throws(FileSystemError) -> [String] in
            try fileSystem.createDirectory(directory)
            var removed: [String] = []
            for name in try fileSystem.listDirectory(directory) where name.hasPrefix("snapshot-") && name.hasSuffix(".snap.tmp") {
                try fileSystem.unlink(joinPath(directory, name))
                removed.append(joinPath(directory, name))
            }
            return removed
        }
    }

    /// Seqs of the snapshot files present (verified or not), ascending.
    public func snapshotSeqs() throws(StorageError) -> [UInt64] {
        try io { () throws(FileSystemError) in try fileSystem.listDirectory(directory) }
            .compactMap(SnapshotHeader.seq(ofFileNamed:)).sorted()
    }

    /// Starts writing the snapshot covering WAL seq `seq`, in `<name>.tmp`.
    /// - Parameter formatVersion: the caller's payload encoding version, returned on load.
    public func begin(seq: UInt64, formatVersion: UInt32) throws(StorageError) -> SnapshotWriter {
        let path = joinPath(directory, SnapshotHeader.temporaryName(seq: seq))
        let file = try io { () throws(FileSystemError) in try fileSystem.openFile(path, mode: .createOrTruncate) }
        return SnapshotWriter(store: self, seq: seq, formatVersion: formatVersion, temporaryPath: path, file: file)
    }

    /// Writes a whole snapshot from one buffer: `begin`, `write`, `commit`.
    public func write(seq: UInt64, formatVersion: UInt32, payload: [UInt8]) throws(StorageError) -> SnapshotCommit {
        let writer = try begin(seq: seq, formatVersion: formatVersion)
        try writer.write(payload)
        return try writer.commit()
    }

    /// Loads the newest snapshot whose header, length and payload CRC verify, trying older ones
    /// when newer ones are damaged (each reported in `skipped`). Reads in `readChunkBytes` chunks,
    /// checksumming each while it is hot in cache. O(payload bytes).
    /// - Throws: `.io` only if the directory cannot be listed.
    public func loadNewestValid() throws(StorageError) -> SnapshotLoadResult {
        var skipped: [SkippedSnapshot] = []
        for seq in try snapshotSeqs().reversed() {
            let path = joinPath(directory, SnapshotHeader.fileName(seq: seq))
            switch load(path: path, fileNameSeq: seq) {
            case .success(let snapshot):
                return SnapshotLoadResult(snapshot: snapshot, skipped: skipped)
            case .failure(let defect):
                skipped.append(SkippedSnapshot(path: path, defect: defect))
            }
        }
        return SnapshotLoadResult(snapshot: nil, skipped: skipped)
    }

    /// Deletes all but the newest `retainCount` snapshot files.
    func applyRetention() throws(StorageError) -> (deleted: [String], oldestRetainedSeq: UInt64) {
        let seqs = try snapshotSeqs()
        let doomed = seqs.dropLast(configuration.retainCount)
        var deleted: [String] = []
        for seq in doomed {
            let path = joinPath(directory, SnapshotHeader.fileName(seq: seq))
            try io { () throws(FileSystemError) in try fileSystem.unlink(path) }
            deleted.append(path)
        }
        return (deleted, seqs.dropFirst(doomed.count).first ?? 0)
    }
}

extension SnapshotStore {
    /// Reads and verifies one snapshot file.
    func load(path: String, fileNameSeq: UInt64) -> Result<LoadedSnapshot, SnapshotDefect> {
        let file: FileDescriptor
        do { file = try fileSystem.openFile(path, mode: .readOnly) } catch { return .failure(.unreadable(error)) }
        defer { fileSystem.close(file) }
        do throws(FileSystemError) {
            let size = try fileSystem.size(of: file)
            guard size >= Int64(SnapshotHeader.bytes) else { return .failure(.tooShort(bytes: size)) }
            var headerBytes = [UInt8](repeating: 0, count: SnapshotHeader.bytes)
            let headerRead = try fileSystem.readFully(file, into: &headerBytes, at: 0)
            guard headerRead == SnapshotHeader.bytes else { return .failure(.tooShort(bytes: Int64(headerRead))) }
            let header: SnapshotHeader
            switch headerBytes.withUnsafeBytes({ SnapshotHeader.decode($0) }) {
            case .failure(let defect): return .failure(defect)
            case .success(let decoded): header = decoded
            }
            guard header.seq == fileNameSeq else { return .failure(.seqMismatch(fileName: fileNameSeq, header: header.seq)) }
            guard header.payloadBytes == UInt64(size - Int64(SnapshotHeader.bytes)) else {
                return .failure(.lengthMismatch(header: header.payloadBytes, actual: size - Int64(SnapshotHeader.bytes)))
            }
            let (payload, crc) = try readPayload(file, count: Int(header.payloadBytes))
            guard crc == header.payloadCRC else { return .failure(.checksumMismatch(stored: header.payloadCRC, computed: crc)) }
            return .success(LoadedSnapshot(path: path, seq: header.seq, formatVersion: header.formatVersion, payload: payload))
        } catch {
            return .failure(.unreadable(error))
        }
    }

    /// Reads `count` payload bytes after the header into a fresh array, checksumming chunk by chunk.
    private func readPayload(_ file: FileDescriptor, count: Int) throws(FileSystemError) -> ([UInt8], UInt32) {
        var crc: UInt32 = 0
        var failure: FileSystemError?
        let chunk = configuration.readChunkBytes
        let payload = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            let raw = UnsafeMutableRawBufferPointer(buffer)
            var offset = 0
            while offset < count {
                let piece = UnsafeMutableRawBufferPointer(rebasing: raw[offset..<min(count, offset + chunk)])
                do throws(FileSystemError) {
                    let read = try fileSystem.readFully(file, into: piece, at: Int64(SnapshotHeader.bytes + offset))
                    crc = CRC32C.update(crc, UnsafeRawBufferPointer(rebasing: piece[0..<read]))
                    offset += read
                    if read < piece.count { break }  // the file shrank under us: the CRC will not match
                } catch {
                    failure = error
                    break
                }
            }
            raw[offset...].initializeMemory(as: UInt8.self, repeating: 0)
            initialized = count
        }
        if let failure { throw failure }
        return (payload, crc)
    }
}
