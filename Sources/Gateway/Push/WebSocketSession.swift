// A game client's WebSocket connection after the upgrade: frames in through the RFC 6455
// decoder and connection state machine (heartbeat, idle, close handshake), client commands to
// the engine, notifications out through the session's priority queue. Also serves the echo
// endpoint used for conformance tests. Owned by the connection's loop.
import GatewayFanout
import GatewayNet
import GatewayProtocols
import LeaderboardEngine

final class WebSocketSession: PushSession, ConnectionHandler {
    enum Mode { case game, echo }

    let mode: Mode
    /// A token was verified (from the URL or an `auth` command); `player` is set once the
    /// engine opened the session.
    private var isAuthenticated = false
    /// Engine replies this session still waits for (ids live in the loop's table; on close
    /// the table is searched for this session only when this is non-zero).
    private var pendingReplies: UInt32 = 0
    private var heartbeat: TimerHandle?
    private var decoder: WebSocketFrameDecoder
    private var machine: WebSocketConnectionStateMachine
    private static let frames = WebSocketFrameEncoder(role: .server)
    /// Commands received after authentication but before the engine opened the session (they
    /// may need the player index): replayed in order once it has. Bounded by `maxDeferred`.
    private var deferred: [[UInt8]] = []
    private static let maxDeferred = 64

    init(context: LoopContext, connection: Connection, mode: Mode) {
        self.mode = mode
        machine = WebSocketConnectionStateMachine(settings: context.webSocketSettings, now: context.loop.now)
        decoder = machine.makeDecoder()
        super.init(context: context, connection: connection, framing: .webSocket)
    }

    /// Called right after the 101 response: registers the player whose token came in the URL
    /// (if any) and reads bytes that came with the upgrade request.
    func start(player: String?, leftover: [UInt8]) {
        context.shared.metrics.connections[.websocket]!.add(1)
        if let player { authenticate(player) }
        armHeartbeat()
        if !leftover.isEmpty { leftover.withUnsafeBytes { connectionRead(connection, $0) } }
    }

    /// A reply target for an engine request of this session (counted in `pendingReplies`).
    private func awaitReply() -> ReplyTarget {
        pendingReplies += 1
        return context.expectReply(self)
    }

    private func authenticate(_ name: String) {
        isAuthenticated = true
        let target = awaitReply()
        let index = context.index
        context.shared.engine.run { service in
            let opened = service.sessionOpened(name, loopIndex: index)
            target.send(.sessionOpened(opened?.0, latestPseq: opened?.1 ?? 0))
        }
    }

    // MARK: ConnectionHandler

    func connectionOpened(_ connection: Connection) {}

    func connectionRead(_ connection: Connection, _ bytes: UnsafeRawBufferPointer) {
        guard !isClosed else { return }
        var events = context.takeEventScratch()
        defer { context.returnEventScratch(&events) }
        do {
            try decoder.decode(bytes, into: &events)
        } catch {
            for e in events { perform(machine.received(e, now: context.loop.now)) }
            metrics.disconnects[.protocolError]!.add(1)
            perform(machine.receivedProtocolError(error))
            return
        }
        for e in events where !isClosed { perform(machine.received(e, now: context.loop.now)) }
        armHeartbeat()
    }

    func connectionWritable(_ connection: Connection) { pump() }

    func timerFired(_ connection: Connection, _ token: UInt64) {
        heartbeat = nil
        perform(machine.tick(now: context.loop.now))
        armHeartbeat()
    }

    func shutdownRequested(_ connection: Connection) {
        perform(machine.close(code: .goingAway, reason: "server shutting down", now: context.loop.now))
        if !isClosed {
            metrics.disconnects[.shutdown]!.add(1)
            closeSession()
        }
    }

    func connectionClosed(_ connection: Connection, _ reason: CloseReason) {
        machine.transportClosed()
        if pendingReplies > 0 { context.cancelReplies(of: self) }
        pendingReplies = 0
        context.shared.metrics.connections[.websocket]!.add(-1)
        closeSession()
    }

    private func armHeartbeat() {
        guard !isClosed, let deadline = machine.nextDeadline() else { return }
        let now = context.loop.now
        let delay = Duration.nanoseconds(Int64(deadline > now ? deadline - now : 0))
        if let heartbeat {
            _ = connection.rescheduleTimer(heartbeat, after: delay)
        } else {
            heartbeat = connection.scheduleTimer(after: delay, token: 1)
        }
    }

    // MARK: Actions

    private func perform(_ action: WebSocketConnectionStateMachine.Action) {
        switch action {
        case .none: break
        case let .deliver(message): handle(message)
        case let .sendPong(payload): writeFrame(.pong, payload)
        case let .sendPing(payload): writeFrame(.ping, payload)
        case let .sendClose(code, reason): writeClose(code, reason)
        case let .closeConnection(code, reason):
            if let code { writeClose(code, reason) }
            closeSession()
        case .closeTransport:
            closeSession()
        }
    }

    private func writeFrame(_ opcode: WebSocketOpcode, _ payload: [UInt8]) {
        context.writeFrame(to: connection) { Self.frames.writeFrame(opcode, payload: payload, into: &$0) }
    }

    private func writeClose(_ code: WebSocketCloseCode, _ reason: String) {
        context.writeFrame(to: connection) { Self.frames.writeClose(code: code, reason: reason, into: &$0) }
    }

    override func sendGoodbye(_ reason: Metrics.DisconnectReason, _ message: String) {
        _ = machine.close(code: .tryAgainLater, reason: "slow consumer; resume with last pseq", now: context.loop.now)
        writeClose(.tryAgainLater, "slow consumer; resume with last pseq")
    }

