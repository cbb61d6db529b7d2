// TimerWheel with manual time: deadlines never early, order, cancel, re-arm, wrap-around.
import Testing
@testable import GatewayNet

private let ms: UInt64 = 1_000_000

@Suite struct TimerWheelTests {
    @Test func firesAtTheFirstTickAtOrAfterTheDeadlineNeverBefore() {
        var wheel = TimerWheel<Int>(now: 0)
        _ = wheel.schedule(at: 25 * ms, 1)  // between ticks 20 and 30 ms
        #expect(wheel.advance(to: 20 * ms).isEmpty)
        #expect(wheel.advance(to: 29 * ms).isEmpty)
        #expect(wheel.advance(to: 30 * ms) == [1])
        #expect(wheel.count == 0)
    }

    @Test func expiresInDeadlineOrderWithFIFOTies() {
        var wheel = TimerWheel<String>(now: 0)
        _ = wheel.schedule(at: 50 * ms, "c")
        _ = wheel.schedule(at: 10 * ms, "a")
        _ = wheel.schedule(at: 30 * ms, "b1")
        _ = wheel.schedule(at: 30 * ms, "b2")
        _ = wheel.schedule(at: 31 * ms, "b3")  // same 40 ms tick as nothing else, after b1/b2
        #expect(wheel.advance(to: 100 * ms) == ["a", "b1", "b2", "b3", "c"])
    }

    @Test func pastDeadlinesFireOnTheNextTick() {
        var wheel = TimerWheel<Int>(now: 1_000 * ms)
        _ = wheel.schedule(at: 5 * ms, 7)
        #expect(wheel.advance(to: 1_000 * ms).isEmpty)
        #expect(wheel.advance(to: 1_010 * ms) == [7])
    }

    @Test func cancelledTimersNeverFireAndStaleHandlesAreIgnored() {
        var wheel = TimerWheel<Int>(now: 0)
        let first = wheel.schedule(at: 10 * ms, 1)
        let second = wheel.schedule(at: 10 * ms, 2)
        #expect(wheel.cancel(first) == 1)
        #expect(wheel.cancel(first) == nil, "a second cancel is a no-op")
        #expect(!wheel.isPending(first) && wheel.isPending(second))
        #expect(wheel.advance(to: 10 * ms) == [2])
        #expect(wheel.cancel(second) == nil, "cancel after firing is a no-op")
        // The freed entry is reused; the old handle must not reach the new timer.
        let reused = wheel.schedule(at: 20 * ms, 3)
        #expect(reused.index == first.index || reused.index == second.index)
        #expect(wheel.cancel(first) == nil && wheel.cancel(second) == nil)
        #expect(wheel.advance(to: 20 * ms) == [3])
    }

    @Test func reschedulingMovesATimerAndKeepsItsHandle() {
        var wheel = TimerWheel<Int>(now: 0)
        let idle = wheel.schedule(at: 100 * ms, 42)
        #expect(wheel.advance(to: 90 * ms).isEmpty)
        #expect(wheel.reschedule(idle, at: 190 * ms) == true)  // activity pushed the idle timeout out
        #expect(wheel.advance(to: 180 * ms).isEmpty)
        #expect(wheel.advance(to: 190 * ms) == [42])
        #expect(wheel.reschedule(idle, at: 300 * ms) == false, "a fired timer cannot be moved")
        let rearmed = wheel.schedule(at: 300 * ms, 42)
        #expect(wheel.reschedule(rearmed, at: 250 * ms) == true)  // moved earlier
        #expect(wheel.advance(to: 250 * ms) == [42])
    }

    @Test func farFutureDeadlinesSurviveWheelRevolutions() {
        // 64 slots × 10 ms = 640 ms per revolution; 2 005 ms is 3+ revolutions away.
        var wheel = TimerWheel<Int>(now: 0, slotCount: 64)
        _ = wheel.schedule(at: 2_005 * ms, 1)
        _ = wheel.schedule(at: 15 * ms, 0)
        var fired: [(Int, UInt64)] = []
        var time: UInt64 = 0
        while time <= 3_000 * ms {
            for token in wheel.advance(to: time) { fired.append((token, time)) }
            time += 10 * ms
        }
        #expect(fired.map(\.0) == [0, 1])
        #expect(fired.map(\.1) == [20 * ms, 2_010 * ms])
    }

