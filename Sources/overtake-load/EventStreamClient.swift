// One simulated browser spectator over Server-Sent Events: `GET` the stream, expect 200
// text/event-stream, then parse events with `ServerSentEventParser` and count each one like a
// WebSocket message (the `data:` is the same JSON object). Owned by its loop.
import GatewayNet
import GatewayProtocols

final class EventStreamClient: LoadClient {
    private enum State { case connecting, requesting, open, closed }

    unowned(unsafe) let home: LoadLoop
    let spec: ClientSpec
    private var connection: Connection?
    private var state = State.connecting
    private var head = ResponseHeadBuffer()
    private var parser = ServerSentEventParser(maxLineBytes: 4 << 20)
    private var events: [ServerSentEvent] = []
    private let startedAt = LoadClock.monotonicNanoseconds()
    private var replies = 0

    init(home: LoadLoop, spec: ClientSpec) {
        self.home = home
        self.spec = spec
    }

    func connectionOpened(_ connection: Connection) {
        self.connection = connection
        state = .requesting
        guard case let .eventStream(path) = spec.kind else { return }
        let request = "GET \(path) HTTP/1.1\r\nHost: \(home.authority)\r\nAccept: text/event-stream\r\n\r\n"
        connection.write(Array(request.utf8))
    }

    func connectionRead(_ connection: Connection, _ bytes: UnsafeRawBufferPointer) {
        switch state {
        case .requesting: respond(connection, bytes)
        case .open: body(connection, bytes)
        case .connecting, .closed: break
        }
    }

    private func respond(_ connection: Connection, _ bytes: UnsafeRawBufferPointer) {
        let complete: (HTTPResponseHead, [UInt8])?
        do { complete = try head.feed(bytes) } catch {
            failSetup(connection, "bad response head: \(error)")
            return
        }
        guard let (parsed, leftover) = complete else { return }
        guard parsed.status == 200, parsed.header("content-type")?.hasPrefix("text/event-stream") == true else {
            failSetup(connection, "HTTP \(parsed.status) \(parsed.header("content-type") ?? "")")
            return
        }
        state = .open
        home.clientEstablished(startedAt: startedAt)
        if spec.slow || spec.expectedReplies == 0 { home.progress.ready.add(1, ordering: .relaxed) }
        if spec.slow {
            connection.pauseReading()
            return
        }
        if !leftover.isEmpty { leftover.withUnsafeBytes { body(connection, $0) } }
    }

    private func failSetup(_ connection: Connection, _ reason: String) {
        home.clientSetupFailed(reason)
        state = .closed
        connection.close(.immediately)
    }

    private func body(_ connection: Connection, _ bytes: UnsafeRawBufferPointer) {
        let now = LoadClock.unixNanoseconds()
        events.removeAll(keepingCapacity: true)
        do { try parser.parse(bytes, into: &events) } catch {
            home.stats.noteError("event stream: \(error)")
            state = .closed
            connection.close(.immediately)
            return
        }
        for var event in events {
            let kind = event.data.withUTF8 { home.record(UnsafeRawBufferPointer($0), now: now, slow: spec.slow, player: spec.player) }
            if !spec.slow && (kind == .snapshot || kind == .error) {
                replies += 1
                if replies == spec.expectedReplies { home.progress.ready.add(1, ordering: .relaxed) }
            }
        }
    }

    func connectionClosed(_ connection: Connection, _ reason: CloseReason) {
        switch state {
        case .connecting, .requesting: home.clientClosed(duringSetup: true, reason)
        case .open: home.clientClosed(duringSetup: false, reason)
        case .closed: break
        }
        state = .closed
        self.connection = nil
    }

    func resumeReading() { connection?.resumeReading() }

    func close() {
        state = .closed
        connection?.close(.immediately)
    }
}
