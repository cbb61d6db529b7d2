// The loop mailbox: cross-thread jobs arrive complete and in order per sender; a stopped
// loop refuses jobs.
import Dispatch
import Glibc
import Synchronization
import Testing
@testable import GatewayNet

/// Loop-thread-only tally of what arrived (kept in `loop.context`).
private final class Tally {
    var next: [Int]
    var outOfOrder = 0
    var total = 0
    init(senders: Int) { next = Array(repeating: 0, count: senders) }
    func record(sender: Int, sequence: Int) {
        if next[sender] != sequence { outOfOrder += 1 }
        next[sender] = sequence + 1
        total += 1
    }
}

@Suite struct MailboxTests {
    @Test func deliversEveryCrossThreadMessageInOrderPerSender() throws {
        let group = try EventLoopGroup(loopCount: 1)
        defer { group.stop() }
        let senders = 2
        let perSender = 100_000
        let handle = group.loops[0]
        _ = onLoop(handle) { loop in loop.context = Tally(senders: senders) }
        let sent = DispatchGroup()
        for sender in 0..<senders {
            DispatchQueue.global().async(group: sent) {
                for sequence in 0..<perSender {
                    handle.execute { loop in (loop.context as? Tally)?.record(sender: sender, sequence: sequence) }
                }
            }
        }
        #expect(sent.wait(timeout: .now() + .seconds(30)) == .success)
        let arrived = waitUntil(timeoutMilliseconds: 30_000) {
            onLoop(handle) { ($0.context as? Tally)?.total } == senders * perSender
        }
        #expect(arrived)
        let outOfOrder = onLoop(handle) { ($0.context as? Tally)?.outOfOrder }
        #expect(outOfOrder == 0)
    }

    @Test func jobsFromTheLoopItselfRunAfterTheCurrentJob() throws {
        let group = try EventLoopGroup(loopCount: 1)
        defer { group.stop() }
        let seen = Mutex<[Int]>([])
        _ = onLoop(group.loops[0]) { loop in
            loop.handle.execute { _ in seen.withLock { $0.append(3) } }  // mailbox: a later turn
            loop.enqueue { seen.withLock { $0.append(2) } }  // local: end of this iteration
            seen.withLock { $0.append(1) }
        }
        #expect(waitUntil { seen.withLock { $0 } == [1, 2, 3] })
    }

    @Test func aStoppedLoopRefusesNewJobs() throws {
        let group = try EventLoopGroup(loopCount: 1)
        let handle = group.loops[0]
        group.stop()
        #expect(handle.execute { _ in } == false)
    }

    @Test func wakeUpsCoalesceUntilTheLoopTakesTheQueue() throws {
        let mailbox = try Mailbox()
        func pendingWakes() -> UInt64 {
            var counter: UInt64 = 0
            return Glibc.read(mailbox.eventDescriptor, &counter, 8) == 8 ? counter : 0
        }
        for _ in 0..<3 { mailbox.post { _ in } }
        #expect(pendingWakes() == 1, "three posts, one eventfd write")
        var jobs: [LoopJob] = []
        mailbox.take(into: &jobs)
        #expect(jobs.count == 3)
        #expect(pendingWakes() == 0)
        mailbox.post { _ in }
        #expect(pendingWakes() == 1, "a post after the take wakes the loop again")
        #expect(mailbox.close().count == 1)
        #expect(mailbox.post { _ in } == false)
    }
}
