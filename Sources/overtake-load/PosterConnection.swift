// One keep-alive HTTP connection of the score poster: one POST /v1/scores in flight at a time,
// responses framed by Content-Length. Reads `accepted`/`rejected` from the reply's first bytes.
// Owned by the poster loop.
import GatewayNet

final class PosterConnection: ConnectionHandler {
    unowned(unsafe) let poster: ScorePoster
    private var connection: Connection?
    private var inbound: [UInt8] = []
    private var inFlight: (events: Int, sentAt: UInt64, seed: Bool)?
    private var isOpen = false

    init(poster: ScorePoster) { self.poster = poster }

    func connectionOpened(_ connection: Connection) {
        self.connection = connection
        isOpen = true
        poster.opened(self)
    }

    /// Sends one POST (`seed`: part of the seeding phase). Precondition: nothing in flight.
    func post(path: String, contentType: String, body: [UInt8], events: Int, seed: Bool, token: String, authority: String,
              minimalReply: Bool = false) {
        guard let connection else { return }
        precondition(inFlight == nil, "one request in flight per poster connection")
        let head = "POST \(path) HTTP/1.1\r\nHost: \(authority)\r\nAuthorization: Bearer \(token)\r\n"
            + (minimalReply ? "Prefer: return=minimal\r\n" : "")
            + "Content-Type: \(contentType)\r\nContent-Length: \(body.count)\r\n\r\n"
        connection.write(Array(head.utf8))
        connection.write(body)
        inFlight = (events, LoadClock.monotonicNanoseconds(), seed)
    }

    func connectionRead(_ connection: Connection, _ bytes: UnsafeRawBufferPointer) {
        inbound.append(contentsOf: bytes)
        while let response = takeResponse() {
            guard let request = inFlight else {
                fail(connection)
                return
            }
            inFlight = nil
            let latency = Int64(LoadClock.monotonicNanoseconds() - request.sentAt)
            poster.answered(self, status: response.status, accepted: response.accepted, rejected: response.rejected,
                            events: request.events, latency: latency, seed: request.seed)
        }
    }

    private enum Framing {
        case incomplete
        case malformed
        case complete(status: Int, accepted: Int, rejected: Int, length: Int)
    }

    private static let acceptedField = Array("\"accepted\":".utf8)
    private static let rejectedField = Array("\"rejected\":".utf8)

    /// Removes one complete response from `inbound`: its status and, for a score reply, the
    /// accepted/rejected counts. Nil while incomplete; a malformed response closes the connection.
    private func takeResponse() -> (status: Int, accepted: Int, rejected: Int)? {
        let framing: Framing = inbound.withUnsafeBytes { bytes in
            let head: HTTPResponseHead
            do {
                guard let parsed = try HTTPResponseHead.parse(bytes) else { return .incomplete }
                head = parsed
                guard let length = try head.contentLength() else { return .malformed }
                guard bytes.count >= head.length + length else { return .incomplete }
                let body = UnsafeRawBufferPointer(rebasing: bytes[head.length..<head.length + length])
                func count(_ field: [UInt8]) -> Int {
                    MessageScan.find(field, in: body).flatMap { MessageScan.integer(in: body, at: $0) }.map { Int($0.value) } ?? 0
                }
                return .complete(status: head.status, accepted: count(Self.acceptedField), rejected: count(Self.rejectedField),
                                 length: head.length + length)
            } catch {
                return .malformed
            }
        }
        switch framing {
        case .incomplete:
            return nil
        case .malformed:
            if let connection { fail(connection) }
            return nil
        case let .complete(status, accepted, rejected, length):
            inbound.removeFirst(length)
            return (status, accepted, rejected)
        }
    }

    private func fail(_ connection: Connection) {
        inbound.removeAll()
        connection.close(.immediately)
    }

    func connectionClosed(_ connection: Connection, _ reason: CloseReason) {
        self.connection = nil
        if isOpen { poster.lost(self) } else { poster.connectFailed() }
        isOpen = false
    }
}
