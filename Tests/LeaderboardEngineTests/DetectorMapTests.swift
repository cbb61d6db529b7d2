// DetectorMap against a Dictionary: seeded random inserts and updates over batches separated by
// removeAll (sparse and dense clears), with keys that collide in the index's low bits.
import Testing
@testable import LeaderboardEngine
import TestSupport

@Suite struct DetectorMapTests {
    @Test func matchesADictionaryAcrossBatches() {
        var rng = SeededRandom(label: "DetectorMap")
        var map = DetectorMap<Int>()
        for batch in 0..<200 {
            var model: [UInt64: Int] = [:]
            var order: [UInt64] = []
            // Small batches clear slot by slot, large ones clear the whole index.
            let size = batch % 3 == 0 ? Int(rng.next() % 3000) : Int(rng.next() % 40)
            for _ in 0..<size {
                let key = (rng.next() % 500) << 32 | rng.next() % 4
                let value = Int(rng.next() % 1000)
                let (position, inserted) = map.position(of: key, inserting: value)
                #expect(inserted == (model[key] == nil), "seed \(rng.seed), batch \(batch)")
                if inserted {
                    model[key] = value
                    order.append(key)
                } else {
                    map.update(at: position) { $0 += 1 }
                    model[key]! += 1
                }
            }
            #expect(map.count == model.count, "seed \(rng.seed), batch \(batch)")
            #expect(map.keys == order, "insertion order, seed \(rng.seed)")
            for (key, value) in model {
                let p = map.position(of: key)
                #expect(p.map { map.values[$0] } == value, "seed \(rng.seed), key \(key)")
            }
            #expect(map.position(of: 1000 << 32) == nil, "a key never inserted")
            map.removeAll()
            #expect(map.isEmpty)
            for key in order.prefix(20) { #expect(map.position(of: key) == nil, "cleared, seed \(rng.seed)") }
        }
    }
}
