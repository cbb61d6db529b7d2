// The idempotency memory against a dictionary + FIFO reference: random records, lookups and
// expiry with a small capacity, so the ring wraps and evicts many times.
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
}
