// WebSocketConnectionStateMachine with a manual nanosecond clock: delivery, heartbeat, idle
// and pong timeouts, both close handshakes and protocol failures. No test sleeps.
import Testing
@testable import GatewayProtocols

struct WebSocketConnectionStateMachineTests {
    static let second: UInt64 = 1_000_000_000

    static let configuration = WebSocketConnectionStateMachine.Configuration(
        pingInterval: .seconds(10), pongTimeout: .seconds(5), idleTimeout: .seconds(60),
        closeTimeout: .seconds(3), maxMessageBytes: 4096)

    static func ping(_ number: UInt64) -> [UInt8] {
        withUnsafeBytes(of: number.bigEndian) { Array($0) }
    }

    @Test func deliversMessagesAndAnswersPings() {
        var machine = WebSocketConnectionStateMachine(configuration: Self.configuration, now: 0)
        #expect(machine.received(.text([0x7B, 0x7D]), now: 1) == .deliver(.text([0x7B, 0x7D])))
        #expect(machine.received(.binary([1]), now: 2) == .deliver(.binary([1])))
        #expect(machine.received(.ping([9, 9]), now: 3) == .sendPong([9, 9]))
        #expect(machine.received(.pong([]), now: 4) == WebSocketConnectionStateMachine.Action.none)
        #expect(machine.isOpen)
    }

    @Test func sendsPingAfterTheIntervalAndAgainAfterThePong() {
        let s = Self.second
        var machine = WebSocketConnectionStateMachine(configuration: Self.configuration, now: 0)
        #expect(machine.nextDeadline() == 10 * s)
        #expect(machine.tick(now: 10 * s - 1) == .none)
        #expect(machine.tick(now: 10 * s) == .sendPing(Self.ping(1)))
        #expect(machine.nextDeadline() == 15 * s, "pong deadline")
        #expect(machine.tick(now: 11 * s) == .none, "no second ping while one is outstanding")
        #expect(machine.received(.pong(Self.ping(1)), now: 12 * s) == .none)
        #expect(machine.nextDeadline() == 22 * s)
        #expect(machine.tick(now: 21 * s) == .none)
        #expect(machine.tick(now: 22 * s) == .sendPing(Self.ping(2)))
    }

    @Test func trafficFromThePeerPostponesThePing() {
        let s = Self.second
        var machine = WebSocketConnectionStateMachine(configuration: Self.configuration, now: 0)
        _ = machine.received(.text([]), now: 8 * s)
        #expect(machine.tick(now: 10 * s) == .none)
        #expect(machine.tick(now: 18 * s) == .sendPing(Self.ping(1)))
    }

    @Test func closesWhenThePongDoesNotArriveInTime() {
        let s = Self.second
        var machine = WebSocketConnectionStateMachine(configuration: Self.configuration, now: 0)
        #expect(machine.tick(now: 10 * s) == .sendPing(Self.ping(1)))
        // Data does not count as an answer to the ping.
        #expect(machine.received(.text([]), now: 12 * s) == .deliver(.text([])))
        #expect(machine.tick(now: 15 * s - 1) == .none)
        #expect(machine.tick(now: 15 * s) == .closeConnection(code: .goingAway, reason: "pong timeout"))
        #expect(machine.isClosed)
        #expect(machine.tick(now: 100 * s) == .none)
        #expect(machine.nextDeadline() == nil)
    }

    @Test func anyPongCountsAsTheHeartbeatAnswer() {
        let s = Self.second
        var machine = WebSocketConnectionStateMachine(configuration: Self.configuration, now: 0)
        _ = machine.tick(now: 10 * s)
        _ = machine.received(.pong([0xAB]), now: 11 * s)  // unsolicited-looking payload
        #expect(machine.tick(now: 16 * s) == .none)
    }

    @Test func closesAnIdleConnectionWhenPingsAreDisabled() {
        let s = Self.second
        var configuration = Self.configuration
        configuration.pingInterval = nil
        configuration.idleTimeout = .seconds(30)
        var machine = WebSocketConnectionStateMachine(configuration: configuration, now: 0)
        _ = machine.received(.text([]), now: 10 * s)
        #expect(machine.nextDeadline() == 40 * s)
        #expect(machine.tick(now: 40 * s - 1) == .none)
        #expect(machine.tick(now: 40 * s) == .closeConnection(code: .goingAway, reason: "idle timeout"))
    }

