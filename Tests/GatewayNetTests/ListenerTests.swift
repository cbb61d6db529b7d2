// The acceptor: fairness budget, per-connection errors, EMFILE shedding with the reserve
// descriptor, throttled logging, and (in a real loop with an injected clock) no polling while
// paused and accepting again after the back-off.
import Glibc
import Synchronization
import Testing
@testable import GatewayNet

private let ms: UInt64 = 1_000_000

private final class LogLines: Sendable {
    let lines = Mutex<[String]>([])
    var logger: NetLogger { { line in self.lines.withLock { $0.append(line) } } }
    var all: [String] { lines.withLock { $0 } }
}

private func makeListener(_ fake: FakeSystemCalls, log: LogLines = LogLines(), budget: Int = 64,
                          reserve: Bool = true) -> Listener {
    Listener(descriptor: 3, policy: AcceptPolicy(budget: budget, keepsReserveDescriptor: reserve),
             syscalls: fake.syscalls, logger: log.logger)
}

@Suite struct ListenerTests {
    @Test func acceptsAtMostTheBudgetPerReadinessEvent() {
        let fake = FakeSystemCalls()
        fake.script(accepts: [], then: .connection)
        let listener = makeListener(fake, budget: 8)
        var accepted: [Int32] = []
        let outcome = listener.acceptBatch(now: 0) { accepted.append($0) }
        #expect(outcome == .budgetExhausted(accepted: 8))
        #expect(accepted.count == 8 && fake.acceptCalls == 8)
    }

    @Test func drainsTheBacklogUntilEAGAIN() {
        let fake = FakeSystemCalls()
        fake.script(accepts: [.connection, .connection, .connection])
        let listener = makeListener(fake)
        var accepted = 0
        #expect(listener.acceptBatch(now: 0) { _ in accepted += 1 } == .drained(accepted: 3))
        #expect(accepted == 3)
    }

    @Test(arguments: [Errno.connectionAborted, Errno(EPROTO), Errno(EPERM), Errno.interrupted])
    func perConnectionErrorsSkipOnlyThatConnection(error: Errno) {
        let fake = FakeSystemCalls()
        fake.script(accepts: [.connection, .fail(error), .connection])
        let listener = makeListener(fake)
        var accepted = 0
        #expect(listener.acceptBatch(now: 0) { _ in accepted += 1 } == .drained(accepted: 2))
        #expect(!listener.isPaused)
    }

    @Test func descriptorExhaustionShedsQueuedClientsAndPauses() {
        let fake = FakeSystemCalls()
        let log = LogLines()
        let listener = makeListener(fake, log: log)
        #expect(listener.holdsReserveDescriptor)
        let reserve = fake.state.withLock { $0.nextDescriptor }
        // One accepted, then EMFILE; after the reserve is freed two queued clients are taken.
        fake.script(accepts: [.connection, .fail(.tooManyOpenFiles), .connection, .connection])
        var accepted: [Int32] = []
        let outcome = listener.acceptBatch(now: 5_000 * ms) { accepted.append($0) }
        #expect(outcome == .paused(accepted: 1, shed: 2, resumeAt: 5_100 * ms))
        #expect(accepted.count == 1)
        #expect(listener.isPaused && listener.shedCount == 2)
        let closed = fake.closed
        #expect(closed.count == 3 && closed.first == reserve, "reserve closed, then both shed clients")
        #expect(!closed.contains(accepted[0]))
        #expect(listener.holdsReserveDescriptor && fake.reserveOpens == 2, "reserve reopened")
        #expect(log.all.count == 1)
    }

    @Test func withoutAReserveExhaustionOnlyPauses() {
        let fake = FakeSystemCalls()
        fake.script(accepts: [.fail(.tooManyOpenFilesInSystem)], then: .connection)
        let listener = makeListener(fake, reserve: false)
        #expect(listener.acceptBatch(now: 0) { _ in } == .paused(accepted: 0, shed: 0, resumeAt: 100 * ms))
        #expect(fake.acceptCalls == 1 && fake.closed.isEmpty)
    }

