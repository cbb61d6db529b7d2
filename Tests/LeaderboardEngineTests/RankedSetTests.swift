// Model-based tests of RankedSet against the sorted-array ReferenceRanking.
import Testing
@testable import LeaderboardEngine
import TestSupport

@Suite struct RankedSetTests {
    /// Also with leaf hints kept from the first entry (large sets keep them; hints must never
    /// change an answer).
    @Test(arguments: ScoreOrder.allCases, [RankedTree.defaultLeafHintsFrom, 0])
    func matchesReferenceOverRandomOperations(order: ScoreOrder, leafHintsFrom: Int) {
        var rng = SeededRandom(label: "RankedSet.\(order).\(leafHintsFrom)")
        let set = RankedSet(order: order, leafHintsFrom: leafHintsFrom)
        var model = ReferenceRanking(order: order)
        var seq: UInt64 = 0
        let players: UInt32 = 1200
        for step in 0..<100_000 {
            let player = UInt32.random(in: 0..<players, using: &rng)
            // Narrow score ranges force many ties; wide ones exercise Int64 extremes.
            let score: Int64 = switch rng.next() % 10 {
            case 0: Int64.random(in: Int64.min...Int64.max, using: &rng)
            case 1, 2: Int64.random(in: -3...3, using: &rng)
            default: Int64.random(in: -500...500, using: &rng)
            }
            if rng.next() % 5 == 0 {
                let got = set.remove(player)
                let want = model.remove(player)
                #expect(got?.score == want?.score, "seed \(rng.seed) step \(step): remove score")
            } else {
                seq += 1
                let move = set.upsert(player, score: score, seq: seq)
                let want = model.upsert(player, score: score, seq: seq)
                if move.oldRank != want.old || move.newRank != want.new {
                    Issue.record("seed \(rng.seed) step \(step): upsert ranks \(move) vs \(want)")
                    return
                }
            }
            #expect(set.count == model.count)
            let probe = UInt32.random(in: 0..<players, using: &rng)
            #expect(set.rank(of: probe) == model.rank(of: probe), "seed \(rng.seed) step \(step): rank")
            #expect(set.score(of: probe) == model.row(of: probe)?.score)
            if model.count > 0 {
                let r = Int.random(in: 1...model.count, using: &rng)
                let row = model.rows[r - 1]
                #expect(set.entry(atRank: r) == RankedEntry(player: row.player, score: row.score, rank: r))
                let page = set.range(fromRank: r, limit: 7)
                let expected = model.rows[(r - 1)..<min(model.count, r + 6)].enumerated().map {
                    RankedEntry(player: $1.player, score: $1.score, rank: r + $0)
                }
                #expect(page == expected, "seed \(rng.seed) step \(step): range")
            }
            let cut = Int64.random(in: -600...600, using: &rng)
            #expect(set.countBetter(than: cut) == model.countBetter(than: cut), "seed \(rng.seed) step \(step): countBetter")
            if step % 97 == 0 {
                let a = Int64.random(in: -600...600, using: &rng), b = Int64.random(in: -600...600, using: &rng)
                let got = set.range(scoresBetween: a, and: b, limit: .max).map(\.player)
                #expect(got == model.between(a, b).map(\.player), "seed \(rng.seed) step \(step): score range")
            }
            if step % 5000 == 0 || step == 99_999 {
                if let violation = set.tree.invariantViolation() {
                    Issue.record("seed \(rng.seed) step \(step): \(violation)")
                    return
                }
            }
        }
    }

    @Test func equalScoresRankEarlierAchieverFirst() {
        let set = RankedSet(order: .descending)
        set.upsert(1, score: 50, seq: 1)
        set.upsert(2, score: 50, seq: 2)
        set.upsert(3, score: 60, seq: 3)
        #expect(set.range(fromRank: 1, limit: 3).map(\.player) == [3, 1, 2])
        // Re-posting the same score keeps the original achievement time.
        let move = set.upsert(1, score: 50, seq: 4)
        #expect(!move.changed)
        #expect(set.rank(of: 1) == 2)
    }

    @Test func ascendingBoardsRankLowScoresFirst() {
        let set = RankedSet(order: .ascending)
        set.upsert(1, score: 30, seq: 1)
        set.upsert(2, score: 10, seq: 2)
        set.upsert(3, score: 20, seq: 3)
        #expect(set.range(fromRank: 1, limit: 3).map(\.player) == [2, 3, 1])
        #expect(set.countBetter(than: 20) == 1)
    }

    @Test func extremeScoresKeepTheirOrder() {
        let set = RankedSet(order: .descending)
        set.upsert(1, score: .min, seq: 1)
        set.upsert(2, score: .max, seq: 2)
        set.upsert(3, score: 0, seq: 3)
        #expect(set.range(fromRank: 1, limit: 3).map(\.score) == [.max, 0, .min])
    }

    @Test func growsAndShrinksThroughManyLevels() {
        let set = RankedSet(order: .descending)
        var rng = SeededRandom(label: "RankedSet.grow")
        let n = 200_000
        for p in 0..<n { set.upsert(UInt32(p), score: Int64.random(in: 0...1_000_000, using: &rng), seq: UInt64(p + 1)) }
        #expect(set.tree.height >= 2)
        #expect(set.tree.invariantViolation() == nil)
        for p in stride(from: 0, to: n, by: 1) where p % 10 != 0 { set.remove(UInt32(p)) }
        #expect(set.count == n / 10)
        #expect(set.tree.invariantViolation() == nil)
        // Memory follows the members down: leaves at least a quarter full on average.
        #expect(set.tree.leaves.liveCount * LeafPool.capacity / 4 <= set.count + LeafPool.capacity)
        for p in stride(from: 0, to: n, by: 10) { set.remove(UInt32(p)) }
        #expect(set.count == 0)
        #expect(set.tree.height == 0)
    }

    @Test func inOrderInsertsPackLeavesFull() {
        let set = RankedSet(order: .ascending)
        for p in 0..<10_000 { set.upsert(UInt32(p), score: Int64(p), seq: UInt64(p + 1)) }
        #expect(set.tree.leaves.liveCount == (10_000 + LeafPool.capacity - 1) / LeafPool.capacity)
        #expect(set.tree.invariantViolation() == nil)
    }

    @Test func bulkLoadEqualsIncrementalBuild() {
        var rng = SeededRandom(label: "RankedSet.bulk")
        let a = RankedSet(order: .descending)
        for p in 0..<50_000 { a.upsert(UInt32(p), score: Int64.random(in: 0...999, using: &rng), seq: UInt64(p + 1)) }
        let rows = a.range(fromRank: 1, limit: .max)
        let b = RankedSet(order: .descending)
        for row in rows { b.members.set(row.player, a.members.key(of: row.player)!) }
        b.tree.bulkLoad(count: rows.count, player: { rows[$0].player }, key: { a.members.key(of: rows[$0].player)! })
        #expect(b.tree.invariantViolation() == nil)
        #expect(b.range(fromRank: 1, limit: .max) == rows)
        for p in 0..<1000 { b.upsert(UInt32(p), score: 5000, seq: UInt64(100_000 + p)) }
        #expect(b.tree.invariantViolation() == nil)
        #expect(b.rank(of: 999) == 1000)
    }
}