    @Test func noTimersWhenEverythingIsDisabled() {
        var configuration = Self.configuration
        configuration.pingInterval = nil
        configuration.idleTimeout = nil
        var machine = WebSocketConnectionStateMachine(configuration: configuration, now: 0)
        #expect(machine.nextDeadline() == nil)
        #expect(machine.tick(now: .max) == .none)
    }

    @Test func echoesThePeersCloseAndClosesTheTransport() {
        var machine = WebSocketConnectionStateMachine(configuration: Self.configuration, now: 0)
        #expect(machine.received(.close(code: WebSocketCloseCode(4000), reason: "done"), now: 1)
            == .closeConnection(code: WebSocketCloseCode(4000), reason: ""))
        #expect(machine.isClosed)
        #expect(machine.received(.text([]), now: 2) == .none)

        var silent = WebSocketConnectionStateMachine(configuration: Self.configuration, now: 0)
        #expect(silent.received(.close(code: nil, reason: ""), now: 1) == .closeConnection(code: nil, reason: ""))
    }

    @Test func serverInitiatedCloseWaitsForThePeersClose() {
        let s = Self.second
        var machine = WebSocketConnectionStateMachine(configuration: Self.configuration, now: 0)
        #expect(machine.close(code: .goingAway, reason: "shutting down", now: 100 * s)
            == .sendClose(code: .goingAway, reason: "shutting down"))
        #expect(!machine.isOpen && !machine.isClosed)
        #expect(machine.nextDeadline() == 103 * s)
        #expect(machine.received(.text([1]), now: 101 * s) == .none, "data after our close is discarded")
        #expect(machine.received(.ping([]), now: 101 * s) == .none, "no pong after our close")
        #expect(machine.close(code: .normalClosure, reason: "", now: 101 * s) == .none, "only one close frame")
        #expect(machine.received(.close(code: .goingAway, reason: ""), now: 102 * s) == .closeTransport)
        #expect(machine.isClosed)
    }

    @Test func closeTimeoutClosesTheTransport() {
        let s = Self.second
        var machine = WebSocketConnectionStateMachine(configuration: Self.configuration, now: 0)
        _ = machine.close(code: .tryAgainLater, reason: "slow consumer", now: 100 * s)
        #expect(machine.tick(now: 103 * s - 1) == .none)
        #expect(machine.tick(now: 103 * s) == .closeTransport)
        #expect(machine.isClosed)
    }

    @Test(arguments: [
        (WebSocketProtocolError.invalidUTF8InText(byteOffset: 3), 1007 as UInt16),
        (.messageTooLarge(length: 5000, limit: 4096), 1009),
        (.unmaskedClientFrame, 1002),
    ])
    func protocolErrorFailsTheConnectionWithItsCode(error: WebSocketProtocolError, code: UInt16) {
        var machine = WebSocketConnectionStateMachine(configuration: Self.configuration, now: 0)
        #expect(machine.receivedProtocolError(error) == .closeConnection(code: WebSocketCloseCode(code), reason: error.closeReason))
        #expect(machine.isClosed)
    }

    @Test func protocolErrorWhileClosingOnlyClosesTheTransport() {
        var machine = WebSocketConnectionStateMachine(configuration: Self.configuration, now: 0)
        _ = machine.close(code: .goingAway, reason: "", now: 0)
        #expect(machine.receivedProtocolError(.unknownOpcode(3)) == .closeTransport)
    }

    @Test func transportLossClosesFromAnyState() {
        var machine = WebSocketConnectionStateMachine(configuration: Self.configuration, now: 0)
        machine.transportClosed()
        #expect(machine.isClosed)
        #expect(machine.tick(now: 1_000 * Self.second) == .none)
        #expect(machine.close(code: .goingAway, reason: "", now: 0) == .none)
    }

    @Test func decoderUsesTheConfiguredLimit() {
        let machine = WebSocketConnectionStateMachine(configuration: Self.configuration, now: 0)
        let decoder = machine.makeDecoder()
        #expect(decoder.maxMessageBytes == 4096)
        #expect(decoder.role == .server)
    }
}
