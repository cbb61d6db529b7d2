// One HTTP/1.1 client connection: incremental parsing, routing, pipelined responses written in
// request order (engine answers may complete out of order), timeouts (head, body, idle), and the
// switch to WebSocket or Server-Sent Events. Owned by the connection's loop.
import Glibc
import GatewayFanout
import GatewayNet
import GatewayProtocols
import LeaderboardEngine

final class HTTPConnection: ConnectionHandler, EngineReplyReceiver {
    private enum Slot {
        case waiting(UInt64)
        case ready([UInt8])
        /// A response head and a shared body (a cached page), written without copying the body.
        case readyShared(head: [UInt8], body: SharedBytes?)
    }

    unowned(unsafe) let context: LoopContext
    private(set) var connection: Connection!
    private var parser: HTTPRequestParser
    /// Responses in request order; `head` marks a HEAD request (answered without its body).
    private var slots: [(slot: Slot, close: Bool, head: Bool)] = []
    private var closeAfterResponses = false
    private var timer: TimerHandle?
    private var requestStartedAt: UInt64?
    /// When the current request's head was complete (its body deadline counts from here).
    private var bodyStartedAt: UInt64?
    private var isUpgraded = false
    static let maxPipelined = 64

    init(context: LoopContext) {
        self.context = context
        let h = context.shared.configuration.http
        parser = HTTPRequestParser(limits: HTTPParserLimits(maxRequestLineBytes: h.maxRequestLineBytes, maxHeaderBytes: h.maxHeaderBytes,
                                                            maxHeaderCount: h.maxHeaderCount, maxBodyBytes: h.maxBodyBytes))
    }

    var shared: GatewayShared { context.shared }

    // MARK: ConnectionHandler

    func connectionOpened(_ connection: Connection) {
        self.connection = connection
        shared.metrics.connections[.http]!.add(1)
        shared.metrics.connectionsOpened.add(1)
        armTimer()
    }

    func connectionRead(_ connection: Connection, _ bytes: UnsafeRawBufferPointer) {
        guard !isUpgraded, !closeAfterResponses else { return }
        if parser.isIdle && requestStartedAt == nil { requestStartedAt = context.loop.now }
        parser.append(bytes)
        processEvents()
    }

    func connectionWritable(_ connection: Connection) {}

    func timerFired(_ connection: Connection, _ token: UInt64) {
        timer = nil
        guard !isUpgraded else { return }
        if parser.isIdle && slots.isEmpty {
            connection.close()
        } else if !parser.isIdle {
            respondLocally(.error(.requestTimeout, "request_timeout", "the request did not arrive in time"), close: true)
        } else {
            armTimer()
        }
    }

    func shutdownRequested(_ connection: Connection) {
        if slots.isEmpty { connection.close() } else { closeAfterResponses = true }
    }

    func connectionClosed(_ connection: Connection, _ reason: CloseReason) {
        shared.metrics.connections[.http]!.add(-1)
        let waiting = slots.compactMap { if case let .waiting(id) = $0.slot { id } else { nil } }
        context.cancelReplies(waiting)
        slots = []
        self.connection = nil
    }

    /// Head deadline (from the request's first byte) while the head arrives, body deadline (from
    /// the end of the head) while the body arrives, idle deadline between requests.
    private func armTimer() {
        let h = shared.configuration.http
        let now = context.loop.now
        let delay: Duration
        if !parser.isIdle, let started = requestStartedAt {
            let deadline: UInt64
            if parser.isReadingHead {
                deadline = started + UInt64(h.headerTimeoutMilliseconds) * 1_000_000
            } else {
                let bodyStarted = bodyStartedAt ?? now
                bodyStartedAt = bodyStarted
                deadline = bodyStarted + UInt64(h.bodyTimeoutMilliseconds) * 1_000_000
            }
            delay = .nanoseconds(Int64(deadline > now ? deadline - now : 0))
        } else {
            delay = .milliseconds(h.idleTimeoutMilliseconds)
        }
        if let timer {
            _ = connection.rescheduleTimer(timer, after: delay)
        } else {
            timer = connection.scheduleTimer(after: delay, token: 0)
        }
    }

    private func processEvents() {
        while !isUpgraded && !closeAfterResponses {
            if slots.count >= Self.maxPipelined {
                connection.pauseReading()
                break
            }
            let event: HTTPParserEvent?
            do { event = try parser.next() } catch {
                respondLocally(HTTPReply(status: error.httpError.status, body: error.httpError.encodeJSONBody()), close: true)
                return
            }
            guard let event else { break }
            switch event {
            case let .expectContinue(head):
                if head.contentLength ?? 0 > shared.configuration.http.maxBodyBytes { continue }
                var out: [UInt8] = []
                context.responseEncoder.encodeContinue(into: &out)
                connection.write(out)
            case let .request(head, body):
                requestStartedAt = parser.isIdle ? nil : context.loop.now
                bodyStartedAt = nil
                handle(head, body)
            default:
                break
            }
        }
        if !isUpgraded, connection != nil { armTimer() }
    }

