// The engine's compact presence table: lookups, in-place updates, removal with the dense array
// kept consistent, growth and shrinking, checked against a Dictionary under random operations.
import Testing
import TestSupport
@testable import Gateway
import LeaderboardEngine

@Suite struct PresenceTableTests {
    func record(_ p: PlayerIndex, pseq: UInt64 = 0) -> Presence {
        Presence(player: p, loopCount: 2, base: pseq)
    }

    @Test func findsInsertedPlayersAndNotOthers() {
        var t = PresenceTable()
        #expect(t.slot(of: 7) == nil)
        t.insert(record(7, pseq: 70))
        t.insert(record(0, pseq: 1))
        t.insert(record(1_000_000, pseq: 5))
        #expect(t.count == 3)
        #expect(t[player: 7]?.pseq == 70)
        #expect(t[player: 0]?.pseq == 1)
        #expect(t[player: 1_000_000]?.pseq == 5)
        #expect(t[player: 8] == nil)
    }

    @Test func updatesRecordsInPlaceThroughTheirSlot() throws {
        var t = PresenceTable()
        t.insert(record(3))
        let slot = try #require(t.slot(of: 3))
        let pseq = t.update(slot: slot) { pres in
            pres.pseq += 2
            pres.sessions += 1
            pres.sessionsPerLoop.add(1, 1)
            return pres.pseq
        }
        #expect(pseq == 2)
        #expect(t[player: 3]?.sessions == 1)
        #expect(t[player: 3]?.sessionsPerLoop.count(1) == 1)
    }

    @Test func removalMovesTheLastRecordAndKeepsEveryOtherFindable() {
        var t = PresenceTable()
        for p in PlayerIndex(0)..<40 { t.insert(record(p, pseq: UInt64(p) * 10)) }
        t.remove(5)
        t.remove(5)
        t.remove(39)
        t.remove(0)
        #expect(t.count == 37)
        for p in PlayerIndex(0)..<40 {
            let expected: UInt64? = [0, 5, 39].contains(p) ? nil : UInt64(p) * 10
            #expect(t[player: p]?.pseq == expected, "player \(p)")
        }
    }

    @Test func removeAllWhereReturnsTheRemovedPlayers() {
        var t = PresenceTable()
        for p in PlayerIndex(0)..<100 {
            var r = record(p)
            r.disconnectedAt = p % 3 == 0 ? Int64(p) : .max
            t.insert(r)
        }
        let removed = t.removeAll { $0.disconnectedAt <= 60 }
        #expect(Set(removed) == Set(stride(from: PlayerIndex(0), through: 60, by: 3)))
        #expect(t.count == 100 - 21)
        for p in PlayerIndex(0)..<100 { #expect((t[player: p] != nil) == !(p % 3 == 0 && p <= 60), "player \(p)") }
    }

    @Test func indexGrowsWithTheTableAndShrinksAfterMassRemoval() {
        var t = PresenceTable()
        for p in PlayerIndex(0)..<10_000 { t.insert(record(p * 7)) }
        #expect(t.indexCapacity >= 10_000 * 4 / 3)
        #expect(t.indexCapacity <= 10_000 * 4)
        for p in PlayerIndex(0)..<9_990 { t.remove(p * 7) }
        #expect(t.count == 10)
        #expect(t.indexCapacity <= 128)
        for p in PlayerIndex(9_990)..<10_000 { #expect(t[player: p * 7] != nil) }
    }

    @Test func agreesWithADictionaryUnderRandomOperations() {
        var rng = SeededRandom(label: "PresenceTableTests.random")
        var t = PresenceTable()
        var reference: [PlayerIndex: UInt64] = [:]
        for step in 0..<40_000 {
            // A small key space makes collisions, re-insertions and long probe runs common.
            let p = PlayerIndex.random(in: 0..<3_000, using: &rng) * (step % 2 == 0 ? 1 : 64)
            switch UInt8.random(in: 0..<10, using: &rng) {
            case 0..<5:
                if let slot = t.slot(of: p) {
                    t.update(slot: slot) { $0.pseq += 1 }
                    reference[p]! += 1
                } else {
                    t.insert(record(p, pseq: UInt64(step)))
                    reference[p] = UInt64(step)
                }
            case 5..<9:
                t.remove(p)
                reference[p] = nil
            default:
                let cut = PlayerIndex.random(in: 0..<200_000, using: &rng)
                let removed = t.removeAll { $0.player < cut && $0.player % 5 == 0 }
                let expected = reference.keys.filter { $0 < cut && $0 % 5 == 0 }
                #expect(Set(removed) == Set(expected), "seed \(rng.seed), step \(step)")
                for k in expected { reference[k] = nil }
            }
            #expect(t.count == reference.count, "seed \(rng.seed), step \(step)")
        }
        for (p, pseq) in reference { #expect(t[player: p]?.pseq == pseq, "seed \(rng.seed), player \(p)") }
        #expect(t.records.count == reference.count)
        #expect(Set(t.records.map(\.player)) == Set(reference.keys), "seed \(rng.seed)")
    }
}
