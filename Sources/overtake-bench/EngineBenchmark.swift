// Ranked-set benchmark: single-thread upserts/s, query latencies and memory per member at
// several set sizes. Scores are uniform random over a wide range (few ties).
import Glibc
import LeaderboardEngine

struct EngineBenchmark {
    let options: BenchOptions

    func run() {
        let sizes = options.ints("members", [1_000_000, 10_000_000])
        let overhead = BenchClock.overhead()
        print("clock overhead: \(format(overhead)) ns per reading (subtracted)")
        for n in sizes { measure(members: n, overhead: overhead) }
    }

    private func measure(members n: Int, overhead: Double) {
        var rng = SplitMix(seed: 42)
        let rssBefore = BenchClock.residentBytes()
        let set = RankedSet(order: .descending)
        var seq: UInt64 = 0
        var start = BenchClock.nanos()
        for p in 0..<n {
            seq += 1
            set.upsert(UInt32(p), score: Int64(rng.next() % 1_000_000_000), seq: seq)
        }
        let loadSeconds = Double(BenchClock.nanos() - start) / 1e9
        let rssAfter = BenchClock.residentBytes()
        print("\n== \(n) members")
        print("insert (new members):   \(format(Double(n) / loadSeconds / 1e6, decimals: 2)) M upserts/s")
        print("memory: \(format(Double(set.memoryBytes) / Double(n))) B/member (structures), RSS delta \(format(Double(rssAfter - rssBefore) / Double(n))) B/member")
        print("  member table \(format(Double(set.members.memoryBytes) / Double(n))) B/member, tree \(format(Double(set.tree.memoryBytes) / Double(n))) B/member")

        let ops = options.int("ops", 5_000_000)
        var players = [UInt32](repeating: 0, count: ops)
        var scores = [Int64](repeating: 0, count: ops)
        for i in 0..<ops {
            players[i] = UInt32(rng.next() % UInt64(n))
            scores[i] = Int64(rng.next() % 1_000_000_000)
        }
        let modes = options.string("updates", "single,batch").split(separator: ",")
        var sink = 0
        if modes.contains("single") {
            start = BenchClock.nanos()
            for i in 0..<ops {
                seq += 1
                sink &+= set.upsert(players[i], score: scores[i], seq: seq).newRank
            }
            let updateSeconds = Double(BenchClock.nanos() - start) / 1e9
            print("update (existing):      \(format(Double(ops) / updateSeconds / 1e6, decimals: 2)) M upserts/s, one at a time")
        }
        if modes.contains("batch") {
            sink &+= measureBatchedUpdates(set, members: n, ops: ops, seq: &seq, rng: &rng)
        }

        let queries = 1_000_000
        var rank = LatencySummary(samples: [])
        rank.samples.reserveCapacity(queries)
        for i in 0..<queries {
            let p = players[i % ops]
            let t0 = BenchClock.nanos()
            sink &+= set.rank(of: p) ?? 0
            rank.samples.append(Double(BenchClock.nanos() - t0) - overhead)
        }
        print("rank(of:):              \(rank.description)")
        var top = LatencySummary(samples: [])
        for _ in 0..<100_000 {
            let t0 = BenchClock.nanos()
            sink &+= set.range(fromRank: 1, limit: 100).count
            top.samples.append(Double(BenchClock.nanos() - t0) - overhead)
        }
        print("top-100:                \(top.description)")
        var around = LatencySummary(samples: [])
        for i in 0..<200_000 {
            let p = players[i % ops]
            let t0 = BenchClock.nanos()
            let r = set.rank(of: p) ?? 1
            sink &+= set.range(fromRank: max(1, r - 10), limit: 21).count
            around.samples.append(Double(BenchClock.nanos() - t0) - overhead)
        }
        print("around-me (±10):        \(around.description)")
        if sink == 42 { print("") }
    }
}

extension EngineBenchmark {
    /// Random updates of existing members through `upsert(batch:)`, as the engine receives them
    /// (batches of `--batch`): a software pipeline overlaps the cache misses of neighbouring
    /// updates. Fresh scores, so updates that follow the one-at-a-time round still move players.
    /// Returns a sink for the optimizer.
    private func measureBatchedUpdates(_ set: RankedSet, members n: Int, ops: Int, seq: inout UInt64,
                                       rng: inout SplitMix) -> Int {
        let batch = options.int("batch", 1_000)
        let updates = (0..<ops).map { _ in
            SetUpdate(player: UInt32(rng.next() % UInt64(n)), score: Int64(rng.next() % 1_000_000_000))
        }
        var moves = [RankMove](repeating: RankMove(oldRank: nil, oldScore: nil, newRank: 0, newScore: 0), count: batch)
        var sink = 0
        let start = BenchClock.nanos()
        updates.withUnsafeBufferPointer { all in
            moves.withUnsafeMutableBufferPointer { out in
                var i = 0
                while i < ops {
                    let m = min(batch, ops - i)
                    set.upsert(batch: UnsafeBufferPointer(rebasing: all[i..<(i + m)]), firstSeq: seq + 1, moves: out)
                    seq += UInt64(m)
                    sink &+= out[m - 1].newRank
                    i += m
                }
            }
        }
        let seconds = Double(BenchClock.nanos() - start) / 1e9
        print("update (existing):      \(format(Double(ops) / seconds / 1e6, decimals: 2)) M upserts/s, batches of \(batch)")
        return sink
    }
}

/// Deterministic generator so runs are comparable.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
