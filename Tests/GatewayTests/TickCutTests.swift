// TickCut: which pending score requests one engine tick takes.
import Testing
@testable import Gateway

@Suite struct TickCutTests {
    private func ranges(_ sizes: [Int]) -> [Range<Int>] {
        var start = 0
        return sizes.map { n in
            defer { start += n }
            return start..<start + n
        }
    }

    @Test func takesEveryRequestThatFits() {
        #expect(TickCut.requests(ranges([100, 200, 300]), maxEvents: 600) == 3)
        #expect(TickCut.requests(ranges([100, 200, 300]), maxEvents: 10_000) == 3)
    }

    @Test func stopsBeforeTheRequestThatWouldExceedTheLimit() {
        #expect(TickCut.requests(ranges([1000, 1000, 1000]), maxEvents: 1500) == 1)
        #expect(TickCut.requests(ranges([400, 400, 400]), maxEvents: 1000) == 2)
    }

    @Test func aSingleOversizedRequestIsOneTick() {
        #expect(TickCut.requests(ranges([5000, 10]), maxEvents: 1000) == 1)
    }

    @Test func nothingPendingTakesNothing() {
        #expect(TickCut.requests([Range<Int>](), maxEvents: 1000) == 0)
    }

    @Test func emptyRequestsRideAlong() {
        #expect(TickCut.requests(ranges([1000, 0, 0, 1]), maxEvents: 1000) == 3)
    }
}