    private func handle(_ message: WebSocketMessage) {
        switch (mode, message) {
        case let (.echo, .text(bytes)):
            writeFrame(.text, bytes)
        case let (.echo, .binary(bytes)):
            writeFrame(.binary, bytes)
        case (.game, .binary):
            perform(machine.close(code: .unsupportedData, reason: "overtake.v1 uses JSON text messages", now: context.loop.now))
        case let (.game, .text(bytes)):
            handleCommand(bytes)
        }
    }

    // MARK: Client commands

    private func handleCommand(_ bytes: [UInt8]) {
        if player == nil && isAuthenticated {
            // Authenticated, session not open yet: `watch` and `resume` need the player index,
            // and holding everything keeps the client's order.
            guard deferred.count < Self.maxDeferred else {
                sendError("too_early", "too many messages before the session opened; wait for the first ack")
                return
            }
            deferred.append(bytes)
            return
        }
        let command: ClientCommand
        do { command = try ClientCommand.parse(bytes) } catch {
            sendError("bad_request", error.message)
            return
        }
        perform(command)
    }

    private func perform(_ command: ClientCommand) {
        if player == nil && !isAuthenticated {
            guard case let .auth(token) = command else {
                perform(machine.close(code: .policyViolation, reason: "authenticate first: send {\"type\":\"auth\",\"token\":…}", now: context.loop.now))
                return
            }
            do { authenticate(try context.shared.verify(token: token).player) } catch {
                metrics.disconnects[.authFailed]!.add(1)
                perform(machine.close(code: .policyViolation, reason: error.description, now: context.loop.now))
            }
            return
        }
        let engine = context.shared.engine
        let index = context.index
        switch command {
        case .auth:
            sendError("already_authenticated", "this connection is already authenticated")
        case let .ping(id):
            var w = JSONWriter(capacity: 64)
            w.beginObject(); w.key("type"); w.string("pong")
            if let id { w.key("id"); w.value(id) }
            w.endObject()
            enqueueControl(Array(w.bytes.dropFirst()), kind: .pong)
            pump()
        case let .subscribe(board, window, scope, on):
            let request = on ? "subscribe" : "unsubscribe"
            let target = awaitReply()
            engine.run { service in
                target.send(.subscription(service.subscribe(board: board, window: window, scope: scope, request: request)))
            }
        case let .watch(board, window, on):
            guard let p = player else { return }
            let request = on ? "watch" : "unwatch"
            let target = awaitReply()
            engine.run { service in
                var ack = service.subscribe(board: board, window: window, scope: "global", request: request)
                if let kind = WindowKind(rawValue: window), !ack.isError {
                    do throws(EngineError) { try service.setWatching(p, board: board, window: kind, on) } catch {
                        ack = SubscriptionAck(request: request, subscription: nil, stream: nil,
                                              body: EngineService.errorBody(error.code, error.description))
                    }
                }
                target.send(.subscription(ack))
            }
        case let .spectate(board, window, scope, region, on):
            let target = awaitReply()
            let known = Array(spectating.keys)
            engine.run { service in
                do throws(EngineError) {
                    let key = try service.streamKey(board: board, window: window, scope: scope, region: region)
                    if on {
                        guard !known.contains(key) else { return }
                        target.send(.spectate(service.spectate(key, loopIndex: index, lastEventID: nil)))
                    } else {
                        service.unspectate(key, loopIndex: index)
                        target.send(.subscription(SubscriptionAck(request: "unspectate", subscription: nil, stream: key,
                                                                  body: EngineService.ackBody("unspectate", [("board", board), ("window", window)]))))
                    }
                } catch {
                    target.send(.subscription(SubscriptionAck(request: on ? "spectate" : "unspectate", subscription: nil, stream: nil,
                                                              body: EngineService.errorBody(error.code, error.description))))
                }
            }
        case let .resume(last):
            guard let p = player else { return }
            resumePending = true
            // Messages after the client's last pseq are what it lacks, whatever this
            // connection has seen so far.
            lastPseq = last
            let target = awaitReply()
            engine.run { service in target.send(.resume(service.resume(p, after: last))) }
        }
    }

    private func sendError(_ code: String, _ message: String) {
        enqueueControl(EngineService.errorBody(code, message), kind: .error)
        pump()
    }

    override func receive(_ reply: EngineReply, id: UInt64) {
        if pendingReplies > 0 { pendingReplies -= 1 }
        super.receive(reply, id: id)
    }

    override func receiveOther(_ reply: EngineReply, id: UInt64) {
        switch reply {
        case let .sessionOpened(p, latest):
            guard let p else {
                metrics.disconnects[.authFailed]!.add(1)
                perform(machine.close(code: .policyViolation, reason: "invalid player id", now: context.loop.now))
                return
            }
            player = p
            lastPseq = latest
            context.register(self, player: p)
            let early = deferred
            deferred = []
            for bytes in early where !isClosed { handleCommand(bytes) }
        case let .subscription(ack):
            if let s = ack.subscription {
                switch ack.request {
                case "subscribe": subscriptions.insert(s)
                case "unsubscribe": subscriptions.remove(s)
                case "watch": rareState.watching.insert(s)
                case "unwatch": rareState.watching.remove(s); releaseRareStateIfEmpty()
                default: break
                }
            }
            if let key = ack.stream, spectating[key] != nil {
                rareState.spectating[key] = nil
                releaseRareStateIfEmpty()
                context.unregister(self, stream: key)
            }
            enqueueControl(ack.body, kind: ack.isError ? .error : .ack)
        default:
            break
        }
    }

    override func applySpectate(_ r: SpectateReply) {
        if spectating[r.stream] == nil { context.register(self, stream: r.stream) }
        super.applySpectate(r)
    }
}
