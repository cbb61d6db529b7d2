// Request dispatch: authentication, readiness, query parameters, and for each route either a
// local answer, an engine round trip, or an upgrade to a push session.
import GatewayFanout
import GatewayNet
import GatewayProtocols
import LeaderboardEngine

extension HTTPConnection {
    struct BadParameter: Error {
        var name: String
        var message: String
    }

    func handle(_ head: HTTPRequestHead, _ body: [UInt8]) {
        let close = !head.keepAlive || closeRequested(head)
        let config = shared.configuration
        let route = Route.match(head.pathSegments, path: head.path, configuration: config)
        let isHead = head.method == .head
        if route == .notFound {
            respondLocally(.error(.notFound, "not_found", "no endpoint \(head.path)"), close: close, head: isHead)
            return
        }
        if head.method == .options {
            respondLocally(HTTPReply(status: .noContent, body: [], headers: corsHeaders(head) + [("Access-Control-Allow-Methods", "GET, HEAD, POST, PUT, DELETE, OPTIONS"),
                                                                                              ("Access-Control-Allow-Headers", "Authorization, Content-Type, Last-Event-ID"),
                                                                                              ("Access-Control-Max-Age", "600")]), close: close)
            return
        }
        guard route.methods.contains(head.method) else {
            let allow = route.methods.map { "\($0)".uppercased() }.joined(separator: ", ")
            respondLocally(.error(.methodNotAllowed, "method_not_allowed", "\("\(head.method)".uppercased()) is not allowed on \(head.path); allowed: \(allow)",
                                  headers: [("Allow", allow)]), close: close, head: isHead)
            return
        }
        let needsInternal = route.isInternal || (head.method == .put && { if case .board = route { true } else { false } }())
        if needsInternal && !authorizedInternal(head) {
            respondLocally(.error(.unauthorized, "unauthorized", "this endpoint needs 'Authorization: Bearer <internal token>'",
                                  headers: [("WWW-Authenticate", "Bearer realm=\"overtake\"")]), close: close, head: isHead)
            return
        }
        switch route {
        case .health:
            respondLocally(.json { $0.beginObject(); $0.key("status"); $0.string("ok"); $0.endObject() }, close: close, head: isHead)
            return
        case .ready:
            let state = shared.gate.state
            let ready = state == .ready
            respondLocally(.json(ready ? .ok : .serviceUnavailable) { w in
                w.beginObject(); w.key("status"); w.string(ready ? "ready" : "\(state)"); w.endObject()
            }, close: close, head: isHead)
            return
        case .metrics:
            respondLocally(HTTPReply(status: .ok, body: Array(shared.metrics.render().utf8),
                                     headers: [("Content-Type", "text/plain; version=0.0.4; charset=utf-8")]), close: close, head: isHead)
            return
        case let .staticFile(segments):
            if let file = shared.staticFiles.file(segments: segments) {
                respondLocally(HTTPReply(status: .ok, body: file.bytes, headers: [("Content-Type", file.contentType), ("Cache-Control", "no-cache")]),
                               close: close, head: isHead)
            } else {
                respondLocally(.error(.notFound, "not_found", "no file \(head.path)"), close: close, head: isHead)
            }
            return
        case .tokens:
            respondLocally(issueToken(body), close: close)
            return
        default:
            break
        }
        if shared.gate.state != .ready {
            respondLocally(Self.notReady(shared.gate.state), close: close, head: isHead)
            return
        }
        do throws(BadParameter) {
            try dispatch(route, head, body, close: close)
        } catch {
            respondLocally(.error(.unprocessableContent, "invalid_parameter", "\(error.name): \(error.message)"), close: close, head: isHead)
        }
    }

    private func closeRequested(_ head: HTTPRequestHead) -> Bool { shared.gate.state == .stopping }

    /// The 503 for an engine request while the gateway is not ready. Recovering and stopping
    /// are temporary (Retry-After); a failed write-ahead log is not: the in-memory state may hold
    /// a batch that is not durable, so the gateway refuses requests until it is restarted.
    static func notReady(_ state: IngestGate.State) -> HTTPReply {
        switch state {
        case .recovering:
            .error(.serviceUnavailable, "recovering", "recovering from the log; try again shortly", headers: [("Retry-After", "1")])
        case .failed:
            .error(.serviceUnavailable, "storage_failed",
                   "the write-ahead log failed; requests are refused until the gateway is restarted")
        case .stopping, .ready:
            .error(.serviceUnavailable, "unavailable", "the gateway is \(state)", headers: [("Retry-After", "1")])
        }
    }

