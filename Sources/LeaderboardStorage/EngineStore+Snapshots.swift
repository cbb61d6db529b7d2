// Snapshots of the coordinator: exported on the engine thread (covering the last record logged),
// written on the snapshot thread, then the WAL segments covered by the oldest kept snapshot are
// removed; and the clean shutdown (drain, final snapshot, close the log).
import LeaderboardEngine

extension EngineStore {
    /// Starts a snapshot if one is due: `snapshotInterval` elapsed or `snapshotEveryRecords`
    /// records logged since the last one began. Call on the engine thread between ticks (after
    /// `log` was called for every operation applied).
    @discardableResult
    public func snapshotIfDue(_ engine: LeaderboardEngine) -> SnapshotStart {
        guard isDue else { return .notDue }
        return beginSnapshot(engine)
    }

    private var isDue: Bool {
        guard lastLoggedSeq != lastSnapshotSeq else { return false }
        if let every = configuration.snapshotEveryRecords, recordsSinceSnapshot >= every { return true }
        if let interval = configuration.snapshotInterval {
            return configuration.nanosecondClock() &- lastSnapshotStart >= interval.nanoseconds
        }
        return false
    }

    /// Exports the engine's state on the calling (engine) thread — O(members) — and writes it in
    /// the background as the snapshot covering `lastLoggedSeq` (`.upToDate` if a committed
    /// snapshot already covers it). Never two at once; the outcome
    /// goes to `configuration.snapshotObserver` and `lastSnapshotOutcome`. A failure is reported,
    /// not fatal. Call between ticks, after `log` was called for every operation applied.
    @discardableResult
    public func beginSnapshot(_ engine: LeaderboardEngine) -> SnapshotStart {
        if isClosed { return .refused(.committerClosed) }
        if let failure { return .refused(failure) }
        if worker.isRunning { return .alreadyRunning }
        let seq = lastLoggedSeq
        if seq == worker.committedSeq { return .upToDate(seq: seq) }
        let start = configuration.nanosecondClock()
        let snapshot = engine.snapshot()
        let exported = configuration.nanosecondClock() &- start
        let committer = self.committer
        let started = worker.start(snapshot, seq: seq, exportNanoseconds: exported) { covered in
            Self.removeSegments(through: committer, coveredUpTo: covered)
        }
        guard started else { return .alreadyRunning }
        markSnapshotBegun(at: start)
        return .started(seq: seq)
    }

    /// Blocks until no snapshot is being written; returns the latest outcome (nil if none ended).
    @discardableResult
    public func waitForSnapshot() -> SnapshotOutcome? { worker.waitUntilIdle() }

    /// The outcome of the most recent snapshot that ended.
    public var lastSnapshotOutcome: SnapshotOutcome? { worker.lastOutcome }

    /// Clean shutdown, on the engine thread after the last `log`: waits for a running snapshot,
    /// drains the committer (every queued record written and synced, completions run), writes a
    /// final snapshot synchronously unless a committed one covers the last record, removes covered
    /// segments and closes the log.
    /// - Throws: `.storage` with the log's sticky failure (no final snapshot then), `.closed` if
    ///   called twice.
    public func close(_ engine: LeaderboardEngine) throws(EngineStoreError) -> EngineStoreCloseReport {
        guard !isClosed else { throw .closed }
        isClosed = true
        _ = worker.waitUntilIdle()
        let log: WriteAheadLog
        do { log = try committer.close() } catch { throw .storage(error) }
        defer { log.close() }
        guard failure == nil, lastLoggedSeq != worker.committedSeq else {
            return EngineStoreCloseReport(lastSeq: log.lastSeq, finalSnapshot: nil)
        }
        let seq = lastLoggedSeq
        let start = configuration.nanosecondClock()
        let snapshot = engine.snapshot()
        let exported = configuration.nanosecondClock() &- start
        let outcome = worker.writeNow(snapshot, seq: seq, exportNanoseconds: exported) { covered in
            Result { () throws(StorageError) in try log.removeSegments(coveredUpTo: covered) }
        }
        markSnapshotBegun(at: start)
        return EngineStoreCloseReport(lastSeq: log.lastSeq, finalSnapshot: outcome)
    }

    /// Asks the writer thread (which owns the log) to remove segments, and waits for its answer.
    private static func removeSegments(through committer: GroupCommitter,
                                       coveredUpTo seq: UInt64) -> Result<[String], StorageError> {
        let answer = ConditionLock<Result<[String], StorageError>?>(nil)
        committer.removeSegments(coveredUpTo: seq) { result in
            answer.withLock { $0 = result }
            answer.signal()
        }
        return answer.wait(timeoutNanoseconds: nil) { $0 }!
    }
}

extension Duration {
    /// Whole nanoseconds (saturating; negative durations count as 0).
    var nanoseconds: UInt64 {
        let (seconds, attoseconds) = components
        guard seconds >= 0 else { return 0 }
        let (whole, overflow) = UInt64(seconds).multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? .max : whole &+ UInt64(attoseconds / 1_000_000_000)
    }
}
