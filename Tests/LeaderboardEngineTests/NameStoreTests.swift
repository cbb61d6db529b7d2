// Player-name interning (PlayerRegistry over NameStore) against a dictionary: seeded random names
// of 1–64 bytes, half of them sharing long prefixes, enough to grow the arena, the offsets and
// the index several times; then the snapshot round trip; and the inline byte comparison alone.
import Testing
@testable import LeaderboardEngine
import TestSupport

@Suite struct NameStoreTests {
    private func randomName(_ rng: inout SeededRandom) -> String {
        let length = Int(rng.next() % 64) + 1
        // A long shared prefix for half of the names: they differ only near the end.
        let prefix = rng.next() % 2 == 0 ? String(repeating: "x", count: max(0, length - 2)) : ""
        var name = prefix
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789-_")
        while name.utf8.count < length { name.append(alphabet[Int(rng.next() % UInt64(alphabet.count))]) }
        return name
    }

    @Test func internAndFindMatchADictionaryThroughGrowth() {
        var rng = SeededRandom(label: "NameStore")
        let registry = PlayerRegistry()
        var model: [String: PlayerIndex] = [:]
        var order: [String] = []
        for step in 0..<60_000 {
            let name = order.isEmpty || rng.next() % 3 != 0 ? randomName(&rng) : order[Int(rng.next() % UInt64(order.count))]
            let expected = model[name] ?? PlayerIndex(order.count)
            let got = registry.intern(name)
            if got != expected {
                Issue.record("seed \(rng.seed): step \(step) interned \(name) as \(got), expected \(expected)")
                return
            }
            if model[name] == nil {
                model[name] = got
                order.append(name)
            }
        }
        #expect(registry.count == order.count)
        for (i, name) in order.enumerated() {
            #expect(registry.find(name) == PlayerIndex(i))
            #expect(registry.name(of: PlayerIndex(i)) == name)
        }
        #expect(registry.find("never-seen-" + String(repeating: "z", count: 40)) == nil)
        #expect(registry.find(String(order[0].dropLast()) + "!") == nil, "a name differing in its last byte only")

        let (bytes, offsets) = registry.nameStorage
        let restored = PlayerRegistry()
        restored.restore(nameBytes: bytes, offsets: offsets, regions: [], playerRegions: Array(repeating: 0, count: order.count),
                         displayNames: [], friendPairs: [])
        #expect(restored.count == order.count)
        for (i, name) in order.enumerated() where i % 7 == 0 { #expect(restored.find(name) == PlayerIndex(i)) }
        #expect(restored.intern("brand-new") == PlayerIndex(order.count))
    }

    /// Names reach the byte comparison only when their 32-bit hash tags match, which random names
    /// almost never do, so the comparison is checked on its own: every length up to 64 bytes,
    /// equal, and different at each single position.
    @Test func byteComparisonSeesEveryPosition() {
        var rng = SeededRandom(label: "NameStore.equal")
        for n in 0...64 {
            let a = (0..<n).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            a.withUnsafeBufferPointer { x in
                var b = a
                b.withUnsafeBufferPointer { y in
                    #expect(n == 0 || NameStore.equal(x.baseAddress!, y.baseAddress!, n), "seed \(rng.seed): length \(n), equal")
                }
                for k in 0..<n {
                    b[k] &+= 1
                    b.withUnsafeBufferPointer { y in
                        #expect(!NameStore.equal(x.baseAddress!, y.baseAddress!, n), "seed \(rng.seed): length \(n), differs at \(k)")
                    }
                    b[k] &-= 1
                }
            }
        }
    }
}
