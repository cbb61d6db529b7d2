// EngineStore logging and snapshots: acks come after durability in seq order; snapshots start by
// record count or interval (injected clock), never two at once, remove covered segments; a failed
// snapshot is reported and the store goes on; a refused record blocks snapshots; close drains,
// writes the final snapshot and leaves nothing to replay; the directory is created with parents.
import Foundation
import Glibc
import LeaderboardEngine
import Synchronization
import Testing
import TestSupport
@testable import LeaderboardStorage

/// A clock the test moves by hand.
private final class ManualClock: Sendable {
    private let nanoseconds = Mutex<UInt64>(0)
    func now() -> UInt64 { nanoseconds.withLock { $0 } }
    func advance(seconds: UInt64) { nanoseconds.withLock { $0 += seconds * 1_000_000_000 } }
}

@Test func acknowledgesEveryRecordInSeqOrderAfterItIsSynced() throws {
    let fileSystem = InMemoryFileSystem()
    var live = try LiveEngine(storeConfiguration(fileSystem))
    var game = EngineGame(seed: testSeed(41))
    live.play(&game, ticks: 50)
    #expect(live.acknowledgements.succeeded == Array(1...50))
    #expect(live.store.durableSeq == 50 && live.store.lastLoggedSeq == 50)
    fileSystem.simulateCrash()
    let (log, report) = try WriteAheadLog.openAndRecover(directory: engineDirectory, fileSystem: fileSystem) { _, _ in }
    log.close()
    #expect(report.lastSeq == 50)
}

@Test func snapshotsByRecordCountAndRemovesCoveredSegments() throws {
    let fileSystem = InMemoryFileSystem()
    var configuration = storeConfiguration(fileSystem, segmentBytes: 2048)
    configuration.snapshotEveryRecords = 40
    var live = try LiveEngine(configuration)
    var game = EngineGame(seed: testSeed(42))
    live.play(&game, ticks: 39)
    #expect(live.store.snapshotIfDue(live.engine) == .notDue)
    live.play(&game, ticks: 1)
    var removedUpTo: [UInt64] = []
    for seq in [40, 80, 120] as [UInt64] {
        if seq > 40 { live.play(&game, ticks: 40) }
        #expect(live.store.snapshotIfDue(live.engine) == .started(seq: seq))
        guard case .committed(let report) = live.store.waitForSnapshot() else {
            Issue.record("snapshot \(seq) failed")
            return
        }
        // Two snapshots are kept: the WAL keeps every record after the older one.
        let kept = try fileSystem.listDirectory(engineDirectory).compactMap(WALFormat.firstSeq(ofSegmentNamed:)).sorted()
        let oldestKept = seq == 40 ? 40 : seq - 40
        #expect(kept.first.map { $0 > 1 && $0 <= oldestKept + 1 } == true, "after snapshot \(seq): \(kept)")
        #expect(report.deletedSnapshots.count == (seq == 120 ? 1 : 0))
        if !report.removedSegments.isEmpty { removedUpTo.append(seq) }
    }
    #expect(removedUpTo == [40, 120])  // at 80 the oldest kept snapshot was still 40
    #expect(live.store.snapshotIfDue(live.engine) == .notDue)
}

@Test func snapshotsByIntervalOfTheInjectedClock() throws {
    let clock = ManualClock()
    var configuration = storeConfiguration(InMemoryFileSystem())
    configuration.snapshotInterval = .seconds(60)
    configuration.nanosecondClock = { clock.now() }
    var live = try LiveEngine(configuration)
    var game = EngineGame(seed: testSeed(43))
    live.play(&game, ticks: 5)
    clock.advance(seconds: 59)
    #expect(live.store.snapshotIfDue(live.engine) == .notDue)
    clock.advance(seconds: 1)
    #expect(live.store.snapshotIfDue(live.engine) == .started(seq: 5))
    live.store.waitForSnapshot()
    clock.advance(seconds: 600)
    // Nothing logged since: nothing to snapshot, however long ago.
    #expect(live.store.snapshotIfDue(live.engine) == .notDue)
    #expect(live.store.beginSnapshot(live.engine) == .upToDate(seq: 5))
}

@Test func neverRunsTwoSnapshotsAtOnce() throws {
    let fileSystem = InMemoryFileSystem()
    let gate = Gate()
    fileSystem.setSyncHook { path in if path.hasSuffix(".snap.tmp") { gate.pass() } }
    var live = try LiveEngine(storeConfiguration(fileSystem))
    var game = EngineGame(seed: testSeed(44))
    live.play(&game, ticks: 10)
    #expect(live.store.beginSnapshot(live.engine) == .started(seq: 10))
    #expect(gate.waitUntilHeld())
    live.play(&game, ticks: 5)  // logging goes on while the snapshot is written
    #expect(live.store.beginSnapshot(live.engine) == .alreadyRunning)
    gate.open()
    guard case .committed(let report) = live.store.waitForSnapshot() else {
        Issue.record("held snapshot failed")
        return
    }
    #expect(report.seq == 10)
    #expect(live.store.beginSnapshot(live.engine) == .started(seq: 15))
    #expect(live.store.waitForSnapshot().map { if case .committed = $0 { true } else { false } } == true)
}

