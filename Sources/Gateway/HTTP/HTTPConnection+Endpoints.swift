// Endpoints with request bodies or protocol switches: score ingestion (admission control, then
// the engine), board and player updates, token issuing, and the WebSocket / SSE upgrades.
import GatewayFanout
import GatewayNet
import GatewayProtocols
import LeaderboardEngine

extension HTTPConnection {
    func submitScores(_ head: HTTPRequestHead, _ body: [UInt8], close: Bool) {
        let receivedAt = MonotonicClock.system.now()
        let events: [ScoreEvent]
        do throws(ScoreBatchDecoder.Failure) {
            events = try ScoreBatchDecoder.decode(body, contentType: head.headers["content-type"],
                                                  maxEvents: shared.configuration.http.maxEventsPerRequest)
        } catch {
            respondLocally(.error(error.status, error.code, error.message), close: close)
            return
        }
        guard shared.gate.admit(events.count) else {
            shared.metrics.ingestThrottled.add(1)
            let retry = shared.configuration.ingest.retryAfterSeconds
            respondLocally(.error(.tooManyRequests, "ingest_queue_full", "the ingest queue is full; retry after \(retry) s",
                                  headers: [("Retry-After", "\(retry)")]), close: close)
            return
        }
        shared.metrics.ingestQueued.set(shared.gate.queuedEvents)
        let target = awaitEngine(close: close)
        let minimal = PreferHeader.asksForMinimalReturn(head.headers["prefer"])
        shared.engine.run { service in service.submitScores(events, reply: target, minimal: minimal, receivedAt: receivedAt) }
    }

    func parseBoard(_ body: [UInt8], id: String, close: Bool) -> BoardDefinition? {
        do {
            let json = try JSONValue(parsing: body)
            return try BoardDefinition.parse(json, id: id, path: "")
        } catch let error as ConfigurationError {
            respondLocally(.error(.unprocessableContent, "invalid_field", error.description), close: close)
        } catch {
            respondLocally(.error(.badRequest, "invalid_json", "\(error)"), close: close)
        }
        return nil
    }

    func parseProfile(_ body: [UInt8], close: Bool) -> (region: String?, displayName: String?)? {
        guard let json = try? JSONValue(parsing: body), case let .object(members) = json else {
            respondLocally(.error(.badRequest, "invalid_json", "expected a JSON object with region and/or display_name"), close: close)
            return nil
        }
        var region: String?, name: String?
        for (key, value) in members {
            switch (key, value) {
            case ("region", .string(let s)): region = s
            case ("region", .null): region = ""
            case ("display_name", .string(let s)): name = s
            case ("display_name", .null): name = ""
            case ("region", _), ("display_name", _):
                respondLocally(.error(.unprocessableContent, "invalid_field", "\(key): expected a string or null"), close: close)
                return nil
            default:
                respondLocally(.error(.unprocessableContent, "invalid_field", "\(key): unknown field (expected region, display_name)"), close: close)
                return nil
            }
        }
        return (region, name)
    }

    func issueToken(_ body: [UInt8]) -> HTTPReply {
        let json: JSONValue
        do { json = try JSONValue(parsing: body) } catch {
            return .error(.badRequest, "invalid_json", "\(error)")
        }
        guard let player = json["player"]?.stringValue else {
            return .error(.unprocessableContent, "invalid_field", "player: required string")
        }
        if let problem = Identifier.validatePlayer(player) {
            return .error(.unprocessableContent, "invalid_field", "player: player id \(problem)")
        }
        var ttl = Int64(shared.configuration.auth.tokenTTLSeconds)
        if let v = json["ttl_seconds"] {
            guard let n = v.int64Value, (1...31_536_000).contains(n) else {
                return .error(.unprocessableContent, "invalid_field", "ttl_seconds: expected an integer in 1…31536000")
            }
            ttl = n
        }
        let expires = shared.clock() / 1_000_000_000 + ttl
        let token = PlayerToken(player: player, expiresAt: expires).signed(secret: shared.tokenSecret)
        return .json { w in
            w.beginObject()
            w.key("token"); w.string(token)
            w.key("player"); w.string(player)
            w.key("expires_at"); w.int(expires)
            w.endObject()
        }
    }

