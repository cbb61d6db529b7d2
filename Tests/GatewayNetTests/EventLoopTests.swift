// EventLoop behaviour on real loopback sockets, driven with runOnce on the test thread or on a
// one-loop group: stale events in a batch, timers on an injected clock, graceful close,
// backpressure, paused reads, client connects (failures, source addresses).
import Glibc
import Synchronization
import Testing
@testable import GatewayNet

private let ms: UInt64 = 1_000_000

/// Runs `loop` until `condition` holds, for at most `iterations` × 10 ms.
private func spin(_ loop: EventLoop, iterations: Int = 300, until condition: () -> Bool) -> Bool {
    for _ in 0..<iterations {
        if condition() { return true }
        loop.runOnce(maxWaitMilliseconds: 10)
    }
    return condition()
}

@Suite struct EventLoopTests {
    @Test func clientAndServerOnOneLoopExchangeBytes() throws {
        let loop = try EventLoop()
        let server = RecordingHandler(onRead: { connection, bytes in connection.write(copying: bytes) })
        let listener = try loop.listen(on: SocketAddress(host: "127.0.0.1", port: 0)) { server }
        let client = RecordingHandler(onOpen: { connection in connection.write(Array("ping".utf8)) })
        let port = try listener.localAddress().port
        _ = try loop.connect(to: SocketAddress(host: "127.0.0.1", port: port), handler: client)
        #expect(spin(loop) { client.received.count == 4 })
        #expect(client.received == Array("ping".utf8))
        #expect(server.openedCount == 1 && client.openedCount == 1)
        loop.stop()
        loop.run()
        #expect(client.closeReasons == [.shutdown] && server.closeReasons == [.shutdown])
    }

    @Test func closingAConnectionSkipsItsLaterEventsInTheSameBatch() throws {
        let loop = try EventLoop()
        var accepted: [Connection] = []
        var replacement: RecordingHandler?
        var listenerPort: UInt16 = 0
        let server = RecordingHandler(onOpen: { accepted.append($0) }, onRead: { connection, _ in
            // The first readable connection closes the other one, whose event is later in this
            // batch, and opens a new connection that likely reuses its descriptor and slot.
            for other in accepted where other !== connection { other.close(.immediately) }
            let fresh = RecordingHandler()
            replacement = fresh
            _ = try? connection.loop.connect(to: SocketAddress(host: "127.0.0.1", port: listenerPort), handler: fresh)
        })
        let listener = try loop.listen(on: SocketAddress(host: "127.0.0.1", port: 0)) { server }
        listenerPort = try listener.localAddress().port
        let first = try BlockingClient(port: listenerPort)
        let second = try BlockingClient(port: listenerPort)
        #expect(spin(loop) { accepted.count == 2 })
        first.send([1])
        second.send([2])
        usleep(50_000)  // both bytes are in the kernel before the single epoll_wait below
        loop.runOnce(maxWaitMilliseconds: 1_000)
        #expect(server.received.count == 1, "the closed connection's event was skipped")
        #expect(server.closeReasons == [.local])
        #expect(replacement?.received.isEmpty == true)
        loop.stop()
        loop.run()
    }

    @Test func connectionTimersFollowTheInjectedClockAndDieWithTheConnection() throws {
        let time = Atomic<UInt64>(5_000 * ms)
        var configuration = EventLoopConfiguration()
        configuration.clock = MonotonicClock { time.load(ordering: .relaxed) }
        let loop = try EventLoop(configuration: configuration)
        var connection: Connection?
        let server = RecordingHandler(onOpen: { connection = $0 })
        let listener = try loop.listen(on: SocketAddress(host: "127.0.0.1", port: 0)) { server }
        let client = try BlockingClient(port: listener.localAddress().port)
        #expect(spin(loop) { connection != nil })
        guard let open = connection else { return }
        var jobRan = false
        _ = open.scheduleTimer(after: .milliseconds(50), token: 1)
        let cancelled = open.scheduleTimer(after: .milliseconds(100), token: 2)
        let idle = open.scheduleTimer(after: .milliseconds(120), token: 3)
        _ = open.scheduleTimer(after: .milliseconds(400), token: 4)
        loop.schedule(after: .milliseconds(60)) { jobRan = true }
        open.cancelTimer(cancelled)
        #expect(open.rescheduleTimer(idle, after: .milliseconds(200)))
        time.add(60 * ms, ordering: .relaxed)
        loop.runOnce(maxWaitMilliseconds: 0)
        #expect(server.timerTokens == [1] && jobRan)
        time.add(140 * ms, ordering: .relaxed)  // t = +200 ms
        loop.runOnce(maxWaitMilliseconds: 0)
        #expect(server.timerTokens == [1, 3])
        open.close(.immediately)
        time.add(1_000 * ms, ordering: .relaxed)
        loop.runOnce(maxWaitMilliseconds: 0)
        #expect(server.timerTokens == [1, 3], "timers of a closed connection never fire")
        client.close()
        loop.stop()
        loop.run()
    }

