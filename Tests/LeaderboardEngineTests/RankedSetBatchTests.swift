// Batched upserts (`RankedSet.upsert(batch:)`) against one-by-one upserts and the sorted-array
// reference: the pipeline's hints must never change an answer or the final state.
import Testing
@testable import LeaderboardEngine
import TestSupport

@Suite struct RankedSetBatchTests {
    /// Random batches (repeated players, unchanged scores, new members, many ties) over a set large
    /// enough for a three-level tree; every move and, after each batch, the whole ranking and the
    /// tree's invariants are compared.
    @Test(arguments: ScoreOrder.allCases)
    func batchesMatchOneByOneUpsertsAndTheReference(order: ScoreOrder) {
        var rng = SeededRandom(label: "RankedSetBatch.\(order)")
        let batched = RankedSet(order: order)
        let single = RankedSet(order: order)
        var model = ReferenceRanking(order: order)
        let players: UInt32 = 12_000
        var seq: UInt64 = 0
        var updates: [SetUpdate] = []
        var moves = [RankMove](repeating: RankMove(oldRank: nil, oldScore: nil, newRank: 0, newScore: 0), count: 512)
        for round in 0..<80 {
            updates.removeAll(keepingCapacity: true)
            let length = round == 0 ? 1 : Int.random(in: 1...512, using: &rng)
            for _ in 0..<length {
                // A narrow hot range of players repeats players within a batch; narrow scores tie.
                let player = rng.next() % 4 == 0
                    ? UInt32.random(in: 0..<64, using: &rng) : UInt32.random(in: 0..<players, using: &rng)
                let score: Int64 = rng.next() % 3 == 0
                    ? Int64.random(in: -20...20, using: &rng) : Int64.random(in: -1_000_000...1_000_000, using: &rng)
                updates.append(SetUpdate(player: player, score: score))
            }
            updates.withUnsafeBufferPointer { u in
                moves.withUnsafeMutableBufferPointer { batched.upsert(batch: u, firstSeq: seq + 1, moves: $0) }
            }
            for (i, u) in updates.enumerated() {
                let s = seq + UInt64(i) + 1
                let one = single.upsert(u.player, score: u.score, seq: s)
                let want = model.upsert(u.player, score: u.score, seq: s)
                guard moves[i] == one, moves[i].oldRank == want.old, moves[i].newRank == want.new else {
                    Issue.record("seed \(rng.seed) round \(round) update \(i): batch \(moves[i]), single \(one), reference \(want)")
                    return
                }
            }
            seq += UInt64(length)
            let expected = model.rows.enumerated().map { RankedEntry(player: $1.player, score: $1.score, rank: $0 + 1) }
            guard batched.range(fromRank: 1, limit: .max) == expected else {
                Issue.record("seed \(rng.seed) round \(round): ranking differs from the reference")
                return
            }
            if let violation = batched.tree.invariantViolation() {
                Issue.record("seed \(rng.seed) round \(round): \(violation)")
                return
            }
        }
        #expect(batched.count == model.count)
        #expect(batched.tree.height >= 2, "the test should exercise inner levels")
    }

    @Test func emptyBatchChangesNothing() {
        let set = RankedSet(order: .descending)
        set.upsert(7, score: 10, seq: 1)
        var moves: [RankMove] = []
        [SetUpdate]().withUnsafeBufferPointer { u in
            moves.withUnsafeMutableBufferPointer { set.upsert(batch: u, firstSeq: 2, moves: $0) }
        }
        #expect(set.count == 1)
        #expect(set.rank(of: 7) == 1)
    }
}
