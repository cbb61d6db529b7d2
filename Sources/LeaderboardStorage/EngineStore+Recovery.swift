// Recovery: the newest snapshot that verifies and decodes (damaged newer ones are quarantined and
// reported), restored into a fresh engine, then every WAL record after it performed in order. The
// first torn or corrupt record ends the log (WriteAheadLog truncates it; the report names where).
import LeaderboardEngine

extension EngineStore {
    /// Opens the directory (creating it and its parents if missing), rebuilds the engine and
    /// starts the log's writer thread. The engine is ready when this returns.
    ///
    /// - Parameter progress: called on this thread during long replays (see
    ///   `Configuration.progressEveryRecords` / `progressEveryBytes`).
    /// - Throws: `.storage(.io)` for failed file-system calls, `.storage(.logGap)` if no usable
    ///   snapshot is old enough for the log that is left, `.undecodableRecord` for a record that
    ///   passed its checksum but does not decode (nothing is truncated then).
    public static func recover(configuration: Configuration,
                               progress: (EngineRecoveryProgress) -> Void = { _ in })
        throws(EngineStoreError) -> (store: EngineStore, engine: LeaderboardEngine, report: EngineRecoveryReport) {
        let clock = configuration.nanosecondClock
        let start = clock()
        let fileSystem = configuration.fileSystem
        try storage { () throws(StorageError) in try createDirectories(configuration.directory, fileSystem) }
        var storeConfiguration = SnapshotStore.Configuration()
        storeConfiguration.retainCount = max(1, configuration.snapshotsKept)
        let snapshots = try storage { () throws(StorageError) in
            try SnapshotStore(directory: configuration.directory, fileSystem: fileSystem, configuration: storeConfiguration)
        }
        var report = EngineRecoveryReport()
        report.removedTemporaryFiles = snapshots.removedTemporaryFiles
        let loaded = try loadNewestUsable(snapshots, report: &report)
        let restoreStart = clock()
        report.snapshotLoadNanoseconds = restoreStart &- start
        let engine = LeaderboardEngine(configuration: configuration.engine)
        if let loaded { engine.restore(loaded.snapshot) }
        let replayStart = clock()
        report.restoreNanoseconds = replayStart &- restoreStart
        // nonisolated(unsafe): the region checker ties the log to `progress` (a caller closure passed
        // to openAndRecover), but that closure is non-escaping and done: nothing else references the
        // log, which is handed whole to the committer's writer thread below.
        nonisolated(unsafe) let log = try replayLog(into: engine, after: loaded?.seq ?? 0, configuration: configuration, report: &report,
                                progress: progress)
        report.replayNanoseconds = clock() &- replayStart
        let lastSeq = log.lastSeq
        let committer: GroupCommitter
        do { committer = try GroupCommitter(log: log, policy: configuration.fsyncPolicy, nanosecondClock: clock) } catch {
            throw .storage(error)
        }
        let worker = SnapshotWorker(store: snapshots, committedSeq: loaded?.seq ?? 0, clock: clock,
                                    observer: configuration.snapshotObserver)
        let store = EngineStore(configuration: configuration, committer: committer, worker: worker, lastSeq: lastSeq)
        report.totalNanoseconds = clock() &- start
        return (store, engine, report)
    }

    /// The newest snapshot that verifies, has our format and decodes; newer ones are reported and
    /// quarantined (renamed `<name>.corrupt`) so retention never keeps them as a fallback.
    private static func loadNewestUsable(_ snapshots: SnapshotStore, report: inout EngineRecoveryReport)
        throws(EngineStoreError) -> (snapshot: EngineSnapshot, seq: UInt64)? {
        for seq in try storage({ () throws(StorageError) in try snapshots.snapshotSeqs() }).reversed() {
            let path = joinPath(snapshots.directory, SnapshotHeader.fileName(seq: seq))
            let rejection: SnapshotRejection
            switch snapshots.load(path: path, fileNameSeq: seq) {
            case .failure(let defect):
                rejection = .defect(defect)
            case .success(let loaded) where loaded.formatVersion != EngineSnapshotCodec.formatVersion:
                rejection = .unsupportedFormat(version: loaded.formatVersion)
            case .success(let loaded):
                do {
                    let snapshot = try EngineSnapshotCodec.decode(loaded.payload)
                    report.snapshot = UsedSnapshot(path: path, seq: seq, payloadBytes: loaded.payload.count,
                                                   members: snapshot.memberCount)
                    return (snapshot, seq)
                } catch {
                    rejection = .undecodable(error)
                }
            }
            report.skippedSnapshots.append(quarantine(path, rejection, snapshots.fileSystem))
        }
        return nil
    }

