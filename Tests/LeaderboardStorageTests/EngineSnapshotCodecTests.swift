// EngineSnapshotCodec: a played engine's snapshot round trips (and restores to an equal engine),
// streams in bounded chunks, goes through SnapshotStore; every invariant restore relies on is
// checked with its typed error; truncations, garbage and mutations never trap.
import LeaderboardEngine
import Testing
import TestSupport
@testable import LeaderboardStorage

private func playedEngine(seed: UInt64, ticks: Int = 300) -> (LeaderboardEngine, EngineGame) {
    var game = EngineGame(seed: seed)
    let engine = referenceEngine((0..<ticks).map { _ in game.nextTick() })
    return (engine, game)
}

@Test func playedEngineSnapshotRoundTripsAndRestoresEqual() throws {
    let seed = testSeed(21)
    let (engine, game) = playedEngine(seed: seed)
    let snapshot = engine.snapshot()
    #expect(!snapshot.dedupe.isEmpty && !snapshot.friendPairs.isEmpty && !snapshot.displayNames.isEmpty, "seed \(seed)")
    #expect(snapshot.boards.contains { $0.windows.contains { !$0.archives.isEmpty } }, "seed \(seed)")
    let decoded = try EngineSnapshotCodec.decode(EngineSnapshotCodec.encode(snapshot))
    #expect(decoded == snapshot, "seed \(seed)")
    let restored = LeaderboardEngine()
    restored.restore(decoded)
    #expect(restored.snapshot() == snapshot, "seed \(seed)")
    #expect(queryDifferences(engine, restored, players: game.players).isEmpty, "seed \(seed)")
}

@Test func emptyEngineRoundTrips() throws {
    let snapshot = LeaderboardEngine().snapshot()
    #expect(try EngineSnapshotCodec.decode(EngineSnapshotCodec.encode(snapshot)) == snapshot)
}

@Test(arguments: [1, 64, 1000])
func streamsInBoundedChunksThatConcatenateToTheEncoding(chunkBytes: Int) throws {
    let (engine, _) = playedEngine(seed: testSeed(22))
    let snapshot = engine.snapshot()
    var pieces: [[UInt8]] = []
    EngineSnapshotCodec.encode(snapshot, chunkBytes: chunkBytes) { (piece: UnsafeRawBufferPointer) in pieces.append(Array(piece)) }
    #expect(pieces.joined().elementsEqual(EngineSnapshotCodec.encode(snapshot)))
    #expect(pieces.count > 1)
    // A piece overshoots the chunk size by at most one encoded value (a board definition or an
    // idempotency entry at worst), never by a whole section.
    #expect(pieces.allSatisfy { $0.count <= chunkBytes + 2048 && !$0.isEmpty })
}

@Test func writesThroughSnapshotStoreAndLoadsBack() throws {
    let (engine, _) = playedEngine(seed: testSeed(23))
    let snapshot = engine.snapshot()
    var configuration = SnapshotStore.Configuration()
    configuration.writeBufferBytes = 256
    let store = try SnapshotStore(directory: "/snap", fileSystem: InMemoryFileSystem(), configuration: configuration)
    let commit = try EngineSnapshotCodec.write(snapshot, seq: 77, to: store, chunkBytes: 100)
    let loaded = try #require(try store.loadNewestValid().snapshot)
    #expect(loaded.seq == 77 && loaded.formatVersion == EngineSnapshotCodec.formatVersion)
    #expect(commit.payloadBytes == UInt64(loaded.payload.count))
    #expect(try EngineSnapshotCodec.decode(loaded.payload) == snapshot)
}

// MARK: Validation

/// The inconsistency decoding reports for `snapshot`, or nil if it decodes.
private func inconsistency(_ snapshot: EngineSnapshot) -> SnapshotInconsistency? {
    do {
        _ = try EngineSnapshotCodec.decode(EngineSnapshotCodec.encode(snapshot))
        return nil
    } catch {
        guard case .inconsistentSnapshot(let found) = error else {
            Issue.record("expected an inconsistency, got \(error)")
            return nil
        }
        return found
    }
}

/// A small valid snapshot: board "a" (alltime + daily) with members, a dedupe entry, friends.
private func baseSnapshot() throws -> EngineSnapshot {
    let engine = LeaderboardEngine()
    try engine.defineBoard(BoardDefinition(id: "a", windows: [.alltime, .daily], scopes: [.global, .region]), now: EngineGame.start)
    try engine.updatePlayer("p0", region: "eu", displayName: "Zero")
    try engine.addFriends("p0", "p1")
    _ = engine.apply((0..<5).map { ScoreEvent(board: "a", player: "p\($0)", score: Int64(10 * $0), eventID: "e\($0)") },
                     now: EngineGame.start)
    let snapshot = engine.snapshot()
    #expect(inconsistency(snapshot) == nil)
    return snapshot
}

