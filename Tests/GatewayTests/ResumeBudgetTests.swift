// ResumeBudget: one byte budget over all players' resume buffers — the oldest messages of any
// player go first, per-player trimming and expired players are accounted, and the ordering list
// stays proportional to what is buffered.
import Testing
@testable import Gateway
import GatewayFanout
import TestSupport

@Suite struct ResumeBudgetTests {
    private func message(_ pseq: UInt64, bytes: Int) -> ResumeBuffer.Message {
        .init(pseq: pseq, kind: .rank, priority: .p1, body: Array(repeating: 0x20, count: bytes))
    }

    private func store(_ budget: inout ResumeBudget, _ box: ResumeBufferBox, _ pseq: UInt64, bytes: Int,
                       maxCount: Int = 1000, maxBytes: Int = 1 << 20) {
        budget.store(message(pseq, bytes: bytes), in: box, maxCount: maxCount, maxBytes: maxBytes)
    }

    @Test func theOldestMessagesOfAnyPlayerGoFirstOverTheBudget() {
        var budget = ResumeBudget(limitBytes: 300)
        let a = ResumeBufferBox(), b = ResumeBufferBox()
        store(&budget, a, 1, bytes: 100)   // order: a1 b1 a2 b2
        store(&budget, b, 1, bytes: 100)
        store(&budget, a, 2, bytes: 100)
        #expect(budget.totalBytes == 300 && budget.evictions == 0)
        store(&budget, b, 2, bytes: 100)   // 400 > 300: a1, the oldest overall, goes
        #expect(budget.totalBytes == 300 && budget.evictions == 1)
        #expect(a.buffer.messages(after: 0).map(\.pseq) == [2])
        #expect(b.buffer.messages(after: 0).map(\.pseq) == [1, 2])
        store(&budget, a, 3, bytes: 150)   // 450: b1 then a2 go
        #expect(budget.totalBytes == 250 && budget.evictions == 3)
        #expect(a.buffer.messages(after: 0).map(\.pseq) == [3])
        #expect(b.buffer.messages(after: 0).map(\.pseq) == [2])
    }

    @Test func perPlayerTrimmingAndExpiredPlayersLeaveTheBudget() {
        var budget = ResumeBudget(limitBytes: 10_000)
        let a = ResumeBufferBox(), b = ResumeBufferBox()
        for p in 1...10 { store(&budget, a, UInt64(p), bytes: 100, maxCount: 4) }   // a keeps 7...10
        store(&budget, b, 1, bytes: 250)
        #expect(budget.totalBytes == 650 && budget.totalMessages == 5)
        budget.released(b)
        #expect(budget.totalBytes == 400 && budget.totalMessages == 4)
        #expect(budget.evictions == 0)
    }

    @Test func anExpiredPlayersMessagesAreNeverEvictedAgain() {
        var budget = ResumeBudget(limitBytes: 300)
        let a = ResumeBufferBox(), b = ResumeBufferBox()
        store(&budget, b, 1, bytes: 100)   // order: b1 a1 a2 a3 a4
        store(&budget, a, 1, bytes: 100)
        budget.released(b)
        #expect(b.buffer.count == 0 && budget.totalBytes == 100)
        for p in 2...4 { store(&budget, a, UInt64(p), bytes: 100) }
        // 400 > 300: b1 heads the order but left with its player, so a1 goes, once.
        #expect(budget.totalBytes == 300 && budget.totalMessages == 3 && budget.evictions == 1)
        #expect(a.buffer.messages(after: 0).map(\.pseq) == [2, 3, 4])
    }

    @Test func aMessageLargerThanThePlayersLimitIsNotTracked() {
        var budget = ResumeBudget(limitBytes: 10_000)
        let a = ResumeBufferBox()
        store(&budget, a, 1, bytes: 500, maxBytes: 100)
        #expect(budget.totalBytes == 0 && budget.totalMessages == 0 && budget.trackedMessages == 0)
    }

    /// Seeded random traffic: the totals always equal the buffers' contents, the budget holds
    /// after every store, everything evicted is older than everything kept, and the ordering
    /// list stays within twice the buffered messages (plus slack).
    @Test func totalsAndOrderHoldOverRandomTraffic() {
        var rng = SeededRandom(label: "ResumeBudget")
        var budget = ResumeBudget(limitBytes: 20_000)
        var boxes: [ResumeBufferBox?] = Array(repeating: nil, count: 40)
        var nextPseq = [UInt64](repeating: 0, count: 40)
        var order: [Int: Int] = [:]   // (player * 1_000_000 + pseq) → global append index
        var appended = 0
        var newestEvicted = -1
        for step in 0..<10_000 {
            let p = Int(rng.next() % 40)
            if rng.next() % 200 == 0, let box = boxes[p] {
                budget.released(box)   // the player expires
                boxes[p] = nil
                continue
            }
            let box = boxes[p] ?? ResumeBufferBox()
            boxes[p] = box
            nextPseq[p] += 1
            let bytes = 20 + Int(rng.next() % 300)
            let before = budget.evictions
            let keptBefore = Set(boxes.indices.flatMap { i in
                (boxes[i]?.buffer.messages(after: 0) ?? []).map { i * 1_000_000 + Int($0.pseq) }
            })
            order[p * 1_000_000 + Int(nextPseq[p])] = appended
            appended += 1
            store(&budget, box, nextPseq[p], bytes: bytes, maxCount: 32, maxBytes: 2_000)
            let live = boxes.compactMap { $0?.buffer }
            #expect(budget.totalBytes == live.reduce(0) { $0 + $1.bytes }, "seed \(rng.seed) step \(step)")
            #expect(budget.totalMessages == live.reduce(0) { $0 + $1.count }, "seed \(rng.seed) step \(step)")
            #expect(budget.totalBytes <= 20_000, "seed \(rng.seed) step \(step)")
            #expect(budget.trackedMessages <= 2 * budget.totalMessages + 1024, "seed \(rng.seed) step \(step)")
            guard budget.evictions > before else { continue }
            let kept = Set(boxes.indices.flatMap { i in
                (boxes[i]?.buffer.messages(after: 0) ?? []).map { i * 1_000_000 + Int($0.pseq) }
            })
            // What the budget evicted from the other players (kept before, gone now; player p's own
            // losses may be its per-player trimming, which need not be the oldest overall) must be
            // older than all that is kept.
            for gone in keptBefore.subtracting(kept) where gone / 1_000_000 != p {
                newestEvicted = max(newestEvicted, order[gone]!)
            }
            let oldestKept = kept.map { order[$0]! }.min() ?? .max
            #expect(newestEvicted < oldestKept, "seed \(rng.seed) step \(step)")
        }
        #expect(budget.evictions > 0, "the traffic never reached the budget (seed \(rng.seed))")
    }
}
