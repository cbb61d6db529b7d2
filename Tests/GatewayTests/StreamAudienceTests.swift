// StreamAudience: one queued pass per stream however many diffs arrive, a rerun for the sessions
// a pass had already passed when a diff arrived, and no session skipped when one leaves mid-pass.
import Testing
@testable import Gateway

@Suite struct StreamAudienceTests {
    final class Member {
        let id: Int
        init(_ id: Int) { self.id = id }
    }

    private func audience(_ count: Int) -> (StreamAudience<Member>, [Member]) {
        let audience = StreamAudience<Member>()
        let members = (0..<count).map(Member.init)
        for m in members { audience.add(m) }
        return (audience, members)
    }

    /// Takes up to `limit` members of the pass (all by default), by id.
    private func take(_ audience: StreamAudience<Member>, _ limit: Int = .max) -> [Int] {
        var ids: [Int] = []
        while ids.count < limit, let m = audience.nextSession() { ids.append(m.id) }
        return ids
    }

    @Test func diffsBeforeThePassStartsQueueItOnceAndNeedNoRerun() {
        let (audience, _) = audience(3)
        #expect(audience.diffArrived())
        #expect(!audience.diffArrived())
        #expect(!audience.diffArrived())
        #expect(take(audience) == [0, 1, 2])
        #expect(!audience.finishPass())
        #expect(audience.nextSession() == nil)
        #expect(audience.diffArrived(), "a finished pass is queued again by the next diff")
    }

    @Test func aDiffDuringThePassRunsItAgainFromTheStart() {
        let (audience, _) = audience(4)
        #expect(audience.diffArrived())
        #expect(take(audience, 2) == [0, 1])
        #expect(!audience.diffArrived(), "the queued pass is still running")
        #expect(take(audience) == [2, 3])
        #expect(audience.finishPass())
        #expect(take(audience) == [0, 1, 2, 3])
        #expect(!audience.finishPass())
    }

    @Test func aMemberLeavingMidPassSkipsNobody() {
        let (audience, members) = audience(5)
        #expect(audience.diffArrived())
        #expect(take(audience, 3) == [0, 1, 2])
        audience.remove(members[1])  // already passed
        #expect(take(audience, 1) == [3])
        audience.remove(members[4])  // not reached yet
        #expect(take(audience) == [])
        #expect(!audience.finishPass())
        #expect(audience.sessions.map(\.id) == [0, 2, 3])
    }

    @Test func aMemberJoiningMidPassIsReachedByIt() {
        let (audience, _) = audience(2)
        #expect(audience.diffArrived())
        #expect(take(audience, 1) == [0])
        audience.add(Member(7))
        #expect(take(audience) == [1, 7])
    }
}
