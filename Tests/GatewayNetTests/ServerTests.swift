// Server over an EventLoopGroup, end to end on loopback: SO_REUSEPORT listeners on one
// ephemeral port, 200 concurrent echo clients with seeded random messages, graceful shutdown.
import Dispatch
import Glibc
import Synchronization
import Testing
@testable import GatewayNet

/// Echoes every byte back; counts connections per loop.
private final class EchoHandler: ConnectionHandler, Sendable {
    let loopIndex: Int
    let counter: EchoCounter
    init(loopIndex: Int, counter: EchoCounter) {
        self.loopIndex = loopIndex
        self.counter = counter
    }
    func connectionOpened(_ connection: Connection) { counter.opened(on: loopIndex) }
    func connectionRead(_ connection: Connection, _ bytes: UnsafeRawBufferPointer) { connection.write(copying: bytes) }
    func connectionClosed(_ connection: Connection, _ reason: CloseReason) {}
}

private final class EchoCounter: Sendable {
    let perLoop = Mutex<[Int: Int]>([:])
    func opened(on loop: Int) { perLoop.withLock { $0[loop, default: 0] += 1 } }
}

/// Collects client outcomes; signals when all have reported.
private final class Outcomes: Sendable {
    let expected: Int
    let state = Mutex<(succeeded: Int, failures: [String])>((0, []))
    let done = DispatchSemaphore(value: 0)
    init(expected: Int) { self.expected = expected }
    func report(_ failure: String?) {
        let finished = state.withLock { state -> Bool in
            if let failure { state.failures.append(failure) } else { state.succeeded += 1 }
            return state.succeeded + state.failures.count == expected
        }
        if finished { done.signal() }
    }
}

/// Sends its messages one at a time, each after the previous one came back intact.
private final class EchoClient: ConnectionHandler {
    let id: Int
    let messages: [[UInt8]]
    let outcomes: Outcomes
    var current = 0
    var matched = 0
    var reported = false

    init(id: Int, messages: [[UInt8]], outcomes: Outcomes) {
        self.id = id
        self.messages = messages
        self.outcomes = outcomes
    }

    func connectionOpened(_ connection: Connection) { connection.write(messages[0]) }

    func connectionRead(_ connection: Connection, _ bytes: UnsafeRawBufferPointer) {
        let message = messages[current]
        let same = bytes.count <= message.count - matched && message.withUnsafeBytes {
            memcmp($0.baseAddress! + matched, bytes.baseAddress!, bytes.count) == 0
        }
        guard same else {
            finish("client \(id): message \(current) differs after \(matched) bytes")
            connection.close(.immediately)
            return
        }
        matched += bytes.count
        guard matched == message.count else { return }
        current += 1
        matched = 0
        if current == messages.count {
            finish(nil)
            connection.close()
        } else {
            connection.write(messages[current])
        }
    }

    func connectionClosed(_ connection: Connection, _ reason: CloseReason) {
        finish("client \(id): closed (\(reason)) after \(current) of \(messages.count) messages")
    }

    private func finish(_ failure: String?) {
        guard !reported else { return }
        reported = true
        outcomes.report(failure)
    }
}

