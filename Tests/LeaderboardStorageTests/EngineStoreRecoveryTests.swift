// EngineStore.recover: a random game logged through the store comes back equal to the live engine
// from the log alone, from a snapshot plus the log tail, and from an older snapshot when the newest
// is damaged; a torn or corrupt tail (cut or flipped at every byte offset of the last records)
// gives exactly the engine that performed the intact prefix of ticks.
import LeaderboardEngine
import Testing
import TestSupport
@testable import LeaderboardStorage

private func snapshotPath(_ seq: UInt64) -> String { engineDirectory + "/" + SnapshotHeader.fileName(seq: seq) }

@Test func logOnlyRecoveryEqualsTheLiveEngine() throws {
    let fileSystem = InMemoryFileSystem()
    var game = EngineGame(seed: testSeed(31))
    let live: LeaderboardEngine = try {
        var live = try LiveEngine(storeConfiguration(fileSystem))
        live.play(&game, ticks: 250)
        return live.engine
    }()
    fileSystem.simulateCrash()  // acknowledged under .always = synced: nothing may be lost
    let (_, engine, report) = try EngineStore.recover(configuration: storeConfiguration(fileSystem))
    #expect(report.snapshot == nil && report.log.recordsReplayed == 250 && report.log.truncation == nil)
    #expect(report.operationsReplayed >= 250 && report.eventsReplayed > 250)
    expectSameEngine(engine, live, players: game.players, "seed \(game.random.seed)")
}

@Test func snapshotPlusTailEqualsTheLiveEngine() throws {
    let fileSystem = InMemoryFileSystem()
    var game = EngineGame(seed: testSeed(32))
    let live: LeaderboardEngine = try {
        var live = try LiveEngine(storeConfiguration(fileSystem))
        live.play(&game, ticks: 150)
        #expect(live.store.beginSnapshot(live.engine) == .started(seq: 150))
        guard case .committed(let report) = live.store.waitForSnapshot() else {
            Issue.record("snapshot not committed")
            return live.engine
        }
        #expect(report.seq == 150 && !report.removedSegments.isEmpty)
        live.play(&game, ticks: 90)
        return live.engine
    }()
    fileSystem.simulateCrash()
    let (_, engine, report) = try EngineStore.recover(configuration: storeConfiguration(fileSystem))
    #expect(report.snapshot?.seq == 150 && report.skippedSnapshots.isEmpty)
    #expect(report.log.recordsReplayed == 90 && report.log.lastSeq == 240)
    expectSameEngine(engine, live, players: game.players, "seed \(game.random.seed)")
}

@Test(arguments: SnapshotDamage.allCases.filter { $0 != .renamedToOtherSeq })
func damagedNewestSnapshotFallsBackToTheOlderOne(damage: SnapshotDamage) throws {
    let fileSystem = InMemoryFileSystem()
    var game = EngineGame(seed: testSeed(33))
    let live: LeaderboardEngine = try {
        var live = try LiveEngine(storeConfiguration(fileSystem))
        for _ in 0..<2 {
            live.play(&game, ticks: 80)
            live.store.beginSnapshot(live.engine)
            live.store.waitForSnapshot()
        }
        live.play(&game, ticks: 40)
        return live.engine
    }()
    fileSystem.simulateCrash()
    var bytes = try #require(fileSystem.contents(of: snapshotPath(160)))
    damage.apply(to: &bytes)
    fileSystem.setContents(of: snapshotPath(160), to: bytes)
    let configuration = storeConfiguration(fileSystem)
    let (store, engine, report) = try EngineStore.recover(configuration: configuration)
    #expect(report.snapshot?.seq == 80 && report.log.recordsReplayed == 120)
    #expect(report.skippedSnapshots.map(\.path) == [snapshotPath(160)])
    #expect(report.skippedSnapshots.first?.quarantinedAs == snapshotPath(160) + ".corrupt")
    expectSameEngine(engine, live, players: game.players, "seed \(game.random.seed), \(damage)")
    // The quarantined file no longer counts: the next snapshot keeps seq 80 as its fallback.
    _ = store.log([.rotate(now: game.now)], completion: { _ in })
    #expect(store.beginSnapshot(engine) == .started(seq: 201))
    guard case .committed(let committed) = store.waitForSnapshot() else {
        Issue.record("snapshot after fallback failed")
        return
    }
    #expect(committed.deletedSnapshots.isEmpty)
    #expect(fileSystem.contents(of: snapshotPath(80)) != nil && fileSystem.contents(of: snapshotPath(160) + ".corrupt") != nil)
}

