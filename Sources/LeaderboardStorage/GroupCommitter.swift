// Group commit: the engine thread submits batch payloads; one writer thread owns the WAL, writes
// everything queued with one write call, syncs once per group (per FsyncPolicy), then completes
// each submission with its seq. A failed write or sync fails every pending and later submission.
import CSystem
import Glibc

/// Runs a `WriteAheadLog` on a dedicated writer thread so the fsync of batch k overlaps the
/// engine applying batch k+1.
///
/// Ownership: after `init`, the log belongs to the writer thread until `close()` hands it back.
/// The writer thread keeps the committer alive until `close()`: always call it.
/// The queue (`shared`) is guarded by a pthread mutex; the writer sleeps on its condition.
/// Completions run on the writer thread, in seq order, and must be quick (post to a mailbox)
/// and must not call `close()`.
/// The writer thread is named `threadName` (as `top -H` and `perf` show it).
///
/// Failure is sticky: once a write or sync fails, every queued and later submission completes
/// with that error. Under `.always` no completion ever reports success for a record that was not
/// covered by a successful fdatasync.
public final class GroupCommitter: Sendable {
    public typealias Completion = @Sendable (Result<UInt64, StorageError>) -> Void
    public typealias RemovalCompletion = @Sendable (Result<[String], StorageError>) -> Void

    struct Submission {
        let payload: [UInt8]
        let seq: UInt64
        let completion: Completion
    }

    struct Removal {
        let coveredUpTo: UInt64
        let completion: RemovalCompletion
    }

    /// Everything the submitting threads and the writer share; guarded by `shared`'s mutex.
    struct Shared {
        var queue: [Submission] = []
        var removals: [Removal] = []
        /// Seq the next submission gets (submissions are written in this order).
        var nextSeq: UInt64
        /// Last seq whose completion reported success.
        var completedSeq: UInt64
        var isClosing = false
        var failure: StorageError?
    }

    public let policy: FsyncPolicy
    let clock: @Sendable () -> UInt64
    let maxRecordBytes: Int
    let shared: ConditionLock<Shared>
    let writer: WriterContext

    /// Takes ownership of `log` and starts the writer thread.
    /// - Parameter nanosecondClock: monotonic nanoseconds, used only for the `.interval` decision.
    public init(log: sending WriteAheadLog, policy: FsyncPolicy = .always,
                nanosecondClock: @escaping @Sendable () -> UInt64 = monotonicNanoseconds,
                threadName: String = "overtake-wal") throws(StorageError) {
        self.policy = policy
        self.clock = nanosecondClock
        self.maxRecordBytes = log.configuration.maxRecordBytes
        self.shared = ConditionLock(Shared(nextSeq: log.nextSeq, completedSeq: log.lastSeq))
        self.writer = WriterContext(log: log, threadName: threadName)
        let retained = Unmanaged.passRetained(self)
        var thread = pthread_t()
        let status = pthread_create(&thread, nil, { argument in
            let committer = Unmanaged<GroupCommitter>.fromOpaque(argument!).takeRetainedValue()
            _ = csystem_set_thread_name(committer.writer.threadName)
            committer.runWriter()
            return nil
        }, retained.toOpaque())
        guard status == 0 else {
            retained.release()
            throw .threadStartFailed(errno: status)
        }
        writer.thread = thread
    }

    /// Queues `payload` as the next record and returns its seq. `completion` runs on the writer
    /// thread once the record is written (and, under `.always`, synced).
    /// If the committer has failed or is closed, or the payload is too large, `completion` runs
    /// at once on the calling thread with the error, and nil is returned (no seq is used).
    @discardableResult
    public func submit(_ payload: [UInt8], completion: @escaping Completion) -> UInt64? {
        if payload.count > maxRecordBytes {
            completion(.failure(.recordTooLarge(bytes: payload.count, limit: maxRecordBytes)))
            return nil
        }
        let outcome: Result<UInt64, StorageError> = shared.withLock { shared in
            if let failure = shared.failure { return .failure(failure) }
            if shared.isClosing { return .failure(.committerClosed) }
            let seq = shared.nextSeq
            shared.nextSeq += 1
            shared.queue.append(Submission(payload: payload, seq: seq, completion: completion))
            return .success(seq)
        }
        switch outcome {
        case .success(let seq):
            shared.signal()
            return seq
        case .failure(let error):
            completion(.failure(error))
            return nil
        }
    }

    /// Asks the writer to delete log segments covered by a snapshot (see
    /// `WriteAheadLog.removeSegments`); `completion` runs on the writer thread with the removed paths.
    public func removeSegments(coveredUpTo seq: UInt64, completion: @escaping RemovalCompletion) {
        let rejected: StorageError? = shared.withLock { shared in
            if shared.isClosing { return .committerClosed }
            shared.removals.append(Removal(coveredUpTo: seq, completion: completion))
            return nil
        }
        if let rejected { completion(.failure(rejected)) } else { shared.signal() }
    }

    /// Last seq whose completion reported success (durable under `.always`).
    public var completedSeq: UInt64 { shared.withLock { $0.completedSeq } }

    /// The sticky failure, if a write or sync failed.
    public var failure: StorageError? { shared.withLock { $0.failure } }

    /// Stops accepting submissions, lets the writer drain the queue and sync (unless `.never`),
    /// joins the writer thread and hands the log back. Call once, not from a completion.
    /// - Throws: the sticky failure, if any write or sync failed (the log is then unusable).
    public func close() throws(StorageError) -> WriteAheadLog {
        let alreadyClosing = shared.withLock { shared in
            defer { shared.isClosing = true }
            return shared.isClosing
        }
        guard !alreadyClosing, let thread = writer.thread else { throw .committerClosed }
        shared.signal()
        pthread_join(thread, nil)
        if let failure = shared.withLock({ $0.failure }) { throw failure }
        return writer.takeLog()
    }
}

/// The writer thread's exclusive state.
// @unchecked Sendable: `log` is used only by the writer thread between pthread_create and the
// end of runWriter, and by close() only after pthread_join returned (a happens-before edge);
// `thread` is written once in init, before any other thread can read it.
final class WriterContext: @unchecked Sendable {
    private var log: WriteAheadLog?
    var thread: pthread_t?
    let threadName: String

    init(log: sending WriteAheadLog, threadName: String) {
        self.log = log
        self.threadName = threadName
    }

    /// The log; only on the writer thread.
    var writerLog: WriteAheadLog { log! }

    func takeLog() -> WriteAheadLog {
        defer { log = nil }
        return log!
    }
}