@Suite struct ServerTests {
    @Test func echoServerOnTwoLoopsServesTwoHundredConcurrentClients() throws {
        let seed = testSeed()
        let counter = EchoCounter()
        let serverGroup = try EventLoopGroup(loopCount: 2)
        let server = try Server.start(on: serverGroup, configuration: ListenerConfiguration(host: "127.0.0.1")) { loop in
            let echo = EchoHandler(loopIndex: loop.handle.index, counter: counter)
            return { echo }
        }
        #expect(server.port != 0)
        let clientGroup = try EventLoopGroup(loopCount: 1)
        let outcomes = Outcomes(expected: 200)
        let address = try SocketAddress(host: "127.0.0.1", port: server.port)
        clientGroup.loops[0].execute { loop in
            var random = SeededGenerator(seed: seed)
            for id in 0..<200 {
                let messages = (0..<4).map { _ in
                    (0..<Int.random(in: 1...30_000, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
                }
                do {
                    _ = try loop.connect(to: address, handler: EchoClient(id: id, messages: messages, outcomes: outcomes))
                } catch {
                    outcomes.report("client \(id): connect threw \(error)")
                }
            }
        }
        let finished = outcomes.done.wait(timeout: .now() + .seconds(60)) == .success
        #expect(finished, "seed \(seed)")
        let (succeeded, failures) = outcomes.state.withLock { $0 }
        #expect(succeeded == 200, "seed \(seed): \(failures.prefix(5))")
        let perLoop = counter.perLoop.withLock { $0 }
        #expect(perLoop.values.reduce(0, +) == 200)
        #expect(perLoop.count == 2, "SO_REUSEPORT spread connections over both loops: \(perLoop)")
        clientGroup.stop()
        serverGroup.shutdown(gracePeriod: .seconds(2))
    }

    @Test func shutdownAsksHandlersToCloseAndJoinsTheLoops() throws {
        let group = try EventLoopGroup(loopCount: 2)
        let handler = RecordingHandler()
        let server = try Server.start(on: group, configuration: ListenerConfiguration(host: "127.0.0.1")) { _ in { handler } }
        let clients = try (0..<6).map { _ in try BlockingClient(port: server.port) }
        #expect(waitUntil { handler.openedCount == 6 })
        let started = MonotonicClock.system.now()
        let closer = DispatchQueue(label: "closer")
        // Clients answer the server's FIN with their own, as polite peers do.
        for client in clients { closer.async { _ = client.readUntilClosed(timeoutMilliseconds: 5_000); client.close() } }
        group.shutdown(gracePeriod: .seconds(5))
        #expect(MonotonicClock.system.now() - started < 4_000_000_000)
        #expect(handler.state.withLock { $0.shutdownRequests } == 6)
        #expect(handler.closeReasons == Array(repeating: .local, count: 6))
        #expect(throws: Errno.connectionRefused) { try BlockingClient(port: server.port) }
        closer.sync {}
    }

    @Test func shutdownForceClosesConnectionsThatOutliveTheGracePeriod() throws {
        let group = try EventLoopGroup(loopCount: 1)
        final class Stubborn: ConnectionHandler, @unchecked Sendable {
            // @unchecked Sendable: `reasons` is a Mutex; nothing else is stored.
            let reasons = Mutex<[CloseReason]>([])
            func connectionOpened(_ connection: Connection) {}
            func connectionRead(_ connection: Connection, _ bytes: UnsafeRawBufferPointer) {}
            func shutdownRequested(_ connection: Connection) {}  // ignores the request
            func connectionClosed(_ connection: Connection, _ reason: CloseReason) { reasons.withLock { $0.append(reason) } }
        }
        let handler = Stubborn()
        let server = try Server.start(on: group, configuration: ListenerConfiguration(host: "127.0.0.1")) { _ in { handler } }
        let client = try BlockingClient(port: server.port)
        #expect(waitUntil { onLoop(group.loops[0]) { $0.connectionCount } == 1 })
        group.shutdown(gracePeriod: .milliseconds(200))
        #expect(handler.reasons.withLock { $0 } == [.shutdown])
        #expect(client.readUntilClosed(timeoutMilliseconds: 2_000) == .closed(received: []))
    }

    @Test func stopAcceptingClosesListenersButKeepsConnections() throws {
        let group = try EventLoopGroup(loopCount: 2)
        defer { group.stop() }
        let handler = RecordingHandler(onRead: { connection, bytes in connection.write(copying: bytes) })
        let server = try Server.start(on: group, configuration: ListenerConfiguration(host: "127.0.0.1")) { _ in { handler } }
        let client = try BlockingClient(port: server.port)
        #expect(waitUntil { handler.openedCount == 1 })
        server.stopAccepting()
        #expect(waitUntil { (try? BlockingClient(port: server.port)) == nil })
        client.send([9, 8, 7])
        #expect(client.read(count: 3, timeoutMilliseconds: 5_000) == [9, 8, 7])
    }
}