@Test func refusesMembersOutOfRankOrder() throws {
    var s = try baseSnapshot()
    s.boards[0].windows[0].players.swapAt(0, 1)
    s.boards[0].windows[0].scores.swapAt(0, 1)
    s.boards[0].windows[0].seqs.swapAt(0, 1)
    guard case .rankOrderViolated(board: "a", window: .alltime, offset: _) = inconsistency(s) else {
        Issue.record("rank order violation not reported")
        return
    }
}

@Test func refusesDuplicateMemberInAWindow() throws {
    var s = try baseSnapshot()
    s.boards[0].windows[1].players[1] = s.boards[0].windows[1].players[0]
    #expect(inconsistency(s) == .duplicateMember(board: "a", window: .daily, player: s.boards[0].windows[1].players[0]))
}

@Test func refusesPlayerIndexBeyondRegistry() throws {
    var s = try baseSnapshot()
    s.boards[0].windows[0].players[2] = UInt32(s.playerRegions.count)
    guard case .playerOutOfRange(player: 5, playerCount: 5, offset: _) = inconsistency(s) else {
        Issue.record("out-of-range player not reported")
        return
    }
}

@Test func refusesSeqNotBelowNextSeq() throws {
    var s = try baseSnapshot()
    s.nextSeq = s.boards[0].windows[0].seqs.max()!
    guard case .seqNotBelowNext(seq: s.nextSeq, nextSeq: s.nextSeq, offset: _) = inconsistency(s) else {
        Issue.record("seq >= nextSeq not reported")
        return
    }
}

@Test func refusesWindowsThatDifferFromTheDefinition() throws {
    var missing = try baseSnapshot()
    missing.boards[0].windows.removeLast()
    #expect(inconsistency(missing) == .windowsDoNotMatchDefinition(board: "a"))
    var reordered = try baseSnapshot()
    reordered.boards[0].windows.reverse()
    #expect(inconsistency(reordered) == .windowsDoNotMatchDefinition(board: "a"))
}

@Test func refusesDuplicateBoardsAndRegions() throws {
    var boards = try baseSnapshot()
    boards.boards.append(boards.boards[0])
    #expect(inconsistency(boards) == .duplicateBoard("a"))
    var regions = try baseSnapshot()
    regions.regions.append(regions.regions[0])
    #expect(inconsistency(regions) == .duplicateRegion("eu"))
}

@Test func refusesInvalidDefinitionRegionAndFriendPair() throws {
    var definition = try baseSnapshot()
    definition.boards[0].definition.notifyDepth = 0
    guard case .invalidBoardDefinition(board: "a", problem: _) = inconsistency(definition) else {
        Issue.record("invalid definition not reported")
        return
    }
    var region = try baseSnapshot()
    region.playerRegions[3] = 2
    guard case .regionOutOfRange(region: 2, regionCount: 1, offset: _) = inconsistency(region) else {
        Issue.record("region out of range not reported")
        return
    }
    var pair = try baseSnapshot()
    pair.friendPairs.append(3 << 32 | 3)
    guard case .invalidFriendPair(a: 3, b: 3, offset: _) = inconsistency(pair) else {
        Issue.record("self friendship not reported")
        return
    }
}

// MARK: Robustness

@Test func everyProperPrefixOfASnapshotIsRefused() throws {
    let snapshot = try baseSnapshot()
    let bytes = EngineSnapshotCodec.encode(snapshot)
    for length in 0..<bytes.count {
        #expect(throws: EngineCodecError.self, "prefix \(length)") { try EngineSnapshotCodec.decode(Array(bytes[..<length])) }
    }
}

@Test func seededGarbageAndMutationsNeverTrap() throws {
    var random = SeededRandom(label: "EngineSnapshotCodec.fuzz")
    for _ in 0..<5_000 {
        let bytes = (0..<Int(random.next() % 200)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        _ = try? EngineSnapshotCodec.decode(bytes)
    }
    let (engine, _) = playedEngine(seed: random.seed, ticks: 40)
    let original = EngineSnapshotCodec.encode(engine.snapshot())
    for _ in 0..<3_000 {
        var bytes = original
        for _ in 0...(random.next() % 3) {
            let position = Int(random.next() % UInt64(bytes.count))
            if random.next() % 2 == 0 {
                bytes[position] ^= UInt8(truncatingIfNeeded: 1 << (random.next() % 8))
            } else {
                bytes[position] = UInt8(truncatingIfNeeded: random.next())
            }
        }
        if let decoded = try? EngineSnapshotCodec.decode(bytes) {
            // Whatever passes validation must be restorable without trapping.
            LeaderboardEngine().restore(decoded)
        }
    }
}