    @Test func aJumpLongerThanARevolutionExpiresOnlyWhatIsDue() {
        var wheel = TimerWheel<Int>(now: 0, slotCount: 64)
        _ = wheel.schedule(at: 5_000 * ms, 3)
        _ = wheel.schedule(at: 700 * ms, 1)
        _ = wheel.schedule(at: 3 * ms, 0)
        _ = wheel.schedule(at: 1_900 * ms, 2)
        #expect(wheel.advance(to: 2_000 * ms) == [0, 1, 2])
        #expect(wheel.count == 1)
        #expect(wheel.advance(to: 4_990 * ms).isEmpty)
        #expect(wheel.advance(to: 5_000 * ms) == [3])
    }

    @Test func timeGoingBackwardsIsIgnored() {
        var wheel = TimerWheel<Int>(now: 100 * ms)
        _ = wheel.schedule(at: 150 * ms, 1)
        #expect(wheel.advance(to: 50 * ms).isEmpty)
        #expect(wheel.advance(to: 150 * ms) == [1])
    }

    @Test func nextWakeTimeIsALowerBoundOnTheEarliestDeadline() {
        var wheel = TimerWheel<Int>(now: 0, slotCount: 64)
        #expect(wheel.nextWakeTime() == nil)
        _ = wheel.schedule(at: 1_000 * ms, 1)  // beyond one revolution: its bucket comes earlier
        let wake = wheel.nextWakeTime()
        #expect(wake != nil && wake! <= 1_000 * ms)
        _ = wheel.schedule(at: 35 * ms, 2)
        #expect(wheel.nextWakeTime() == 40 * ms)
    }

    /// The wheel's documented semantics: due at the first tick ≥ the deadline, and never on the
    /// tick that was current when it was scheduled.
    private func dueTick(_ deadline: UInt64, scheduledAtTick current: UInt64) -> UInt64 {
        let tick = 10 * ms
        return max((deadline + tick - 1) / tick, current + 1)
    }

    @Test func matchesASortedReferenceUnderSeededRandomOperations() {
        let seed = testSeed()
        var random = SeededGenerator(seed: seed)
        var wheel = TimerWheel<Int>(now: 0, slotCount: 64)
        // token → (deadline, due tick, schedule order)
        var reference: [Int: (deadline: UInt64, due: UInt64, order: Int)] = [:]
        var handles: [Int: TimerHandle] = [:]
        var now: UInt64 = 0
        var order = 0
        for token in 0..<5_000 {
            let currentTick = now / (10 * ms)
            switch Int.random(in: 0..<10, using: &random) {
            case 0..<5:
                let deadline = now + UInt64.random(in: 0...2_000, using: &random) * ms / 3
                handles[token] = wheel.schedule(at: deadline, token)
                order += 1
                reference[token] = (deadline, dueTick(deadline, scheduledAtTick: currentTick), order)
            case 5, 6:
                if let victim = handles.keys.randomElement(using: &random) {
                    #expect(wheel.cancel(handles[victim]!) == victim, "seed \(seed)")
                    handles[victim] = nil
                    reference[victim] = nil
                }
            case 7:
                if let moved = handles.keys.randomElement(using: &random) {
                    let deadline = now + UInt64.random(in: 0...1_500, using: &random) * ms / 2
                    #expect(wheel.reschedule(handles[moved]!, at: deadline) == true, "seed \(seed)")
                    order += 1
                    reference[moved] = (deadline, dueTick(deadline, scheduledAtTick: currentTick), order)
                }
            default:
                now += UInt64.random(in: 0...400, using: &random) * ms / 7
                let fired = wheel.advance(to: now)
                let due = reference.filter { $0.value.due <= now / (10 * ms) }
                    .sorted { ($0.value.deadline, $0.value.order) < ($1.value.deadline, $1.value.order) }.map(\.key)
                #expect(fired == due, "seed \(seed) at \(now)")
                for token in fired {
                    handles[token] = nil
                    reference[token] = nil
                }
            }
            #expect(wheel.count == reference.count, "seed \(seed)")
        }
    }
}