    @Test func persistentExhaustionCostsTwoAcceptCallsPerWake() {
        let fake = FakeSystemCalls()
        fake.script(accepts: [], then: .fail(.tooManyOpenFiles))
        let listener = makeListener(fake)
        for wake in 0..<10 {
            let now = UInt64(wake) * 100 * ms
            #expect(listener.acceptBatch(now: now) { _ in } == .paused(accepted: 0, shed: 0, resumeAt: now + 100 * ms))
            listener.resume()
        }
        #expect(fake.acceptCalls == 20, "one failing accept plus one shedding attempt per wake")
    }

    @Test func exhaustionIsLoggedAtMostOncePerInterval() {
        let fake = FakeSystemCalls()
        fake.script(accepts: [], then: .fail(.tooManyOpenFiles))
        let log = LogLines()
        let listener = makeListener(fake, log: log)
        var now: UInt64 = 0
        while now <= 10_000 * ms {  // 101 pauses over 10 s with the default 10 s interval
            _ = listener.acceptBatch(now: now) { _ in }
            listener.resume()
            now += 100 * ms
        }
        let lines = log.all
        #expect(lines.count == 2)
        #expect(lines.last?.contains("99 similar event(s) not logged") == true)
    }

    @Test func aLostReserveIsReacquiredOnResume() {
        let fake = FakeSystemCalls()
        let listener = makeListener(fake)
        fake.state.withLock { $0.reserveFails = true }
        fake.script(accepts: [.fail(.tooManyOpenFiles)])
        _ = listener.acceptBatch(now: 0) { _ in }
        #expect(!listener.holdsReserveDescriptor)
        fake.state.withLock { $0.reserveFails = false }
        listener.resume()
        #expect(listener.holdsReserveDescriptor && !listener.isPaused)
    }

    /// Real loop and sockets, injected clock, accept4 failing with EMFILE on demand.
    @Test func loopStopsPollingAnExhaustedListenerUntilTheBackoffEnds() throws {
        let time = Atomic<UInt64>(1_000 * ms)
        let failuresLeft = Atomic<Int>(1)
        let acceptCalls = Atomic<Int>(0)
        var configuration = EventLoopConfiguration()
        configuration.clock = MonotonicClock { time.load(ordering: .relaxed) }
        configuration.logger = { _ in }
        configuration.syscalls.accept = { fd throws(Errno) in
            acceptCalls.add(1, ordering: .relaxed)
            if failuresLeft.load(ordering: .relaxed) > 0 {
                failuresLeft.subtract(1, ordering: .relaxed)
                throw Errno.tooManyOpenFiles
            }
            return try SystemCalls.live.accept(fd)
        }
        let loop = try EventLoop(configuration: configuration)
        let handler = RecordingHandler()
        let listener = try loop.listen(on: SocketAddress(host: "127.0.0.1", port: 0)) { handler }
        let port = try listener.localAddress().port

        // The first client is queued while descriptors are "exhausted": it gets a prompt EOF.
        let shedClient = try BlockingClient(port: port)
        loop.runOnce(maxWaitMilliseconds: 1_000)
        #expect(listener.isPaused && listener.shedCount == 1)
        #expect(shedClient.readUntilClosed(timeoutMilliseconds: 2_000) == .closed(received: []))
        let callsWhenPaused = acceptCalls.load(ordering: .relaxed)
        #expect(callsWhenPaused == 3, "EMFILE, the shed accept, then EAGAIN")

        // A second client arrives while paused: the loop must not poll the listener at all.
        let waitingClient = try BlockingClient(port: port)
        for _ in 0..<20 { loop.runOnce(maxWaitMilliseconds: 5) }
        #expect(acceptCalls.load(ordering: .relaxed) == callsWhenPaused)
        #expect(handler.openedCount == 0)

        // After the 100 ms back-off (manual clock) the listener is polled and accepts again.
        time.add(100 * ms, ordering: .relaxed)
        for _ in 0..<50 where handler.openedCount == 0 { loop.runOnce(maxWaitMilliseconds: 20) }
        #expect(!listener.isPaused)
        #expect(handler.openedCount == 1)
        waitingClient.close()
        loop.stop()
        loop.run()
    }
}
