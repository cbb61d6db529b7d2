// The detector against the brute-force reference over random seeded games, plus a scripted game
// whose notifications are spelled out.
import Testing
@testable import LeaderboardEngine
import TestSupport

@Suite struct RankChangeDetectorTests {
    static let now: Int64 = 1_795_392_000_000

    @Test(arguments: [(ScoreOrder.descending, ScoreOperator.best), (.ascending, .best), (.descending, .sum),
                      (.descending, .latest), (.ascending, .min)])
    func notificationsMatchTheBruteForceReference(order: ScoreOrder, op: ScoreOperator) throws {
        var rng = SeededRandom(label: "Detector.\(order).\(op)")
        let depth = 5, cap = 3, playerCount: UInt32 = 40
        let engine = LeaderboardEngine(configuration: EngineConfiguration(watcherLimitPerEvent: cap))
        try engine.defineBoard(BoardDefinition(id: "b", order: order, scoreOperator: op, scopes: [.global, .region, .friends],
                                               notifyDepth: depth), now: Self.now)
        var model = ReferenceDetector(order: order, op: op, depth: depth, watcherCap: cap)
        for p in 0..<playerCount {
            let name = "p\(p)"
            try engine.updatePlayer(name, region: "r\(p % 3)", displayName: nil)
            model.regionOf[p] = UInt32(engine.players.region(of: p))
            if rng.next() % 10 < 7 { try engine.setInAudience(name, true); model.audience.insert(p) }
            if rng.next() % 3 == 0 { try engine.setWatching(name, board: "b", window: .alltime, true); model.watchers.insert(p) }
        }
        for _ in 0..<60 {
            let a = UInt32(rng.next() % UInt64(playerCount)), b = UInt32(rng.next() % UInt64(playerCount))
            guard a != b else { continue }
            if try engine.addFriends("p\(a)", "p\(b)") {
                model.friends[a, default: []].insert(b)
                model.friends[b, default: []].insert(a)
            }
        }
        for batchNumber in 0..<400 {
            let size = Int(rng.next() % 12) + 1
            var batch: [(UInt32, Int64)] = []
            for _ in 0..<size {
                let p = UInt32(rng.next() % UInt64(playerCount))
                let score = op == .sum ? Int64(rng.next() % 21) - 5 : Int64(rng.next() % 60)
                batch.append((p, score))
            }
            let outcome = engine.apply(batch.map { ScoreEvent(board: "b", player: "p\($0.0)", score: $0.1) }, now: Self.now)
            let expected = model.apply(batch)
            let got = outcome.notifications.map {
                ReferenceDetector.Note(kind: $0.kind.rawValue, recipient: $0.recipient, scope: $0.scope.raw,
                                       oldRank: $0.oldRank, newRank: $0.newRank, score: $0.score, by: $0.by,
                                       byScore: $0.byScore, count: $0.count)
            }.sorted()
            if got != expected.notes {
                let missing = expected.notes.filter { !got.contains($0) }, extra = got.filter { !expected.notes.contains($0) }
                Issue.record("seed \(rng.seed) batch \(batchNumber) \(batch): missing \(missing) extra \(extra)")
                return
            }
            // Every changed top K got exactly one diff, and applying it to the old list gives the new list.
            #expect(Set(outcome.diffs.map(\.scope.raw)) == Set(expected.diffs.keys), "seed \(rng.seed) batch \(batchNumber)")
            for diff in outcome.diffs {
                guard let (old, new) = expected.diffs[diff.scope.raw] else { continue }
                let context = "seed \(rng.seed) batch \(batchNumber) diff"
                #expect(Self.rebuild(old, with: diff) == new.map { [Int64($0.player), $0.score] }, "\(context)")
                // Compact: `moved` lists only rows whose score changed (shifts are implied), unless
                // a re-ordered tie needs the full form (every row whose rank or score changed).
                let before = Dictionary(uniqueKeysWithValues: old.enumerated().map { ($1.player, ($0 + 1, $1.score)) })
                if diff.moved.contains(where: { before[$0.player]?.1 == $0.score }) {
                    let changed = new.enumerated().filter { i, row in before[row.player].map { $0 != (i + 1, row.score) } ?? false }
                    #expect(diff.moved.map(\.player) == changed.map(\.element.player), "\(context): full form")
                }
            }
        }
    }

