// Snapshots: restoring a snapshot gives an engine indistinguishable from the original, which then
// evolves identically under the same batches.
import Testing
@testable import LeaderboardEngine
import TestSupport

@Suite struct EngineSnapshotTests {
    static let t0: Int64 = 1_795_392_000_000

    func randomGame(_ rng: inout SeededRandom, _ e: LeaderboardEngine, batches: Int, start: Int64) -> Int64 {
        var now = start
        for _ in 0..<batches {
            now += Int64(rng.next() % 7_200_000)
            var events: [ScoreEvent] = []
            for _ in 0..<Int(rng.next() % 30 + 1) {
                let region = rng.next() % 4 == 0 ? "r\(rng.next() % 3)" : nil
                let id = rng.next() % 3 == 0 ? "e\(rng.next() % 500)" : nil
                events.append(ScoreEvent(board: rng.next() % 2 == 0 ? "a" : "s", player: "p\(rng.next() % 200)",
                                         score: Int64(rng.next() % 1000), eventID: id, region: region))
            }
            _ = e.apply(events, now: now)
        }
        return now
    }

    func make() throws -> LeaderboardEngine {
        let e = LeaderboardEngine()
        try e.defineBoard(BoardDefinition(id: "a", windows: [.alltime, .daily], scopes: [.global, .region, .friends]), now: Self.t0)
        try e.defineBoard(BoardDefinition(id: "s", order: .ascending, scoreOperator: .sum, windows: [.weekly, .alltime],
                                          scopes: [.global, .region]), now: Self.t0)
        for i in 0..<40 { try e.addFriends("p\(i)", "p\(i + 1)") }
        try e.updatePlayer("p3", region: nil, displayName: "Player Three")
        return e
    }

    @Test func restoringASnapshotReproducesStateAndFutureBehaviour() throws {
        var rng = SeededRandom(label: "EngineSnapshot")
        let original = try make()
        let now = randomGame(&rng, original, batches: 150, start: Self.t0)
        let snapshot = original.snapshot()
        let copy = LeaderboardEngine()
        copy.restore(snapshot)
        #expect(copy.snapshot() == snapshot)
        #expect(copy.players.displayName(of: copy.players.find("p3")!) == "Player Three")
        // Idempotency survives: every remembered id is still answered as a duplicate.
        #expect(!snapshot.dedupe.isEmpty)
        for d in snapshot.dedupe { #expect(copy.deduplicator.lookup(d.id, now: now) == d.entry) }
        for board in ["a", "s"] {
            for window in original.definition(of: original.board(named: board)!).windows {
                let a = try original.top(board: board, window: window, limit: 10_000)
                let b = try copy.top(board: board, window: window, limit: 10_000)
                #expect(a == b)
            }
        }
        // Same future: replaying the same batches on both yields the same answers and state.
        var rngA = SeededRandom(seed: rng.seed &+ 1), rngB = SeededRandom(seed: rng.seed &+ 1)
        _ = randomGame(&rngA, original, batches: 60, start: now)
        _ = randomGame(&rngB, copy, batches: 60, start: now)
        #expect(copy.snapshot() == original.snapshot())
    }
}
