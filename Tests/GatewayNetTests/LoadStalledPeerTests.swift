// Regression test for a stall the push load tests found: a graceful close towards a peer that
// has stopped reading (a slow consumer the gateway disconnects) must end after the drain
// timeout instead of holding the descriptor and its queued output forever.
import Glibc
import Synchronization
import Testing
@testable import GatewayNet

/// Runs `loop` until `condition` holds, for at most `iterations` × 10 ms.
private func runUntil(_ loop: EventLoop, iterations: Int = 300, _ condition: () -> Bool) -> Bool {
    for _ in 0..<iterations {
        if condition() { return true }
        loop.runOnce(maxWaitMilliseconds: 10)
    }
    return condition()
}

struct LoadStalledPeerTests {
    @Test func gracefulCloseGivesUpOnAPeerThatStoppedReadingAfterTheDrainTimeout() throws {
        let time = Atomic<UInt64>(0)
        var configuration = EventLoopConfiguration()
        configuration.clock = MonotonicClock { time.load(ordering: .relaxed) }
        configuration.drainTimeout = .seconds(3)
        let loop = try EventLoop(configuration: configuration)
        let server = RecordingHandler(onOpen: { connection in
            // Far more than the socket buffers hold: the drain cannot finish while nobody reads.
            connection.write([UInt8](repeating: 0x2A, count: 32 << 20))
            connection.close()
        })
        let listener = try loop.listen(on: SocketAddress(host: "127.0.0.1", port: 0)) { server }
        let client = try BlockingClient(port: listener.localAddress().port)  // never reads
        #expect(runUntil(loop) { server.openedCount == 1 })
        for _ in 0..<5 { loop.runOnce(maxWaitMilliseconds: 5) }
        time.add(2_900_000_000, ordering: .relaxed)
        loop.runOnce(maxWaitMilliseconds: 0)
        #expect(server.closeReasons.isEmpty, "still draining")
        time.add(200_000_000, ordering: .relaxed)
        loop.runOnce(maxWaitMilliseconds: 0)
        #expect(server.closeReasons == [.lingerTimedOut])
        #expect(loop.connectionCount == 0)
        _ = client
        loop.stop()
        loop.run()
    }

    @Test func aDrainThatFinishesInTimeStillLingersForTheFullLingerTimeout() throws {
        let time = Atomic<UInt64>(0)
        var configuration = EventLoopConfiguration()
        configuration.clock = MonotonicClock { time.load(ordering: .relaxed) }
        configuration.drainTimeout = .seconds(3)
        configuration.lingerTimeout = .seconds(5)
        let loop = try EventLoop(configuration: configuration)
        let server = RecordingHandler(onOpen: { connection in
            connection.write(Array("bye".utf8))
            connection.close()
        })
        let listener = try loop.listen(on: SocketAddress(host: "127.0.0.1", port: 0)) { server }
        let client = try BlockingClient(port: listener.localAddress().port)  // reads, never sends FIN
        #expect(runUntil(loop) { server.openedCount == 1 })
        for _ in 0..<5 { loop.runOnce(maxWaitMilliseconds: 5) }
        #expect(client.read(count: 3, timeoutMilliseconds: 2_000) == Array("bye".utf8))
        // The drain deadline (3 s) must not cut the linger (5 s) short.
        time.add(4_000_000_000, ordering: .relaxed)
        loop.runOnce(maxWaitMilliseconds: 0)
        #expect(server.closeReasons.isEmpty, "still lingering for the peer's FIN")
        time.add(1_100_000_000, ordering: .relaxed)
        loop.runOnce(maxWaitMilliseconds: 0)
        #expect(server.closeReasons == [.lingerTimedOut])
        loop.stop()
        loop.run()
    }
}