@Test func failedSnapshotIsReportedAndTheStoreGoesOn() throws {
    let fileSystem = InMemoryFileSystem()
    let observed = Mutex<[SnapshotOutcome]>([])
    var configuration = storeConfiguration(fileSystem)
    configuration.snapshotObserver = { outcome in observed.withLock { $0.append(outcome) } }
    var live = try LiveEngine(configuration)
    var game = EngineGame(seed: testSeed(45))
    live.play(&game, ticks: 20)
    fileSystem.updateFaults { $0.writeErrno = ENOSPC }
    #expect(live.store.beginSnapshot(live.engine) == .started(seq: 20))
    guard case .failed(seq: 20, error: .io(let cause)) = live.store.waitForSnapshot() else {
        Issue.record("snapshot failure not reported")
        return
    }
    #expect(cause.errno == ENOSPC)
    fileSystem.updateFaults { $0.writeErrno = nil }
    // The failed snapshot covers nothing: the same seq may be snapshotted again.
    #expect(live.store.lastSnapshotSeq == 0)
    #expect(live.store.beginSnapshot(live.engine) == .started(seq: 20))
    live.store.waitForSnapshot()
    live.play(&game, ticks: 10)
    #expect(live.acknowledgements.failures.isEmpty)
    #expect(live.store.beginSnapshot(live.engine) == .started(seq: 30))
    live.store.waitForSnapshot()
    #expect(observed.withLock { $0.count } == 3 && live.store.lastSnapshotSeq == 30)
    #expect(try SnapshotStore(directory: engineDirectory, fileSystem: fileSystem).snapshotSeqs() == [20, 30])
}

@Test func refusedRecordBlocksSnapshotsAndCloseReportsTheFailure() throws {
    let fileSystem = InMemoryFileSystem()
    var live = try LiveEngine(storeConfiguration(fileSystem))
    var game = EngineGame(seed: testSeed(46))
    live.play(&game, ticks: 5)
    fileSystem.updateFaults { $0.syncErrno = EIO }
    live.store.log([.rotate(now: game.now)], completion: live.acknowledgements.completion)
    #expect(live.acknowledgements.wait(for: 1))
    let refused = live.store.log([.rotate(now: game.now)], completion: live.acknowledgements.completion)
    #expect(refused == nil)
    guard case .refused(.logFailed(let cause)) = live.store.beginSnapshot(live.engine) else {
        Issue.record("snapshot after a refused record was not refused")
        return
    }
    #expect(cause.errno == EIO && live.acknowledgements.failures.count == 2)
    #expect(throws: EngineStoreError.storage(.logFailed(cause: cause))) { try live.store.close(live.engine) }
}

@Test func closeDrainsWritesFinalSnapshotAndLeavesNothingToReplay() throws {
    let fileSystem = InMemoryFileSystem()
    var game = EngineGame(seed: testSeed(47))
    let engine = LeaderboardEngine()
    let live = try LiveEngine(storeConfiguration(fileSystem))
    for _ in 0..<30 {
        let tick = game.nextTick()
        for operation in tick { live.engine.perform(operation) }
        for operation in tick { engine.perform(operation) }
        live.store.log(tick, completion: live.acknowledgements.completion)
    }
    // No waiting: close itself drains the queue and runs every completion first.
    let closed = try live.store.close(live.engine)
    #expect(live.acknowledgements.succeeded == Array(1...30))
    guard case .committed(let report)? = closed.finalSnapshot else {
        Issue.record("no final snapshot")
        return
    }
    #expect(report.seq == 30 && closed.lastSeq == 30)
    #expect(throws: EngineStoreError.closed) { try live.store.close(live.engine) }
    #expect(live.store.beginSnapshot(live.engine) == .refused(.committerClosed))
    #expect(live.store.log([], completion: { _ in }) == nil)
    fileSystem.simulateCrash()
    let (_, recovered, recovery) = try EngineStore.recover(configuration: storeConfiguration(fileSystem))
    #expect(recovery.snapshot?.seq == 30 && recovery.log.recordsReplayed == 0)
    expectSameEngine(recovered, engine, players: game.players, "seed \(game.random.seed)")
}

@Test func recoverCreatesTheDirectoryAndItsParentsOnDisk() throws {
    let root = makeTemporaryDirectory()
    defer { removeTemporaryDirectory(root) }
    var configuration = EngineStore.Configuration(directory: root + "/a/b/data")
    configuration.snapshotInterval = nil
    let (store, engine, report) = try EngineStore.recover(configuration: configuration)
    #expect(report.snapshot == nil && report.log.lastSeq == 0)
    let acknowledgements = Acknowledgements()
    try engine.defineBoard(BoardDefinition(id: "b"), now: 0)
    store.log([.defineBoard(BoardDefinition(id: "b"), now: 0)], completion: acknowledgements.completion)
    let closed = try store.close(engine)
    #expect(acknowledgements.succeeded == [1] && closed.lastSeq == 1)
    let (_, again, reopened) = try EngineStore.recover(configuration: configuration)
    #expect(reopened.snapshot?.seq == 1 && again.definitions == [BoardDefinition(id: "b")])
    #expect(FileManager.default.fileExists(atPath: root + "/a/b/data/" + SnapshotHeader.fileName(seq: 1)))
}