    private func dispatch(_ route: Route, _ head: HTTPRequestHead, _ body: [UInt8], close: Bool) throws(BadParameter) {
        let engine = shared.engine
        func ask(_ request: EngineRequest) {
            let target = awaitEngine(close: close, head: head.method == .head)
            engine.run { service in service.handle(request, reply: target) }
        }
        switch route {
        case .boards: ask(.listBoards)
        case let .board(id):
            if head.method == .put {
                guard let definition = parseBoard(body, id: id, close: close) else { return }
                ask(.putBoard(definition))
            } else {
                ask(.board(id))
            }
        case let .top(board, window):
            let request = EngineRequest.top(board: board, window: window, scope: try scope(head), limit: try int(head, "limit", 100, 0...1000),
                                            offset: try int(head, "offset", 0, 0...Int(Int32.max)), cursor: head.query("cursor"))
            // A cached first page is answered here, unless an earlier request of this connection
            // (perhaps a score post) still waits for the engine: then the engine keeps the order.
            if !hasPendingResponses, let key = TopPageKey(request), let page = shared.topPages.page(key) {
                respondCached(page, close: close, head: head.method == .head)
            } else {
                ask(request)
            }
        case let .player(board, window, player):
            ask(.standing(board: board, window: window, player: player, scope: try scope(head), around: try int(head, "around", 0, 0...100)))
        case let .friends(board, window, player): ask(.friends(board: board, window: window, player: player))
        case let .periods(board, window): ask(.periods(board: board, window: window))
        case let .periodTop(board, window, period):
            ask(.periodTop(board: board, window: window, period: period, limit: try int(head, "limit", 100, 0...10_000),
                           offset: try int(head, "offset", 0, 0...10_000)))
        case let .approximateRank(board, window):
            guard let text = head.query("score"), let score = Int64(text) else { throw BadParameter(name: "score", message: "required integer") }
            ask(.approximateRank(board: board, window: window, score: score))
        case .scores: submitScores(head, body, close: close)
        case let .playerProfile(id):
            guard let update = parseProfile(body, close: close) else { return }
            ask(.putPlayer(id: id, region: update.region, displayName: update.displayName))
        case let .friendship(player, friend): ask(.friendship(player, friend, add: head.method == .put))
        case .webSocket: upgradeWebSocket(head, mode: .game)
        case .echo: upgradeWebSocket(head, mode: .echo)
        case let .boardStream(board, window): startSpectatorStream(head, board: board, window: window)
        case let .playerStream(player): startPlayerStream(head, player: player)
        default: respondLocally(.error(.notFound, "not_found", "no endpoint \(head.path)"), close: close)
        }
    }

    // MARK: Parameters

    func int(_ head: HTTPRequestHead, _ name: String, _ fallback: Int, _ range: ClosedRange<Int>) throws(BadParameter) -> Int {
        guard let text = head.query(name) else { return fallback }
        guard let v = Int(text), range.contains(v) else {
            throw BadParameter(name: name, message: "expected an integer in \(range.lowerBound)…\(range.upperBound), got '\(text)'")
        }
        return v
    }

    func scope(_ head: HTTPRequestHead) throws(BadParameter) -> ScopeQuery {
        switch head.query("scope") ?? (head.query("region") == nil ? "global" : "region") {
        case "global": return .global
        case "region":
            guard let r = head.query("region"), !r.isEmpty else { throw BadParameter(name: "region", message: "required with scope=region") }
            if let problem = Identifier.validateName(r) { throw BadParameter(name: "region", message: "region \(problem)") }
            return .region(r)
        case let other: throw BadParameter(name: "scope", message: "expected global or region, got '\(other)' (friends boards are at …/friends/{player})")
        }
    }

    func authorizedInternal(_ head: HTTPRequestHead) -> Bool {
        guard let value = head.headers["authorization"], value.hasPrefix("Bearer ") else { return false }
        return ConstantTime.isEqual(Array(value.utf8.dropFirst(7)), Array(shared.configuration.auth.internalToken.utf8))
    }

    func corsHeaders(_ head: HTTPRequestHead) -> [(String, String)] {
        let allowed = shared.configuration.sse.allowedOrigins
        if allowed.contains("*") { return [("Access-Control-Allow-Origin", "*")] }
        if let origin = head.headers["origin"], allowed.contains(origin) { return [("Access-Control-Allow-Origin", origin), ("Vary", "Origin")] }
        return []
    }
}
