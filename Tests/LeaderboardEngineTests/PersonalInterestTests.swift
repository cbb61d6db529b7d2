// Personal-notification interest (LeaderboardEngine+Interest): an engine that filters by
// interest produces exactly the unfiltered engine's notifications for the interesting sets, and
// the same spectator diffs, over random seeded games on a board with windows and all scopes.
import Testing
@testable import LeaderboardEngine
import TestSupport

@Suite struct PersonalInterestTests {
    static let now: Int64 = 1_795_392_000_000

    private func makeEngine(filtered: Bool) throws -> LeaderboardEngine {
        let e = LeaderboardEngine(configuration: EngineConfiguration(watcherLimitPerEvent: 3))
        try e.defineBoard(BoardDefinition(id: "b", windows: [.alltime, .daily], scopes: [.global, .region, .friends],
                                          notifyDepth: 5), now: Self.now)
        e.filtersPersonal = filtered
        try e.addTestPlayers(30, watching: "b")
        return e
    }

    @Test func filteredNotificationsAreTheInterestingSubset() throws {
        var rng = SeededRandom(label: "PersonalInterest")
        let all = try makeEngine(filtered: false)
        let some = try makeEngine(filtered: true)
        let b = try #require(some.board(named: "b"))
        // Interest in a random half of the six (window, scope kind) pairs.
        var wanted: Set<String> = []
        for window in [WindowKind.alltime, .daily] {
            for kind in ScopeKind.allCases where rng.next() % 2 == 0 {
                some.setPersonalInterest(board: b, window: window, scope: kind, true)
                wanted.insert("\(window.code)/\(kind)")
            }
        }
        func kind(_ scope: ScopeKey) -> ScopeKind { scope.isGlobal ? .global : scope.isFriends ? .friends : .region }
        for batchNumber in 0..<300 {
            let batch = (0..<Int(rng.next() % 10 + 1)).map { _ in
                ScoreEvent(board: "b", player: "p\(rng.next() % 30)", score: Int64(rng.next() % 50))
            }
            let expected = all.apply(batch, now: Self.now), got = some.apply(batch, now: Self.now)
            let interesting = expected.notifications.filter { wanted.contains("\($0.window.code)/\(kind($0.scope))") }
            #expect(got.notifications == interesting, "seed \(rng.seed) batch \(batchNumber)")
            #expect(got.diffs == expected.diffs, "seed \(rng.seed) batch \(batchNumber): diffs")
            #expect(got.changes == expected.changes, "seed \(rng.seed) batch \(batchNumber): ranks")
        }
        #expect(some.hasPersonalInterest(board: b, window: .alltime, scope: .global) == wanted.contains("0/global"))
    }

    @Test func interestCanBeWithdrawn() throws {
        let e = LeaderboardEngine()
        try e.defineBoard(BoardDefinition(id: "b"), now: Self.now)
        e.filtersPersonal = true
        try e.setInAudience("ann", true)
        let b = try #require(e.board(named: "b"))
        e.setPersonalInterest(board: b, window: .alltime, scope: .global, true)
        #expect(e.apply([ScoreEvent(board: "b", player: "ann", score: 1)], now: Self.now).notifications.map(\.kind) == [.rank, .topEntry])
        e.setPersonalInterest(board: b, window: .alltime, scope: .global, false)
        #expect(e.apply([ScoreEvent(board: "b", player: "ann", score: 2)], now: Self.now).notifications.isEmpty)
        e.filtersPersonal = false
        #expect(e.apply([ScoreEvent(board: "b", player: "ann", score: 3)], now: Self.now).notifications.map(\.kind) == [.rank])
    }
}
