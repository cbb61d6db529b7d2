// The durable engine: one directory holding the WAL (`wal-*.log`) and engine snapshots
// (`snapshot-*.snap`) of a LeaderboardEngine. Invariant: the state the engine thread holds equals
// the newest snapshot plus every record logged after it, each record being one tick's operations.
import LeaderboardEngine

/// Coordinates logging, snapshots and recovery for the engine thread.
///
/// Use: `EngineStore.recover(configuration:)` gives the store and a ready engine. On the engine
/// thread, per tick: apply the tick's operations to the engine, then `log` them (one record);
/// answer clients from the completion. Between ticks call `snapshotIfDue(engine)`. At shutdown,
/// `close(engine)`.
///
/// Threads: the store is owned by the engine thread (not thread-safe). Completions of `log` run on
/// the GroupCommitter's writer thread; snapshots are encoded and written on a snapshot thread.
public final class EngineStore {
    public struct Configuration: Sendable {
        /// Holds the WAL segments and the snapshots; created (with parents) if missing.
        public var directory: String
        /// `.always` (default): a successful completion means the record is on disk.
        public var fsyncPolicy: FsyncPolicy = .always
        /// A new WAL segment starts after this many bytes; whole segments are removed after snapshots.
        public var segmentBytes = 64 << 20
        /// Zeros written ahead of the log records, a chunk at a time (0: none); see `WriteAheadLog`.
        public var walPreallocationBytes = 256 << 10
        /// Take a snapshot when this much time passed since the last one began (nil: no time trigger).
        public var snapshotInterval: Duration? = .seconds(300)
        /// Take a snapshot once this many records were logged since the last one began (nil: none).
        public var snapshotEveryRecords: Int?
        /// Snapshots kept (at least 1). The WAL keeps every record after the oldest kept one, so
        /// recovery can fall back to it when a newer snapshot is damaged.
        public var snapshotsKept = 2
        /// Recovery reports progress every this many records replayed…
        public var progressEveryRecords = 100_000
        /// …and every this many bytes of log scanned.
        public var progressEveryBytes: Int64 = 64 << 20
        /// The configuration of the recovered engine (idempotency window, limits).
        public var engine = EngineConfiguration()
        /// Injected for tests (InMemoryFileSystem); production uses the real one.
        public var fileSystem: any FileSystem = RealFileSystem()
        /// Monotonic nanoseconds: snapshot interval decisions and reported durations.
        public var nanosecondClock: @Sendable () -> UInt64 = monotonicNanoseconds
        /// Called on the snapshot thread (or in `close`) with each snapshot's outcome, e.g. to log it.
        public var snapshotObserver: (@Sendable (SnapshotOutcome) -> Void)?

        public init(directory: String) { self.directory = directory }
    }

    public let configuration: Configuration
    let committer: GroupCommitter
    let worker: SnapshotWorker
    /// Reused by `log`; owned by the engine thread.
    private var encoder = ByteWriter(reservingCapacity: 64 << 10)
    /// Seq of the last record accepted by the committer (0 if none).
    public private(set) var lastLoggedSeq: UInt64
    var recordsSinceSnapshot = 0
    var lastSnapshotStart: UInt64
    /// Set when `log` could not hand a record to the committer: the engine then holds operations
    /// the log does not, and no snapshot may capture them.
    var refusal: StorageError?
    var isClosed = false

    init(configuration: Configuration, committer: GroupCommitter, worker: SnapshotWorker, lastSeq: UInt64) {
        self.configuration = configuration
        self.committer = committer
        self.worker = worker
        self.lastLoggedSeq = lastSeq
        self.lastSnapshotStart = configuration.nanosecondClock()
    }

    deinit {
        // A store dropped without `close` still stops its writer thread (without a final snapshot).
        if !isClosed { _ = try? committer.close() }
    }

    /// Seq covered by the newest committed snapshot (or the one recovery loaded; 0 if none).
    public var lastSnapshotSeq: UInt64 { worker.committedSeq }

    /// Resets the snapshot triggers: a snapshot began at `time` (whatever its outcome, the next
    /// one waits for a full interval or record count, so a failing disk is not hammered).
    func markSnapshotBegun(at time: UInt64) {
        lastSnapshotStart = time
        recordsSinceSnapshot = 0
    }

    // MARK: Logging

    /// Encodes `operations` (one tick, in the order they were applied) as the next WAL record and
    /// hands it to the group committer. Returns its seq, or nil if it was refused (then
    /// `completion` has already run with the error).
    ///
    /// `completion` runs on the writer thread once the record is durable (under `.always`: after
    /// the fsync covering it), in seq order — so it also means every earlier record is durable; it
    /// must be quick (post to a mailbox). An empty `operations` logs an empty record, which is a
    /// way to wait for everything logged before it.
    @discardableResult
    public func log(_ operations: [EngineOperation], completion: @escaping GroupCommitter.Completion) -> UInt64? {
        guard !isClosed else {
            completion(.failure(.committerClosed))
            return nil
        }
        encoder.removeAll()
        EngineOperationCodec.encode(operations, into: &encoder)
        guard let seq = committer.submit(encoder.bytes, completion: completion) else {
            // `submit` refused it (and completed it) synchronously: too large, failed or closed.
            if refusal == nil {
                refusal = encoder.count > committer.maxRecordBytes
                    ? .recordTooLarge(bytes: encoder.count, limit: committer.maxRecordBytes)
                    : committer.failure ?? .committerClosed
            }
            return nil
        }
        lastLoggedSeq = seq
        recordsSinceSnapshot += 1
        return seq
    }

    /// Last seq whose completion reported success.
    public var durableSeq: UInt64 { committer.completedSeq }

    /// The log's sticky failure, if a write or fsync failed (restart and recover).
    public var failure: StorageError? { committer.failure ?? refusal }
}
