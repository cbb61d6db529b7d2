// The idempotency memory against a dictionary + FIFO reference: random records, lookups and
// expiry with a small capacity, so the ring wraps and evicts many times; and with a capacity
// spanning several ring chunks, full-field answers across change-FIFO chunk boundaries.
import Testing
@testable import LeaderboardEngine
import TestSupport

@Suite struct EventDeduplicatorTests {
    @Test func matchesAReferenceAcrossEvictionAndExpiry() {
        var rng = SeededRandom(label: "EventDeduplicator")
        let capacity = 37
        let d = EventDeduplicator(windowMillis: 1000, capacity: capacity)
        var reference: [(id: String, expires: Int64, scores: [Int64])] = []
        var now: Int64 = 0
        for step in 0..<20_000 {
            now += Int64(rng.next() % 40)
            d.expire(now: now)
            reference.removeAll { $0.expires <= now }
            let id = "e\(rng.next() % 120)"
            let known = reference.first { $0.id == id }
            let got = d.lookup(id, now: now)
            #expect(got?.changes.map(\.newScore) == known?.scores, "seed \(rng.seed) step \(step): lookup \(id)")
            if known == nil, rng.next() % 3 != 0 {
                // 0 to 4 changes per entry: entries share one FIFO of changes.
                let scores = (0..<Int(rng.next() % 5)).map { Int64(step * 10 + $0) }
                d.record(id, now: now, changes: scores.map {
                    WindowChange(window: .alltime, periodStart: .min, scope: .global, oldRank: nil, newRank: 1, oldScore: nil, newScore: $0)
                }, lateWindows: [])
                reference.append((id, now + 1000, scores))
                if reference.count > capacity { reference.removeFirst() }
            }
            #expect(d.count == reference.count, "seed \(rng.seed) step \(step): count")
        }
        #expect(d.liveEntries().map(\.0) == reference.map(\.id))
        #expect(d.liveEntries().map { $0.1.changes.map(\.newScore) } == reference.map(\.scores))
    }

    @Test func remembersWholeAnswersAcrossRingAndChangeChunks() {
        var rng = SeededRandom(label: "EventDeduplicator chunks")
        let capacity = 10_000
        let d = EventDeduplicator(windowMillis: 1_000_000, capacity: capacity)
        func answer(_ n: Int) -> [WindowChange] {
            (0..<(n % 5)).map { k in
                WindowChange(window: WindowKind.allCases[(n + k) % WindowKind.allCases.count],
                             periodStart: k == 0 ? .min : Int64(n) * 1000,
                             scope: [ScopeKey.global, .friends, .region(7)][(n + k) % 3],
                             oldRank: (n + k) % 4 == 0 ? nil : n + k, newRank: n,
                             oldScore: (n + k) % 3 == 0 ? nil : Int64(-n), newScore: k == 1 ? .max : Int64(n) << 20)
            }
        }
        var recorded = 0
        for step in 0..<45_000 {
            let n = recorded
            let id = "match-\(n)"
            if rng.next() % 2 == 0 {
                #expect(d.lookup(id, now: Int64(step)) == nil, "seed \(rng.seed): \(id) is new")
            }
            d.record(id, now: Int64(step), changes: answer(n), lateWindows: n % 7 == 0 ? [.daily] : [])
            recorded += 1
            // An id recorded again keeps its first answer.
            if rng.next() % 50 == 0 { d.record(id, now: Int64(step), changes: [], lateWindows: []) }
        }
        #expect(d.count == capacity)
        for n in [0, recorded - capacity - 1] { #expect(d.lookup("match-\(n)", now: 45_000) == nil, "\(n) was evicted") }
        for n in stride(from: recorded - capacity, to: recorded, by: 97) {
            let entry = d.lookup("match-\(n)", now: 45_000)
            #expect(entry?.changes == answer(n), "seed \(rng.seed): answer of \(n)")
            #expect(entry?.lateWindows == (n % 7 == 0 ? [.daily] : []))
        }
        let live = d.liveEntries()
        #expect(live.map(\.0) == (recorded - capacity..<recorded).map { "match-\($0)" })
        #expect(live.last?.1.changes == answer(recorded - 1))
        d.expire(now: 2_000_000)
        #expect(d.count == 0 && d.lookup("match-\(recorded - 1)", now: 2_000_000) == nil)
        d.record("again", now: 2_000_000, changes: answer(4), lateWindows: [])
        #expect(d.lookup("again", now: 2_000_001)?.changes == answer(4))
    }
}
