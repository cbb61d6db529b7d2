// TickReleaser: ticks are released in registration order, each once, whichever thread completes them.
import Synchronization
import Testing
@testable import Gateway
import TestSupport

@Suite struct TickReleaserTests {
    struct Failure: Error {}

    /// Releases seen, in order: (tick id, succeeded).
    final class Recorder: Sendable {
        let log = Mutex<[(UInt64, Bool)]>([])
        var ids: [UInt64] { log.withLock { $0.map(\.0) } }
        var outcomes: [Bool] { log.withLock { $0.map(\.1) } }
    }

    /// A releaser that records what it releases.
    private func recording() -> (TickReleaser, Recorder) {
        let recorder = Recorder()
        let releaser = TickReleaser { id, _, outcome in
            let ok = if case .success = outcome { true } else { false }
            recorder.log.withLock { $0.append((id, ok)) }
        }
        return (releaser, recorder)
    }

    @Test func aCompletedHeadTickIsReleasedAtOnce() {
        let (releaser, log) = recording()
        releaser.register(1, .init())
        #expect(releaser.pendingCount == 1)
        releaser.complete(1, .success(7))
        #expect(log.ids == [1])
        #expect(releaser.pendingCount == 0)
    }

    @Test func aLaterTickWaitsForEveryEarlierOne() {
        let (releaser, log) = recording()
        for id in 1...3 { releaser.register(UInt64(id), .init()) }
        releaser.complete(3, .success(3))
        releaser.complete(2, .success(2))
        #expect(log.ids.isEmpty)
        #expect(releaser.pendingCount == 3)
        releaser.complete(1, .success(1))
        #expect(log.ids == [1, 2, 3])
        #expect(releaser.pendingCount == 0)
    }

    @Test func aFailedTickIsReleasedAsAFailureInItsPlace() {
        let (releaser, log) = recording()
        for id in 1...3 { releaser.register(UInt64(id), .init()) }
        releaser.complete(2, .failure(Failure()))
        releaser.complete(1, .success(1))
        releaser.complete(3, .success(3))
        #expect(log.ids == [1, 2, 3])
        #expect(log.outcomes == [true, false, true])
    }

    @Test func aSecondCompletionOrAnUnknownIdReleasesNothingMore() {
        let (releaser, log) = recording()
        releaser.register(1, .init())
        releaser.complete(1, .success(1))
        releaser.complete(1, .success(1))
        releaser.complete(99, .success(99))
        #expect(log.ids == [1])
    }

    @Test func manyTicksCompletedFromAnotherThreadKeepTheirOrder() async {
        let (releaser, log) = recording()
        let count = 2_000
        for id in 1...count { releaser.register(UInt64(id), .init()) }
        // Complete in a shuffled order (seeded) from a detached task while the test thread
        // completes the even ids: releases still come out 1...count, each once.
        var order = Array(stride(from: 1, through: count, by: 2)).map(UInt64.init)
        var rng = SeededRandom(label: "TickReleaserTests")
        order.shuffle(using: &rng)
        let odd = order
        let task = Task.detached { for id in odd { releaser.complete(id, .success(id)) } }
        for id in stride(from: 2, through: count, by: 2) { releaser.complete(UInt64(id), .success(UInt64(id))) }
        await task.value
        #expect(log.ids == Array(1...UInt64(count)))
        #expect(releaser.pendingCount == 0)
    }
}