    /// A client's view of a diff: left and listed rows leave their places, listed rows take their
    /// ranks, and the others keep their old order in the ranks left over.
    static func rebuild(_ old: [ReferenceRanking.Row], with diff: BoardDiff) -> [[Int64]] {
        let placed = (diff.moved + diff.entered).sorted { $0.rank < $1.rank }
        let leaving = Set(placed.map(\.player)).union(diff.left.map(\.player))
        var rest = old.filter { !leaving.contains($0.player) }.map { [Int64($0.player), $0.score] }[...]
        var out: [[Int64]] = []
        var next = placed[...]
        while let row = next.first.flatMap({ $0.rank == out.count + 1 ? $0 : nil }).map({ [Int64($0.player), $0.score] })
                ?? rest.popFirst() {
            if next.first?.rank == out.count + 1 { next.removeFirst() }
            out.append(row)
        }
        // Rows the client could not place (a hole) or could not fill are a wrong diff.
        return next.isEmpty ? out : out + [[-1]]
    }

    @Test func aScriptedGameNotifiesEachPlayerOnce() throws {
        let e = LeaderboardEngine()
        try e.defineBoard(BoardDefinition(id: "arena", scopes: [.global, .friends], notifyDepth: 3), now: Self.now)
        for p in ["ann", "bob", "cat", "dan"] { try e.setInAudience(p, true) }
        try e.addFriends("ann", "dan")
        _ = e.apply([ScoreEvent(board: "arena", player: "ann", score: 30), ScoreEvent(board: "arena", player: "bob", score: 20),
                     ScoreEvent(board: "arena", player: "cat", score: 10)], now: Self.now)
        // dan jumps from nowhere to first: passes ann (a friend), bob and cat inside the top 3; cat drops out.
        let out = e.apply([ScoreEvent(board: "arena", player: "dan", score: 40)], now: Self.now)
        func notes(_ player: String) -> [String] {
            let p = e.players.find(player)!
            return out.notifications.filter { $0.recipient == p }.map {
                "\($0.kind) \($0.scope.isFriends ? "friends" : "global") \($0.oldRank)->\($0.newRank)" + ($0.kind == .overtaken ? " by \(e.players.name(of: $0.by))" : "")
            }
        }
        #expect(notes("dan") == ["rank global 0->1", "rank friends 0->1", "topEntry global 0->1"])
        #expect(notes("ann") == ["overtaken global 0->2 by dan", "overtaken friends 0->2 by dan"])
        #expect(notes("bob") == ["overtaken global 0->3 by dan"])
        #expect(notes("cat") == ["overtaken global 0->4 by dan", "topExit global 0->4"])
        #expect(out.diffs.count == 1)
        #expect(out.diffs[0].entered.map(\.rank) == [1])
        #expect(out.diffs[0].left.map(\.previousRank) == [3])
        // ann and bob only shifted down (2 and 3): implied by dan's entry, not listed.
        #expect(out.diffs[0].moved.isEmpty)
    }

    @Test func playersOutsideTheAudienceCostNothingAndGetNothing() throws {
        let e = LeaderboardEngine()
        try e.defineBoard(BoardDefinition(id: "b"), now: Self.now)
        _ = e.apply((0..<50).map { ScoreEvent(board: "b", player: "p\($0)", score: Int64($0)) }, now: Self.now)
        let out = e.apply([ScoreEvent(board: "b", player: "p0", score: 100)], now: Self.now)
        #expect(out.notifications.isEmpty)
        #expect(out.diffs.count == 1)   // spectators still see the top K change
    }

    @Test func watchersHearOfPassesBelowTheTopKUpToTheCap() throws {
        let e = LeaderboardEngine(configuration: EngineConfiguration(watcherLimitPerEvent: 2))
        try e.defineBoard(BoardDefinition(id: "b", notifyDepth: 1), now: Self.now)
        _ = e.apply((0..<10).map { ScoreEvent(board: "b", player: "p\($0)", score: Int64(100 - $0)) }, now: Self.now)
        for p in ["p5", "p6", "p7"] {
            try e.setInAudience(p, true)
            try e.setWatching(p, board: "b", window: .alltime, true)
        }
        let out = e.apply([ScoreEvent(board: "b", player: "p9", score: 96)], now: Self.now)
        let told = out.notifications.filter { $0.kind == .overtaken }.map { e.players.name(of: $0.recipient) }
        #expect(told == ["p5", "p6"])   // nearest passed first, capped at 2; p7 passed too
    }
}
