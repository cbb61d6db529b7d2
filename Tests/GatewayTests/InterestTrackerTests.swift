// InterestTracker: sets become interesting at once and are forgotten only after `linger`
// without a report; the wildcard likewise.
import Testing
@testable import Gateway
import LeaderboardEngine

@Suite struct InterestTrackerTests {
    let daily = InterestTracker.Key(board: 0, window: .daily, scope: .global)
    let friends = InterestTracker.Key(board: 0, window: .alltime, scope: .friends)

    @Test func aSetIsNewOnlyTheFirstTimeItIsSeen() {
        var t = InterestTracker(lingerMillis: 1000)
        let first = t.saw(daily, now: 0), again = t.saw(daily, now: 10), other = t.saw(friends, now: 10)
        #expect(first)
        #expect(!again)
        #expect(other)
    }

    @Test func reportsKeepASetAliveAndSilenceExpiresItAfterTheLinger() {
        var t = InterestTracker(lingerMillis: 1000)
        _ = t.saw(daily, now: 0)
        _ = t.saw(friends, now: 0)
        _ = t.saw(daily, now: 900)            // a census still reports `daily`
        let atLinger = t.expire(now: 1000)  // exactly the linger: kept
        let past = t.expire(now: 1001)
        let stillReported = t.expire(now: 1900)
        let finally = t.expire(now: 1901)
        #expect(atLinger.isEmpty)
        #expect(past == [friends])
        #expect(stillReported.isEmpty)
        #expect(finally == [daily])
        #expect(t.lastSeen.isEmpty)
        let again = t.saw(daily, now: 2000)
        #expect(again, "interesting again after it was forgotten")
    }

    @Test func theWildcardLingersLikeASet() {
        var t = InterestTracker(lingerMillis: 500)
        #expect(!t.wildcardActive(now: 0))
        t.sawWildcard(now: 100)
        #expect(t.wildcardActive(now: 600))
        #expect(!t.wildcardActive(now: 601))
        let expired = t.expire(now: 601)
        #expect(expired.isEmpty)
        #expect(t.wildcardSeen == nil)
    }
}
