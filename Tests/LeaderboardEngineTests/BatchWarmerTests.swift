// Cache warming before batch application (BatchWarmer) only reads: an engine that warms every
// batch gives the same results, changes, notifications, diffs and rankings as one that never
// warms, over seeded random games with two boards, four windows, regions, friends, watchers,
// event ids (retries included), unknown boards and players new and old.
import Testing
@testable import LeaderboardEngine
import TestSupport

@Suite struct BatchWarmerTests {
    static let now: Int64 = 1_795_392_000_000

    private func makeEngine(warming: Bool) throws -> LeaderboardEngine {
        let configuration = EngineConfiguration(watcherLimitPerEvent: 3, warmingMinimumPlayers: warming ? 0 : .max)
        let e = LeaderboardEngine(configuration: configuration)
        try e.defineBoard(BoardDefinition(id: "a", windows: [.alltime, .daily, .weekly, .monthly],
                                          scopes: [.global, .region, .friends], notifyDepth: 5), now: Self.now)
        try e.defineBoard(BoardDefinition(id: "s", scoreOperator: .sum, windows: [.alltime, .daily]), now: Self.now)
        try e.addTestPlayers(40, watching: "a")
        return e
    }

    @Test func warmingChangesNoOutcome() throws {
        var rng = SeededRandom(label: "BatchWarmer")
        let warmed = try makeEngine(warming: true)
        let plain = try makeEngine(warming: false)
        #expect(BatchWarmer(engine: warmed, limit: 2) != nil)
        #expect(BatchWarmer(engine: plain, limit: 2) == nil)
        #expect(BatchWarmer(engine: warmed, limit: 1) == nil, "a single event is not worth warming")
        var now = Self.now
        var ids: [String] = []
        for batchNumber in 0..<400 {
            now += Int64(rng.next() % 3) * 3_600_000
            // Batches longer than one warming chunk, so chunks follow one another.
            let batch = (0..<Int(rng.next() % 150 + 1)).map { _ -> ScoreEvent in
                let board = ["a", "a", "s", "missing"][Int(rng.next() % 4)]
                var id: String?
                if rng.next() % 3 == 0 {
                    id = ids.isEmpty || rng.next() % 4 != 0 ? "e\(ids.count)" : ids[Int(rng.next() % UInt64(ids.count))]
                    if let id, !ids.contains(id) { ids.append(id) }
                }
                return ScoreEvent(board: board, player: "p\(rng.next() % 60)", score: Int64(rng.next() % 200),
                                  eventID: id)
            }
            let a = warmed.apply(batch, now: now), b = plain.apply(batch, now: now)
            guard a.results == b.results, a.changes == b.changes, a.notifications == b.notifications, a.diffs == b.diffs else {
                Issue.record("seed \(rng.seed): batch \(batchNumber) answered differently with warming")
                return
            }
        }
        for board in ["a", "s"] {
            for window in [WindowKind.alltime, .daily] {
                let x = try warmed.top(board: board, window: window, limit: 100).entries
                let y = try plain.top(board: board, window: window, limit: 100).entries
                #expect(x == y, "seed \(rng.seed): \(board)/\(window) ranking")
                #expect(!x.isEmpty)
            }
        }
    }
}