    // MARK: Responses in order

    /// Adds an answered slot.
    func respondLocally(_ reply: HTTPReply, close: Bool = false, head: Bool = false) {
        slots.append((.ready(encode(reply, close: close, head: head)), close, head))
        if close { closeAfterResponses = true }
        writeReady()
    }

    /// Answers with a cached first page: the head is encoded here, the body is queued by reference.
    func respondCached(_ page: TopPage, close: Bool, head: Bool) {
        context.responseEncoder.updateClock(unixSeconds: context.now / 1_000_000_000)
        let out = context.responseEncoder.jsonOKHead(length: page.body.count, close: close)
        shared.metrics.httpRequests[2]?.add(1)
        slots.append((.readyShared(head: out, body: head ? nil : page.body), close, head))
        if close { closeAfterResponses = true }
        writeReady()
    }

    private func encode(_ reply: HTTPReply, close: Bool, head: Bool = false) -> [UInt8] {
        var out: [UInt8] = []
        context.responseEncoder.updateClock(unixSeconds: context.now / 1_000_000_000)
        var headers = HTTPHeaders()
        for (n, v) in reply.headers where n.lowercased() != "content-type" { headers.add(name: n, value: v) }
        let type = reply.headers.first { $0.0.lowercased() == "content-type" }?.1 ?? "application/json"
        if head {
            context.responseEncoder.encodeHead(status: reply.status, contentType: type, headers: headers,
                                               framing: .contentLength(reply.body.count), connection: close ? .close : .persistent, into: &out)
        } else {
            context.responseEncoder.encode(status: reply.status, contentType: type, headers: headers, body: reply.body,
                                           connection: close ? .close : .persistent, into: &out)
        }
        shared.metrics.httpRequests[reply.status.code / 100]?.add(1)
        return out
    }

    /// True while an earlier response of this connection is not written yet.
    var hasPendingResponses: Bool { !slots.isEmpty }

    /// Starts an engine round trip for the next response slot; `head`: answer without the body.
    func awaitEngine(close: Bool, head: Bool = false) -> ReplyTarget {
        let target = context.expectReply(self)
        slots.append((.waiting(target.id), close, head))
        if close { closeAfterResponses = true }
        return target
    }

    func receive(_ reply: EngineReply, id: UInt64) {
        guard connection != nil, let i = slots.firstIndex(where: { if case .waiting(id) = $0.slot { true } else { false } }) else { return }
        let (close, head) = (slots[i].close, slots[i].head)
        switch reply {
        case let .http(r): slots[i].slot = .ready(encode(r, close: close, head: head))
        case let .scores(r): slots[i].slot = .ready(encode(ScoreReplyEncoder.encode(r), close: close, head: head))
        default: slots[i].slot = .ready(encode(.error(.internalServerError, "internal", "unexpected engine reply"), close: close, head: head))
        }
        writeReady()
    }

    private func writeReady() {
        written: while let first = slots.first {
            switch first.slot {
            case .waiting: break written
            case let .ready(bytes): connection.write(bytes)
            case let .readyShared(head, body):
                connection.write(head)
                if let body { connection.write(body) }
            }
            slots.removeFirst()
            if first.close {
                slots = []
                connection.close()
                return
            }
        }
        if slots.count < Self.maxPipelined / 2 { connection.resumeReading() }
        if slots.isEmpty && !closeAfterResponses { processEvents() }
    }

    // MARK: Upgrades

    /// Hands the connection to a push session once every earlier response is written.
    func upgrade(to session: PushSession & ConnectionHandler, response: [UInt8]?, start: @escaping () -> Void) {
        guard slots.isEmpty else {
            respondLocally(.error(.badRequest, "pipelined_upgrade", "an upgrade must not follow unanswered pipelined requests"), close: true)
            return
        }
        isUpgraded = true
        if let timer { connection.cancelTimer(timer) }
        timer = nil
        if let response { connection.write(response) }
        var sendBuffer = Int32(clamping: shared.configuration.push.socketSendBufferBytes)
        if sendBuffer > 0 {
            // Bound what the kernel buffers for a reader that stalls; backpressure starts sooner.
            setsockopt(connection.descriptor, SOL_SOCKET, SO_SNDBUF, &sendBuffer, socklen_t(MemoryLayout<Int32>.size))
        }
        shared.metrics.connections[.http]!.add(-1)
        connection.handler = session
        start()
    }

    /// Bytes that arrived after the upgrade request (the first WebSocket frames).
    func takeLeftover() -> [UInt8] { parser.takeBufferedBytes() }
}
