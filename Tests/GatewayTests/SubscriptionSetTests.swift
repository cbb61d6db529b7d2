// A session's subscriptions: the first one inline, the rest in a set; membership as a Set's.
import Testing
import TestSupport
@testable import Gateway
import LeaderboardEngine

@Suite struct SubscriptionSetTests {
    func sub(_ board: UInt32, _ scope: UInt8 = 0) -> Subscription {
        Subscription(board: board, window: .alltime, scope: scope)
    }

    @Test func holdsOneSubscriptionWithoutTheSet() {
        var s = SubscriptionSet()
        #expect(s.isEmpty)
        let added = s.insert(sub(1))
        let again = s.insert(sub(1))
        #expect(added && !again)
        #expect(s.contains(sub(1)))
        #expect(!s.contains(sub(1, 2)))
        #expect(s.count == 1)
        #expect(s.elements == [sub(1)])
    }

    @Test func removingTheFirstPromotesAnother() {
        var s = SubscriptionSet()
        s.insert(sub(1)); s.insert(sub(2)); s.insert(sub(3))
        let removed = s.remove(sub(1))
        let removedAgain = s.remove(sub(1))
        #expect(removed && !removedAgain)
        #expect(s.count == 2)
        #expect(s.contains(sub(2)) && s.contains(sub(3)) && !s.contains(sub(1)))
        let rest = (s.remove(sub(3)), s.remove(sub(2)))
        #expect(rest.0 && rest.1)
        #expect(s.isEmpty && s.elements.isEmpty)
    }

    @Test func agreesWithASetUnderRandomOperations() {
        var rng = SeededRandom(label: "SubscriptionSetTests.random")
        var s = SubscriptionSet()
        var reference = Set<Subscription>()
        for step in 0..<5_000 {
            let x = sub(UInt32.random(in: 0..<6, using: &rng), UInt8.random(in: 0..<3, using: &rng))
            if Bool.random(using: &rng) {
                let inserted = s.insert(x)
                #expect(inserted == reference.insert(x).inserted, "seed \(rng.seed), step \(step)")
            } else {
                let removed = s.remove(x)
                #expect(removed == (reference.remove(x) != nil), "seed \(rng.seed), step \(step)")
            }
            #expect(s.count == reference.count && Set(s.elements) == reference, "seed \(rng.seed), step \(step)")
        }
    }
}
