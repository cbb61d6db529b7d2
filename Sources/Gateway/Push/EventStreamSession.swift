// A browser's Server-Sent Events stream: a spectator stream (`snapshot`, then `board` diffs,
// resumable by Last-Event-ID) or a player's personal stream (resumable by pseq). The response
// head is written once the engine accepted the stream, so a bad board still gets a JSON error.
// Owned by the connection's loop.
import GatewayFanout
import GatewayNet
import GatewayProtocols
import LeaderboardEngine

final class EventStreamSession: PushSession, ConnectionHandler {
    enum Kind {
        case spectator(board: String, window: String, scope: String?, region: String?)
        case personal(player: String)
    }

    private let kind: Kind
    private let lastEventID: UInt64?
    private let origin: String?
    private var headWritten = false
    private var heartbeat: TimerHandle?
    private var waiting: UInt64?

    init(context: LoopContext, connection: Connection, kind: Kind, lastEventID: UInt64?, origin: String?) {
        self.kind = kind
        self.lastEventID = lastEventID
        self.origin = origin
        super.init(context: context, connection: connection, framing: .serverSentEvents)
    }

    func start() {
        context.shared.metrics.connections[.sse]!.add(1)
        let target = context.expectReply(self)
        waiting = target.id
        let index = context.index
        let last = lastEventID
        switch kind {
        case let .spectator(board, window, scope, region):
            context.shared.engine.run { service in
                do throws(EngineError) {
                    let key = try service.streamKey(board: board, window: window, scope: scope, region: region)
                    target.send(.spectate(service.spectate(key, loopIndex: index, lastEventID: last)))
                } catch {
                    target.send(.http(EngineService.errorReply(error)))
                }
            }
        case let .personal(name):
            wantsAllPersonal = true
            context.shared.engine.run { service in
                service.noteWildcardInterest()
                let opened = service.sessionOpened(name, loopIndex: index)
                target.send(.sessionOpened(opened?.0, latestPseq: opened?.1 ?? 0))
            }
        }
    }

    private func writeHead() {
        guard !headWritten else { return }
        headWritten = true
        var out: [UInt8] = []
        var headers: [(String, String)] = [("X-Accel-Buffering", "no")]
        if let cors = corsOrigin { headers += [("Access-Control-Allow-Origin", cors), ("Vary", "Origin")] }
        context.responseEncoder.updateClock(unixSeconds: context.now / 1_000_000_000)
        context.responseEncoder.encodeEventStreamHead(headers: HTTPHeaders(headers.map { (name: $0.0, value: $0.1) }), connection: .close, into: &out)
        ServerSentEventEncoder.writeRetry(milliseconds: UInt64(context.shared.configuration.sse.retryMilliseconds), into: &out)
        connection.write(out)
        armHeartbeat()
    }

    private var corsOrigin: String? {
        let allowed = context.shared.configuration.sse.allowedOrigins
        if allowed.contains("*") { return "*" }
        if let origin, allowed.contains(origin) { return origin }
        return nil
    }

    private func armHeartbeat() {
        heartbeat = connection.scheduleTimer(after: .milliseconds(context.shared.configuration.sse.heartbeatMilliseconds), token: 2)
    }

    // MARK: ConnectionHandler

    func connectionOpened(_ connection: Connection) {}
    func connectionRead(_ connection: Connection, _ bytes: UnsafeRawBufferPointer) {}
    func connectionWritable(_ connection: Connection) { pump() }

    func timerFired(_ connection: Connection, _ token: UInt64) {
        guard !isClosed else { return }
        if queue.isEmpty {
            var out: [UInt8] = []
            ServerSentEventEncoder.writeComment("keep-alive", into: &out)
            connection.write(out)
        }
        armHeartbeat()
    }

    func shutdownRequested(_ connection: Connection) {
        if headWritten {
            var out: [UInt8] = []
            ServerSentEventEncoder.writeEvent(event: "error", data: "{\"type\":\"error\",\"code\":\"shutting_down\",\"message\":\"server shutting down\"}", into: &out)
            connection.write(out)
        }
        metrics.disconnects[.shutdown]!.add(1)
        closeSession()
    }

    func connectionClosed(_ connection: Connection, _ reason: CloseReason) {
        if let waiting { context.cancelReplies([waiting]) }
        context.shared.metrics.connections[.sse]!.add(-1)
        closeSession()
    }

    override func sendGoodbye(_ reason: Metrics.DisconnectReason, _ message: String) {
        var out: [UInt8] = []
        var w = JSONWriter(capacity: 128)
        w.beginObject(); w.key("type"); w.string("error"); w.key("code"); w.string(reason.rawValue); w.key("message"); w.string(message); w.endObject()
        ServerSentEventEncoder.writeEvent(event: "error", data: w.bytes, into: &out)
        connection.write(out)
    }

    // MARK: Engine replies

    override func applySpectate(_ r: SpectateReply) {
        writeHead()
        if spectating[r.stream] == nil { context.register(self, stream: r.stream) }
        super.applySpectate(r)
    }

    override func receiveOther(_ reply: EngineReply, id: UInt64) {
        waiting = nil
        switch reply {
        case let .http(error):
            // The stream was refused before the head: answer as plain HTTP and close.
            var out: [UInt8] = []
            context.responseEncoder.encode(status: error.status, contentType: "application/json", headers: HTTPHeaders(),
                                           body: error.body, connection: .close, into: &out)
            connection.write(out)
            isClosed = true
            context.shared.metrics.httpRequests[error.status.code / 100]?.add(1)
            connection.close()
        case let .sessionOpened(p, latest):
            guard let p else {
                connection.close()
                return
            }
            player = p
            lastPseq = latest
            context.register(self, player: p)
            writeHead()
            if let last = lastEventID, last < latest {
                resumePending = true
                lastPseq = last
                let target = context.expectReply(self)
                waiting = target.id
                context.shared.engine.run { service in target.send(.resume(service.resume(p, after: last))) }
            }
        default:
            break
        }
    }
}