    private static func quarantine(_ path: String, _ reason: SnapshotRejection,
                                   _ fileSystem: any FileSystem) -> SkippedEngineSnapshot {
        // An unreadable file may be a passing condition (EIO, EMFILE): leave it where it is.
        if case .defect(.unreadable) = reason { return SkippedEngineSnapshot(path: path, reason: reason, quarantinedAs: nil) }
        let target = path + ".corrupt"
        do {
            try fileSystem.rename(path, to: target)
            return SkippedEngineSnapshot(path: path, reason: reason, quarantinedAs: target)
        } catch {
            return SkippedEngineSnapshot(path: path, reason: reason, quarantinedAs: nil)
        }
    }

    /// Opens the WAL, performing each record after `seq` on `engine`; returns the log, ready for appends.
    private static func replayLog(into engine: LeaderboardEngine, after seq: UInt64, configuration: Configuration,
                                  report: inout EngineRecoveryReport,
                                  progress: (EngineRecoveryProgress) -> Void) throws(EngineStoreError) -> WriteAheadLog {
        var walConfiguration = WriteAheadLog.Configuration()
        walConfiguration.segmentBytes = configuration.segmentBytes
        walConfiguration.preallocationBytes = configuration.walPreallocationBytes
        walConfiguration.progressIntervalBytes = max(1, configuration.progressEveryBytes)
        let everyRecords = max(1, configuration.progressEveryRecords)
        var records = 0, operations = 0, events = 0
        var bytesScanned: Int64 = 0, totalBytes: Int64 = 0
        var failure: (seq: UInt64, error: EngineCodecError)?
        func currentProgress() -> EngineRecoveryProgress {
            EngineRecoveryProgress(recordsReplayed: records, operationsReplayed: operations, bytesScanned: bytesScanned,
                                   totalBytes: totalBytes)
        }
        let opened = try storage { () throws(StorageError) in
            try WriteAheadLog.openAndRecover(
                directory: configuration.directory, fileSystem: configuration.fileSystem, configuration: walConfiguration,
                replayAfter: seq,
                progress: { walProgress in
                    bytesScanned = walProgress.bytesScanned
                    totalBytes = walProgress.totalBytes
                    progress(currentProgress())
                },
                replay: { recordSeq, payload in
                    guard failure == nil else { return }
                    let decoded: [EngineOperation]
                    do throws(EngineCodecError) { decoded = try EngineOperationCodec.decode(payload) } catch {
                        failure = (recordSeq, error)
                        return
                    }
                    for operation in decoded {
                        if case .scores(_, let batch) = operation { events += batch.count }
                        engine.perform(operation)
                    }
                    records += 1
                    operations += decoded.count
                    if records % everyRecords == 0 { progress(currentProgress()) }
                })
        }
        if let failure {
            opened.log.close()
            throw .undecodableRecord(seq: failure.seq, error: failure.error)
        }
        report.log = opened.report
        report.operationsReplayed = operations
        report.eventsReplayed = events
        return opened.log
    }

    /// `mkdir -p`: creates `directory` and any missing parents.
    private static func createDirectories(_ directory: String, _ fileSystem: any FileSystem) throws(StorageError) {
        var prefix = directory.hasPrefix("/") ? "" : "."
        for component in directory.split(separator: "/") {
            prefix += "/" + component
            try io { () throws(FileSystemError) in try fileSystem.createDirectory(prefix) }
        }
    }

    private static func storage<T>(_ body: () throws(StorageError) -> T) throws(EngineStoreError) -> T {
        do { return try body() } catch { throw .storage(error) }
    }
}
