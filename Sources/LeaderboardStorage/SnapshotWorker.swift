// Writes engine snapshots off the engine thread, one at a time: encode + write + commit on a
// serial queue, then the covered WAL segments are removed. Invariant: at most one job exists, and
// the SnapshotStore is touched only by that job or, while no job exists, by the owner's thread.
import Dispatch
import LeaderboardEngine

/// The snapshot half of `EngineStore`.
// @unchecked Sendable: `store` is used by the single job running on `queue`, or by the owning
// (engine) thread only after it observed `isRunning == false` under `state`'s mutex, which the job
// sets as its last action: the mutex orders every use of `store`. `observer` is immutable.
final class SnapshotWorker: @unchecked Sendable {
    struct State {
        var isRunning = false
        var last: SnapshotOutcome?
        /// Seq of the newest committed snapshot (or the one recovery loaded; 0 if none).
        var committedSeq: UInt64
    }

    /// Removes WAL segments covered up to a seq; returns the removed paths.
    typealias SegmentRemover = @Sendable (UInt64) -> Result<[String], StorageError>

    private let store: SnapshotStore
    private let queue = DispatchQueue(label: "overtake.snapshot")
    private let state: ConditionLock<State>
    private let clock: @Sendable () -> UInt64
    private let observer: (@Sendable (SnapshotOutcome) -> Void)?

    init(store: SnapshotStore, committedSeq: UInt64, clock: @escaping @Sendable () -> UInt64,
         observer: (@Sendable (SnapshotOutcome) -> Void)?) {
        self.store = store
        self.state = ConditionLock(State(committedSeq: committedSeq))
        self.clock = clock
        self.observer = observer
    }

    var isRunning: Bool { state.withLock { $0.isRunning } }

    /// The outcome of the most recent snapshot, if any finished.
    var lastOutcome: SnapshotOutcome? { state.withLock { $0.last } }

    /// Seq of the newest committed snapshot (a failed one does not count).
    var committedSeq: UInt64 { state.withLock { $0.committedSeq } }

    /// Starts writing `snapshot` (covering `seq`) in the background unless a job exists.
    /// Returns false if one was already running.
    func start(_ snapshot: EngineSnapshot, seq: UInt64, exportNanoseconds: UInt64,
               removeSegments: @escaping SegmentRemover) -> Bool {
        let claimed = state.withLock { state -> Bool in
            if state.isRunning { return false }
            state.isRunning = true
            return true
        }
        guard claimed else { return false }
        queue.async {
            let outcome = self.write(snapshot, seq: seq, exportNanoseconds: exportNanoseconds, removeSegments: removeSegments)
            // The observer runs first, so `waitUntilIdle` returning means it has seen the outcome.
            self.observer?(outcome)
            self.state.withLock { state in
                state.isRunning = false
                state.record(outcome)
            }
            self.state.signal()
        }
        return true
    }

    /// Waits until no job runs; returns the latest outcome.
    func waitUntilIdle() -> SnapshotOutcome? {
        state.wait(timeoutNanoseconds: nil) { state -> SnapshotOutcome?? in
            state.isRunning ? nil : .some(state.last)
        } ?? nil
    }

    /// Writes a snapshot on the calling thread. Precondition: no job runs (call `waitUntilIdle` first).
    func writeNow(_ snapshot: EngineSnapshot, seq: UInt64, exportNanoseconds: UInt64,
                  removeSegments: (UInt64) -> Result<[String], StorageError>) -> SnapshotOutcome {
        precondition(!isRunning, "writeNow while a background snapshot runs")
        let outcome = write(snapshot, seq: seq, exportNanoseconds: exportNanoseconds, removeSegments: removeSegments)
        observer?(outcome)
        state.withLock { $0.record(outcome) }
        return outcome
    }

    private func write(_ snapshot: EngineSnapshot, seq: UInt64, exportNanoseconds: UInt64,
                       removeSegments: (UInt64) -> Result<[String], StorageError>) -> SnapshotOutcome {
        let start = clock()
        let commit: SnapshotCommit
        do {
            commit = try EngineSnapshotCodec.write(snapshot, seq: seq, to: store)
        } catch {
            return .failed(seq: seq, error: error)
        }
        let written = clock() &- start
        var removed: [String] = []
        var removalError: StorageError?
        switch removeSegments(commit.oldestRetainedSeq) {
        case .success(let paths): removed = paths
        case .failure(let error): removalError = error
        }
        return .committed(EngineSnapshotReport(path: commit.path, seq: seq, payloadBytes: commit.payloadBytes,
                                               members: snapshot.memberCount, exportNanoseconds: exportNanoseconds,
                                               writeNanoseconds: written, deletedSnapshots: commit.deletedSnapshots,
                                               removedSegments: removed, segmentRemovalError: removalError))
    }
}

extension SnapshotWorker.State {
    mutating func record(_ outcome: SnapshotOutcome) {
        last = outcome
        if case .committed(let report) = outcome { committedSeq = report.seq }
    }
}
