// A blocking Server-Sent Events client for end-to-end tests, using the project's WHATWG parser.
import GatewayProtocols

public final class SSETestClient {
    public let socket: TestSocket
    private var parser = ServerSentEventParser(maxLineBytes: 1 << 20)
    private var pending: [ServerSentEvent] = []
    public private(set) var status = 0
    public private(set) var body = ""

    public init?(port: UInt16, path: String, headers: [(String, String)] = []) {
        guard let s = TestSocket(port: port) else { return nil }
        socket = s
        var request = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nAccept: text/event-stream\r\n"
        for (n, v) in headers { request += "\(n): \(v)\r\n" }
        socket.send(request + "\r\n")
        guard let head = socket.read(until: Array("\r\n\r\n".utf8)) else { return nil }
        let text = String(decoding: head, as: UTF8.self)
        status = Int(text.dropFirst(9).prefix(3)) ?? 0
        if status != 200 {
            if let lengthLine = text.split(separator: "\r\n").first(where: { $0.lowercased().hasPrefix("content-length:") }),
               let n = Int(lengthLine.dropFirst(15).drop { $0 == " " }), let b = socket.read(count: n) {
                body = String(decoding: b, as: UTF8.self)
            }
        }
    }

    /// The next dispatched event, or nil on timeout/EOF.
    public func next() -> ServerSentEvent? {
        while pending.isEmpty {
            if socket.buffered.isEmpty { guard socket.fill() else { return nil } }
            let bytes = socket.consume(socket.buffered.count)
            let ok = bytes.withUnsafeBytes { b -> Bool in
                do { try parser.parse(b, into: &pending) } catch { return false }
                return true
            }
            if !ok { return nil }
        }
        return pending.removeFirst()
    }
}
