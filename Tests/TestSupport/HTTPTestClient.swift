// A minimal HTTP/1.1 keep-alive client over TestSocket for end-to-end tests.

public struct HTTPTestResponse {
    public var status: Int
    public var headers: [(String, String)]
    public var body: [UInt8]
    public var text: String { String(decoding: body, as: UTF8.self) }

    public func header(_ name: String) -> String? {
        headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }
}

public final class HTTPTestClient {
    public let socket: TestSocket
    public let port: UInt16

    public init?(port: UInt16) {
        guard let s = TestSocket(port: port) else { return nil }
        socket = s
        self.port = port
    }

    /// Sends a request and reads its response (Content-Length framed).
    public func request(_ method: String, _ path: String, headers: [(String, String)] = [], body: String? = nil) -> HTTPTestResponse? {
        send(method, path, headers: headers, body: body)
        return readResponse()
    }

    public func send(_ method: String, _ path: String, headers: [(String, String)] = [], body: String? = nil) {
        var text = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\n"
        for (n, v) in headers { text += "\(n): \(v)\r\n" }
        if let body { text += "Content-Length: \(body.utf8.count)\r\n" }
        text += "\r\n"
        socket.send(text + (body ?? ""))
    }

    /// Reads one response; `bodyless`: the answer to a HEAD request (Content-Length without a body).
    public func readResponse(bodyless: Bool = false) -> HTTPTestResponse? {
        guard let head = socket.read(until: Array("\r\n\r\n".utf8)) else { return nil }
        let lines = String(decoding: head, as: UTF8.self).split(separator: "\r\n").map(String.init)
        guard let first = lines.first, first.count >= 12, let status = Int(first.dropFirst(9).prefix(3)) else { return nil }
        var headers: [(String, String)] = []
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers.append((String(line[..<colon]), String(line[line.index(after: colon)...]).trimmingLeadingSpaces))
        }
        let length = bodyless ? 0 : headers.first { $0.0.lowercased() == "content-length" }.flatMap { Int($0.1) } ?? 0
        guard let body = socket.read(count: length) else { return nil }
        return HTTPTestResponse(status: status, headers: headers, body: body)
    }
}

extension String {
    var trimmingLeadingSpaces: String { String(drop { $0 == " " }) }
}
