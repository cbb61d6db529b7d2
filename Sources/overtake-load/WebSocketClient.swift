// One simulated game client over WebSocket: upgrade (checking Sec-WebSocket-Accept), send its
// commands as masked text frames, then count every message, answer pings, and record the
// server's close code. A slow client stops reading right after sending its commands.
// Owned by its loop.
import GatewayNet
import GatewayProtocols

final class WebSocketClient: LoadClient {
    private enum State { case connecting, upgrading, open, closed }

    unowned(unsafe) let home: LoadLoop
    let spec: ClientSpec
    private var connection: Connection?
    private var state = State.connecting
    private var head = ResponseHeadBuffer()
    private var reader = ServerFrameReader()
    private let key: String
    private let startedAt = LoadClock.monotonicNanoseconds()
    private var replies = 0
    private var sawClose = false

    init(home: LoadLoop, spec: ClientSpec) {
        self.home = home
        self.spec = spec
        var nonce: [UInt8] = []
        for _ in 0..<2 { withUnsafeBytes(of: home.random.next()) { nonce += $0 } }
        key = Base64.encode(nonce)
    }

    func connectionOpened(_ connection: Connection) {
        self.connection = connection
        state = .upgrading
        guard case let .webSocket(path, _) = spec.kind else { return }
        let request = "GET \(path) HTTP/1.1\r\nHost: \(home.authority)\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: \(key)\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: overtake.v1\r\n\r\n"
        connection.write(Array(request.utf8))
    }

    func connectionRead(_ connection: Connection, _ bytes: UnsafeRawBufferPointer) {
        switch state {
        case .upgrading: upgrade(connection, bytes)
        case .open: frames(connection, bytes)
        case .connecting, .closed: break
        }
    }

    private func upgrade(_ connection: Connection, _ bytes: UnsafeRawBufferPointer) {
        let complete: (HTTPResponseHead, [UInt8])?
        do { complete = try head.feed(bytes) } catch {
            failSetup(connection, "bad response head: \(error)")
            return
        }
        guard let (parsed, leftover) = complete else { return }
        guard parsed.status == 101 else {
            failSetup(connection, "HTTP \(parsed.status)")
            return
        }
        guard parsed.header("sec-websocket-accept") == WebSocketHandshake.acceptValue(forKey: key) else {
            failSetup(connection, "wrong Sec-WebSocket-Accept")
            return
        }
        state = .open
        home.clientEstablished(startedAt: startedAt)
        if case let .webSocket(_, commands) = spec.kind {
            for command in commands { send(.text, Array(command.utf8)) }
        }
        if spec.slow || spec.expectedReplies == 0 { home.progress.ready.add(1, ordering: .relaxed) }
        if spec.slow {
            connection.pauseReading()
            return
        }
        if !leftover.isEmpty { leftover.withUnsafeBytes { frames(connection, $0) } }
    }

    private func failSetup(_ connection: Connection, _ reason: String) {
        home.clientSetupFailed(reason)
        state = .closed
        connection.close(.immediately)
    }

    private func frames(_ connection: Connection, _ bytes: UnsafeRawBufferPointer) {
        let now = LoadClock.unixNanoseconds()
        do {
            try reader.read(bytes) { opcode, payload in
                switch opcode {
                case .text:
                    let kind = home.record(payload, now: now, slow: spec.slow, player: spec.player)
                    if !spec.slow && (kind == .ack || kind == .snapshot || kind == .error) {
                        replies += 1
                        if replies == spec.expectedReplies { home.progress.ready.add(1, ordering: .relaxed) }
                    }
                case .ping:
                    send(.pong, Array(payload))
                case .close:
                    received(close: payload)
                case .binary, .pong, .continuation:
                    break
                }
            }
        } catch {
            home.stats.noteError("frame: \(error)")
            state = .closed
            connection.close(.immediately)
        }
    }

    private func received(close payload: UnsafeRawBufferPointer) {
        guard !sawClose else { return }
        sawClose = true
        let code = payload.count >= 2 ? UInt16(payload[0]) << 8 | UInt16(payload[1]) : 1005
        home.stats.closeCodes[code, default: 0] += 1
        let echo = WebSocketCloseCode(code)
        if echo.isValidOnWire {
            home.scratch.removeAll(keepingCapacity: true)
            home.frames.writeClose(code: echo, maskingKey: home.maskingKey(), into: &home.scratch)
            connection?.write(home.scratch)
        }
        state = .closed
        connection?.close()
    }

    private func send(_ opcode: WebSocketOpcode, _ payload: [UInt8]) {
        guard let connection, state == .open else { return }
        home.scratch.removeAll(keepingCapacity: true)
        home.frames.writeFrame(opcode, payload: payload, maskingKey: home.maskingKey(), into: &home.scratch)
        connection.write(home.scratch)
    }

    func connectionClosed(_ connection: Connection, _ reason: CloseReason) {
        switch state {
        case .connecting, .upgrading:
            home.clientSetupFailed(reason.label)
        case .open:
            if !sawClose { home.stats.droppedWithoutClose += 1 }
            home.progress.closed.add(1, ordering: .relaxed)
        case .closed:
            if sawClose { home.progress.closed.add(1, ordering: .relaxed) }
        }
        state = .closed
        self.connection = nil
    }

    func resumeReading() { connection?.resumeReading() }

    /// Ends the client at the end of a run (no close handshake: the run is over).
    func close() {
        state = .closed
        connection?.close(.immediately)
    }
}
