// Leaf hints of large ranked trees: every present player's hint names the leaf that holds its
// entry, through inserts, splits, shifts into siblings, merges, borrows and bulk loads — so the
// prefetch they drive fetches the right lines (a wrong hint would cost time, not answers).
import Testing
@testable import LeaderboardEngine
import TestSupport

@Suite struct RankedTreeLeafHintTests {
    /// The first present player whose hint is not the leaf holding it.
    func misplaced(_ set: RankedSet, players: UInt32) -> UInt32? {
        for p in 0..<players {
            guard let key = set.members.key(of: p) else { continue }
            if set.tree.noted(p) != set.tree.leaf(holding: key) { return p }
        }
        return nil
    }

    @Test func hintsFollowEntriesThroughSplitsShiftsMergesAndBorrows() {
        var rng = SeededRandom(label: "LeafHints")
        let set = RankedSet(order: .descending, leafHintsFrom: 0)
        let players: UInt32 = 6_000
        var seq: UInt64 = 0
        // Every player first, so the tree is dense from the start and keeps hints throughout.
        for p in 0..<players {
            seq += 1
            set.upsert(p, score: Int64.random(in: -5_000...5_000, using: &rng), seq: seq)
        }
        #expect(set.tree.noted(0) != nil)
        for step in 0..<60_000 {
            let p = UInt32.random(in: 0..<players, using: &rng)
            // Phases: grow (splits and shifts), churn, then shrink (merges and borrows).
            let removing = step > 40_000 ? rng.next() % 4 != 0 : rng.next() % 6 == 0
            if removing {
                set.remove(p)
            } else {
                seq += 1
                set.upsert(p, score: Int64.random(in: -5_000...5_000, using: &rng), seq: seq)
            }
            if step % 2_000 == 0 || step == 59_999 {
                if let p = misplaced(set, players: players) {
                    Issue.record("seed \(rng.seed) step \(step): player \(p)'s hint is not its leaf")
                    return
                }
            }
        }
        #expect(set.tree.height >= 1, "the test should exercise more than one leaf")
    }

    @Test func hintsStartWhenTheTreeGrowsPastTheThresholdAndCoverBulkLoads() {
        let set = RankedSet(order: .descending, leafHintsFrom: 1_000)
        for p in UInt32(0)..<999 { set.upsert(p, score: Int64(p), seq: UInt64(p) + 1) }
        #expect(set.tree.noted(5) == nil, "no hints below the threshold")
        set.upsert(999, score: 999, seq: 1_000)
        #expect(misplaced(set, players: 1_000) == nil)
        // A bulk load (snapshot restore) past the threshold notes every entry too.
        let loaded = RankedSet(order: .descending, leafHintsFrom: 1_000)
        for p in UInt32(0)..<3_000 { loaded.members.set(p, SetKey(score: Int64(p), seq: UInt64(p) + 1)) }
        loaded.tree.bulkLoad(count: 3_000, player: { UInt32($0) }, key: { SetKey(score: Int64($0), seq: UInt64($0) + 1) })
        #expect(misplaced(loaded, players: 3_000) == nil)
        loaded.removeAll()
        #expect(loaded.tree.noted(5) == nil, "emptying drops the hints")
    }

    @Test func sparseTreesKeepNoHints() {
        // Players 0, 10, 20, …: a tenth of the indices below the largest (like a region's tree).
        let sparse = RankedSet(order: .descending, leafHintsFrom: 100)
        for i in UInt32(0)..<2_000 { sparse.upsert(i * 10, score: Int64(i), seq: UInt64(i) + 1) }
        #expect(sparse.tree.noted(0) == nil)
        // Filling the gaps makes it dense: hints start and cover everyone.
        for p in UInt32(0)..<20_000 where p % 10 != 0 { sparse.upsert(p, score: Int64(p), seq: 10_000 + UInt64(p)) }
        #expect(misplaced(sparse, players: 20_000) == nil)
        #expect(sparse.tree.noted(19_999) != nil)
    }
}