@Test func undecodableRecordStopsRecoveryWithoutTruncating() throws {
    let fileSystem = InMemoryFileSystem()
    let (log, _) = try WriteAheadLog.openAndRecover(directory: engineDirectory, fileSystem: fileSystem) { _, _ in }
    _ = try log.append(EngineOperationCodec.encode([.rotate(now: 1)]))
    _ = try log.append([EngineOperationCodec.formatVersion, 1, 0x7F, 0])  // checksummed, but tag 127
    try log.sync()
    log.close()
    #expect(throws: EngineStoreError.undecodableRecord(seq: 2, error: .invalidCode(field: .operationTag, value: 0x7F, offset: 2))) {
        try EngineStore.recover(configuration: storeConfiguration(fileSystem))
    }
    // Nothing was cut: a fixed build could still read record 2.
    let (_, report) = try WriteAheadLog.openAndRecover(directory: engineDirectory, fileSystem: fileSystem) { _, _ in }
    #expect(report.lastSeq == 2 && report.truncation == nil)
}

@Test func recoveryReportsProgressDuringLongReplays() throws {
    let fileSystem = InMemoryFileSystem()
    var game = EngineGame(seed: testSeed(34))
    try {
        var live = try LiveEngine(storeConfiguration(fileSystem))
        live.play(&game, ticks: 95)
    }()
    var configuration = storeConfiguration(fileSystem)
    configuration.progressEveryRecords = 10
    var seen: [EngineRecoveryProgress] = []
    let (_, _, report) = try EngineStore.recover(configuration: configuration) { seen.append($0) }
    #expect(seen.map(\.recordsReplayed) == Array(stride(from: 10, through: 90, by: 10)))
    #expect(seen.last.map { $0.operationsReplayed <= report.operationsReplayed } == true)
}

// MARK: Torn and corrupt tails

/// Where each record of a single-segment log lies: [start, end) byte ranges, in seq order. The
/// zeros written ahead of the records (an all-zero record header) end the list.
private func recordRanges(_ bytes: [UInt8]) -> [Range<Int>] {
    var ranges: [Range<Int>] = []
    var offset = WALFormat.segmentHeaderBytes
    while offset + WALFormat.recordHeaderBytes <= bytes.count
            && !bytes[offset..<offset + WALFormat.recordHeaderBytes].allSatisfy({ $0 == 0 }) {
        let length = Int(bytes[offset]) | Int(bytes[offset + 1]) << 8 | Int(bytes[offset + 2]) << 16 | Int(bytes[offset + 3]) << 24
        ranges.append(offset..<offset + WALFormat.recordHeaderBytes + length)
        offset += WALFormat.recordHeaderBytes + length
    }
    return ranges
}

@Test(arguments: [false, true])
func tornOrCorruptTailAtEveryOffsetRecoversTheIntactPrefix(withSnapshot: Bool) throws {
    let seed = testSeed(35)
    var game = EngineGame(seed: seed, playerCount: 8)
    var ticks: [[EngineOperation]] = []
    let fileSystem = InMemoryFileSystem()
    try {
        var live = try LiveEngine(storeConfiguration(fileSystem, segmentBytes: 1 << 20))
        ticks += live.play(&game, ticks: 12)
        if withSnapshot {
            live.store.beginSnapshot(live.engine)
            live.store.waitForSnapshot()
        }
        ticks += live.play(&game, ticks: 3)
    }()
    fileSystem.simulateCrash()
    let segment = engineDirectory + "/" + WALFormat.segmentName(firstSeq: 1)
    let image = try #require(fileSystem.contents(of: segment))
    let snapshot = withSnapshot ? fileSystem.contents(of: snapshotPath(12)) : nil
    let ranges = recordRanges(image)
    #expect(ranges.count == 15)
    // The engine after exactly k ticks, for every k the damage can leave.
    let expected = (12...15).map { referenceEngine(ticks.prefix($0)).snapshot() }
    var cases = 0
    for offset in ranges[12].lowerBound..<ranges[14].upperBound {
        let intact = ranges.firstIndex { $0.contains(offset) }!
        for corrupt in [false, true] {
            var damaged = Array(image[..<offset])
            if corrupt { damaged = image; damaged[offset] ^= 0x5A }
            let disk = InMemoryFileSystem()
            disk.setContents(of: segment, to: damaged)
            if let snapshot { disk.setContents(of: snapshotPath(12), to: snapshot) }
            let context = "seed \(seed), \(corrupt ? "flip" : "cut") at \(offset), snapshot \(withSnapshot)"
            let (_, engine, report) = try EngineStore.recover(configuration: storeConfiguration(disk, segmentBytes: 1 << 20))
            #expect(engine.snapshot() == expected[intact - 12], "\(context)")
            #expect(report.log.lastSeq == UInt64(intact), "\(context)")
            // A cut exactly between records leaves a clean, shorter log: nothing to truncate.
            let torn = corrupt || offset != ranges[intact].lowerBound
            #expect(report.log.truncation?.offset == (torn ? Int64(ranges[intact].lowerBound) : nil), "\(context)")
            cases += 1
        }
    }
    #expect(cases > 100)
}
