// Per-loop counters: packed for up to four loops, spilled to an array beyond.
import Testing
@testable import Gateway

@Suite struct LoopCountsTests {
    @Test(arguments: [2, 4, 7])
    func countsAddAndListLoopsWithSessions(loops: Int) {
        var c = LoopCounts(loopCount: loops)
        c.add(0, 1); c.add(loops - 1, 3); c.add(0, 1); c.add(loops - 1, -1)
        #expect(c.count(0) == 2)
        #expect(c.count(loops - 1) == 2)
        var seen: [Int] = []
        c.forEachLoop { seen.append($0) }
        #expect(seen == [0, loops - 1])
        c.add(0, -2)
        seen = []
        c.forEachLoop { seen.append($0) }
        #expect(seen == [loops - 1])
    }

    @Test func aCountPastSixteenBitsSpillsWithoutLoss() {
        var c = LoopCounts(loopCount: 2)
        c.add(1, 70_000)
        c.add(0, 5)
        #expect(c.count(1) == 70_000)
        #expect(c.count(0) == 5)
    }
}