    @Test func gracefulCloseDeliversEverythingQueuedThenEndOfStream() throws {
        let group = try EventLoopGroup(loopCount: 1)
        defer { group.stop() }
        let payload = (0..<3_000_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        let shared = SharedBytes(payload)
        let handler = RecordingHandler(onOpen: { connection in
            connection.write(shared)
            connection.write(Array("done".utf8))
            connection.close()
        })
        let port = onLoop(group.loops[0]) { loop in
            (try? loop.listen(on: SocketAddress(host: "127.0.0.1", port: 0)) { handler })?.descriptor
        }.flatMap { $0 }.flatMap { try? Socket.localAddress($0).port }
        let client = try BlockingClient(port: try #require(port))
        let result = client.readUntilClosed(timeoutMilliseconds: 10_000)
        #expect(result == .closed(received: payload + Array("done".utf8)))
        client.close()  // our FIN ends the server's linger
        #expect(waitUntil { handler.closeReasons == [.local] })
    }

    @Test func backpressureTurnsUnwritableAboveHighAndNotifiesBelowLow() throws {
        var configuration = EventLoopConfiguration()
        configuration.watermarks = WriteWatermarks(low: 64 * 1024, high: 1024 * 1024)
        let group = try EventLoopGroup(loopCount: 1, configuration: configuration)
        defer { group.stop() }
        let chunk = SharedBytes([UInt8](repeating: 0x5A, count: 1024 * 1024))
        let wasWritable = Mutex<[Bool]>([])
        let handler = RecordingHandler(onOpen: { connection in
            for _ in 0..<16 { connection.write(chunk) }  // 16 MiB: far more than socket buffers
            connection.flush()
            wasWritable.withLock { $0.append(connection.isWritable) }
        })
        let port = onLoop(group.loops[0]) { loop in
            (try? loop.listen(on: SocketAddress(host: "127.0.0.1", port: 0)) { handler })?.descriptor
        }.flatMap { $0 }.flatMap { try? Socket.localAddress($0).port }
        let client = try BlockingClient(port: try #require(port))
        #expect(waitUntil { wasWritable.withLock { $0 } == [false] })
        #expect(handler.writableCount == 0)
        let received = client.read(count: 16 * 1024 * 1024, timeoutMilliseconds: 10_000)
        #expect(received.count == 16 * 1024 * 1024)
        #expect(waitUntil { handler.writableCount == 1 })
    }

    @Test func pausedReadingDeliversNothingUntilResumed() throws {
        let loop = try EventLoop()
        var connection: Connection?
        let server = RecordingHandler(onOpen: { $0.pauseReading(); connection = $0 })
        let listener = try loop.listen(on: SocketAddress(host: "127.0.0.1", port: 0)) { server }
        let client = try BlockingClient(port: listener.localAddress().port)
        #expect(spin(loop) { connection != nil })
        client.send([1, 2, 3])
        for _ in 0..<10 { loop.runOnce(maxWaitMilliseconds: 5) }
        #expect(server.received.isEmpty)
        connection?.resumeReading()
        #expect(spin(loop) { server.received == [1, 2, 3] })
        loop.stop()
        loop.run()
    }

    @Test func connectingToAClosedPortReportsConnectFailed() throws {
        let loop = try EventLoop()
        // Bind a port and close it again: nothing listens there now.
        let probe = try Socket.makeListener(address: SocketAddress(host: "127.0.0.1", port: 0), backlog: 1, reusePort: false)
        let port = try Socket.localAddress(probe).port
        Glibc.close(probe)
        let client = RecordingHandler()
        _ = try loop.connect(to: SocketAddress(host: "127.0.0.1", port: port), handler: client)
        #expect(spin(loop) { !client.closeReasons.isEmpty })
        #expect(client.closeReasons == [.connectFailed(.connectionRefused)])
        #expect(client.openedCount == 0)
        loop.stop()
        loop.run()
    }

    @Test func clientConnectionsCanUseAnotherLoopbackSourceAddress() throws {
        let loop = try EventLoop()
        var peer: SocketAddress?
        let server = RecordingHandler(onOpen: { peer = $0.peerAddress() })
        let listener = try loop.listen(on: SocketAddress(host: "127.0.0.1", port: 0)) { server }
        let client = RecordingHandler()
        let connection = try loop.connect(to: SocketAddress(host: "127.0.0.1", port: listener.localAddress().port),
                                          from: SocketAddress(host: "127.0.0.2", port: 0), handler: client)
        #expect(spin(loop) { peer != nil && client.openedCount == 1 })
        #expect(peer?.description.hasPrefix("127.0.0.2:") == true)
        #expect(connection.localAddress() == peer)
        loop.stop()
        loop.run()
    }

    @Test func writesAfterCloseAreIgnoredAndCloseIsReportedOnce() throws {
        let loop = try EventLoop()
        var connection: Connection?
        let server = RecordingHandler(onOpen: { connection = $0 })
        let listener = try loop.listen(on: SocketAddress(host: "127.0.0.1", port: 0)) { server }
        let client = try BlockingClient(port: listener.localAddress().port)
        #expect(spin(loop) { connection != nil })
        connection?.close(.immediately)
        connection?.write([1, 2, 3])
        connection?.close()
        #expect(connection?.queuedBytes == 0 && connection?.isOpen == false)
        loop.runOnce(maxWaitMilliseconds: 0)
        #expect(server.closeReasons == [.local])
        #expect(client.readUntilClosed(timeoutMilliseconds: 2_000) == .closed(received: []))
        #expect(loop.connectionCount == 0)
        loop.stop()
        loop.run()
    }

    @Test func gracefulCloseGivesUpOnASilentPeerAfterTheLingerTimeout() throws {
        let time = Atomic<UInt64>(0)
        var configuration = EventLoopConfiguration()
        configuration.clock = MonotonicClock { time.load(ordering: .relaxed) }
        configuration.lingerTimeout = .seconds(2)
        let loop = try EventLoop(configuration: configuration)
        let server = RecordingHandler(onOpen: { connection in
            connection.write(Array("bye".utf8))
            connection.close()
        })
        let listener = try loop.listen(on: SocketAddress(host: "127.0.0.1", port: 0)) { server }
        let client = try BlockingClient(port: listener.localAddress().port)  // never sends FIN
        #expect(spin(loop) { server.openedCount == 1 })
        for _ in 0..<5 { loop.runOnce(maxWaitMilliseconds: 5) }
        #expect(client.read(count: 3, timeoutMilliseconds: 2_000) == Array("bye".utf8))
        #expect(server.closeReasons.isEmpty, "still lingering for the peer's FIN")
        time.add(1_900_000_000, ordering: .relaxed)
        loop.runOnce(maxWaitMilliseconds: 0)
        #expect(server.closeReasons.isEmpty)
        time.add(200_000_000, ordering: .relaxed)
        loop.runOnce(maxWaitMilliseconds: 0)
        #expect(server.closeReasons == [.lingerTimedOut])
        loop.stop()
        loop.run()
    }

    @Test func aResetFromThePeerClosesTheConnection() throws {
        let loop = try EventLoop()
        let server = RecordingHandler()
        let listener = try loop.listen(on: SocketAddress(host: "127.0.0.1", port: 0)) { server }
        let client = try BlockingClient(port: listener.localAddress().port)
        #expect(spin(loop) { server.openedCount == 1 })
        client.abort()
        #expect(spin(loop) { !server.closeReasons.isEmpty })
        let reason = server.closeReasons.first
        #expect(reason == .readFailed(.connectionReset) || reason == .peerClosed)
        loop.stop()
        loop.run()
    }
}