    // MARK: WebSocket

    func upgradeWebSocket(_ head: HTTPRequestHead, mode: WebSocketSession.Mode) {
        let ws = shared.configuration.websocket
        let handshake = WebSocketHandshake(allowedOrigins: ws.allowedOrigins)
        let outcome = handshake.evaluate(method: "\(head.method)".uppercased(),
                                         httpVersion: (head.version.major, head.version.minor)) { head.headers[$0] }
        switch outcome {
        case let .reject(rejection):
            let status = HTTPStatus.known(rejection.status)
            respondLocally(.error(status, rejection.errorCode, rejection.message, headers: rejection.fields.map { ($0.name, $0.value) }), close: true)
        case let .accept(acceptance):
            var player: String?
            if mode == .game, let text = head.query("token") {
                do { player = try shared.verify(token: text).player } catch {
                    shared.metrics.disconnects[.authFailed]!.add(1)
                    respondLocally(.error(.unauthorized, "invalid_token", error.description), close: true)
                    return
                }
            }
            var out: [UInt8] = []
            var headers = HTTPHeaders()
            for f in acceptance.responseFields { headers.add(name: f.name, value: f.value) }
            context.responseEncoder.encodeHead(status: .switchingProtocols, headers: headers, framing: .none, into: &out)
            let session = WebSocketSession(context: context, connection: connection, mode: mode)
            let leftover = takeLeftover()
            upgrade(to: session, response: out) { session.start(player: player, leftover: leftover) }
        }
    }

    // MARK: Server-Sent Events

    private func lastEventID(_ head: HTTPRequestHead) -> UInt64? {
        (head.headers["last-event-id"] ?? head.query("lastEventId")).flatMap { UInt64($0.trimmingSpaces) }
    }

    func startSpectatorStream(_ head: HTTPRequestHead, board: String, window: String) {
        if shared.configuration.auth.spectatorsRequireToken {
            guard let text = head.query("token"), (try? shared.verify(token: text)) != nil else {
                respondLocally(.error(.unauthorized, "invalid_token", "spectator streams need ?token=<player token>"), close: true)
                return
            }
        }
        let session = EventStreamSession(context: context, connection: connection,
                                         kind: .spectator(board: board, window: window, scope: head.query("scope"), region: head.query("region")),
                                         lastEventID: lastEventID(head), origin: head.headers["origin"])
        upgrade(to: session, response: nil) { session.start() }
    }

    func startPlayerStream(_ head: HTTPRequestHead, player: String) {
        var tokenText = head.query("token")
        if tokenText == nil, let auth = head.headers["authorization"], auth.hasPrefix("Bearer ") { tokenText = String(auth.dropFirst(7)) }
        guard let tokenText else {
            respondLocally(.error(.unauthorized, "missing_token", "a player stream needs ?token=<player token>"), close: true)
            return
        }
        do {
            let token = try shared.verify(token: tokenText)
            guard token.player == player else {
                respondLocally(.error(.forbidden, "wrong_player", "the token is for another player"), close: true)
                return
            }
        } catch {
            respondLocally(.error(.unauthorized, "invalid_token", error.description), close: true)
            return
        }
        let session = EventStreamSession(context: context, connection: connection, kind: .personal(player: player),
                                         lastEventID: lastEventID(head), origin: head.headers["origin"])
        upgrade(to: session, response: nil) { session.start() }
    }
}

extension HTTPStatus {
    /// The constant for a code the handshake produces.
    static func known(_ code: Int) -> HTTPStatus {
        switch code {
        case 400: .badRequest
        case 403: .forbidden
        case 405: .methodNotAllowed
        case 426: .upgradeRequired
        default: .badRequest
        }
    }
}
