// HTTPRequestHeadTests: derived facts of a request head: keep-alive matrix (RFC 9112 §9.3),
// 100-continue, target forms and decoding, response connection mode.
import GatewayProtocols
import Testing

struct HTTPKeepAliveCase: CustomStringConvertible, Sendable {
    let version: HTTPVersion
    let connection: String?
    let keepAlive: Bool
    let response: HTTPResponseConnection
    var description: String { "\(version) Connection: \(connection ?? "-")" }
}

let httpKeepAliveCases: [HTTPKeepAliveCase] = [
    HTTPKeepAliveCase(version: .http11, connection: nil, keepAlive: true, response: .persistent),
    HTTPKeepAliveCase(version: .http11, connection: "keep-alive", keepAlive: true, response: .persistent),
    HTTPKeepAliveCase(version: .http11, connection: "close", keepAlive: false, response: .close),
    HTTPKeepAliveCase(version: .http11, connection: "Upgrade, Close", keepAlive: false, response: .close),
    HTTPKeepAliveCase(version: .http11, connection: "closed", keepAlive: true, response: .persistent),
    HTTPKeepAliveCase(version: .http10, connection: nil, keepAlive: false, response: .close),
    HTTPKeepAliveCase(version: .http10, connection: "Keep-Alive", keepAlive: true, response: .keepAlive),
    HTTPKeepAliveCase(version: .http10, connection: "keep-alive, close", keepAlive: false, response: .close),
    HTTPKeepAliveCase(version: .http10, connection: "close", keepAlive: false, response: .close),
]

@Suite struct HTTPRequestHeadTests {
    @Test(arguments: httpKeepAliveCases)
    func keepAliveMatrix(_ example: HTTPKeepAliveCase) throws {
        var headers: HTTPHeaders = ["Host": "h"]
        if let connection = example.connection { headers.add(name: "Connection", value: connection) }
        let head = try HTTPRequestHead(method: .get, target: "/", version: example.version, headers: headers)
        #expect(head.keepAlive == example.keepAlive)
        #expect(head.responseConnection == example.response)
        // Same answer through the parser.
        let wire = "GET / HTTP/1.\(example.version.minor)\r\nHost: h\r\n" + (example.connection.map { "Connection: \($0)\r\n" } ?? "") + "\r\n"
        #expect(httpParseOutcome(wire.httpBytes, feed: .whole).events == [.request(head, body: [])])
    }

    @Test func expectContinueOnlyCountsForHTTP11() throws {
        let headers: HTTPHeaders = ["Host": "h", "Expect": "100-Continue", "Content-Length": "1"]
        #expect(try HTTPRequestHead(method: .post, target: "/", version: .http11, headers: headers).expectsContinue)
        #expect(try !HTTPRequestHead(method: .post, target: "/", version: .http10, headers: headers).expectsContinue)
    }

    @Test func absoluteFormKeepsOnlyThePath() throws {
        let head = try HTTPRequestHead(method: .get, target: "HTTPS://example.com:8443/v1/top?board=main", version: .http11,
                                       headers: ["Host": "example.com"])
        #expect(head.path == "/v1/top")
        #expect(head.pathSegments == ["v1", "top"])
        #expect(head.query("board") == "main")
        let bare = try HTTPRequestHead(method: .get, target: "http://example.com", version: .http11, headers: ["Host": "h"])
        #expect(bare.path == "/")
    }

    @Test func encodedSlashStaysInsideItsSegment() throws {
        let head = try HTTPRequestHead(method: .get, target: "//v1/boards/a%2Fb/?q=%26%3D&q=2&=x&&e=", version: .http11,
                                       headers: ["Host": "h"])
        #expect(head.path == "//v1/boards/a/b/")
        #expect(head.pathSegments == ["v1", "boards", "a/b"])
        #expect(head.queryItems == [HTTPQueryItem(name: "q", value: "&="), HTTPQueryItem(name: "q", value: "2"),
                                    HTTPQueryItem(name: "", value: "x"), HTTPQueryItem(name: "e", value: "")])
        #expect(head.query("q") == "&=")
    }

    @Test func methodsAreCaseSensitive() {
        #expect(HTTPMethod("GET") == .get)
        #expect(HTTPMethod("get") == .other("get"))
        #expect(HTTPMethod("PATCH").rawValue == "PATCH")
    }

    @Test func framingFacts() throws {
        let chunked = try HTTPRequestHead(method: .post, target: "/", version: .http11, headers: ["Host": "h", "Transfer-Encoding": "Chunked"])
        #expect(chunked.isChunked && chunked.contentLength == nil && chunked.hasBody)
        let empty = try HTTPRequestHead(method: .post, target: "/", version: .http11, headers: ["Host": "h", "Content-Length": "0"])
        #expect(!empty.isChunked && empty.contentLength == 0 && !empty.hasBody)
        let get = try HTTPRequestHead(method: .get, target: "/", version: .http11, headers: ["Host": "h"])
        #expect(get.contentLength == nil && !get.hasBody && get.upgrade.isEmpty)
    }
}
