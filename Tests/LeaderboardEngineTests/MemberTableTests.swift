// The member table against a Dictionary through random sets and removals that move it between
// the hashed and the dense layout (dense player ranges, then sparse large indices, then removals).
import Testing
@testable import LeaderboardEngine
import TestSupport

@Suite struct MemberTableTests {
    @Test func matchesADictionaryAcrossLayoutChanges() {
        var rng = SeededRandom(label: "MemberTable")
        let table = MemberTable()
        var model: [UInt32: SetKey] = [:]
        var sawDense = false, sawHashedAfterDense = false
        var seq: UInt64 = 0
        // Phases: grow over a dense range (→ dense), remove most (→ hashed), grow over sparse
        // large indices (stays hashed), then a mix.
        for step in 0..<60_000 {
            let phase = step / 15_000
            let player: UInt32 = switch phase {
            case 0, 1: UInt32(rng.next() % 5000)
            case 2: UInt32(rng.next() % 200_000)
            default: UInt32(rng.next() % 50_000)
            }
            let removes = switch phase {
            case 0: rng.next() % 10 == 0
            case 1: rng.next() % 10 != 0
            default: rng.next() % 3 == 0
            }
            if removes {
                #expect(table.remove(player) == model.removeValue(forKey: player), "seed \(rng.seed) step \(step)")
            } else {
                seq += 1
                let key = SetKey(score: Int64(bitPattern: rng.next()), seq: seq)
                table.set(player, key)
                model[player] = key
            }
            if table.isDense { sawDense = true } else if sawDense { sawHashedAfterDense = true }
            #expect(table.count == model.count, "seed \(rng.seed) step \(step)")
            let probe = UInt32(rng.next() % 210_000)
            #expect(table.key(of: probe) == model[probe], "seed \(rng.seed) step \(step)")
        }
        var seen: [UInt32: SetKey] = [:]
        table.forEach { seen[$0] = $1 }
        #expect(seen == model)
        #expect(sawDense, "the table never switched to the dense layout")
        #expect(sawHashedAfterDense, "the table never went back to hashed")
    }

    @Test func aWindowEveryPlayerScoresInIsDenseAndSixteenBytesPerMember() {
        let table = MemberTable()
        for p in 0..<100_000 { table.set(UInt32(p), SetKey(score: Int64(p), seq: UInt64(p + 1))) }
        #expect(table.isDense)
        #expect(table.memoryBytes <= 100_000 * 16 * 5 / 4 + 1024)
        #expect(table.seq(ofPresent: 777) == 778)
    }
}
