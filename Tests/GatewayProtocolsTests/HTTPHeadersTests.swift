// HTTPHeadersTests: case-insensitive lookup, RFC 9110 §5.3 joining, and the shared token-list parser
// (RFC 9110 §5.6.1) that HTTP framing and the WebSocket handshake both rely on.
import GatewayProtocols
import Testing

struct HTTPTokenCase: CustomStringConvertible, Sendable {
    let values: [String]
    let token: String
    let contained: Bool
    var description: String { "\(values) ∋ \(token) = \(contained)" }
}

let httpTokenCases: [HTTPTokenCase] = [
    HTTPTokenCase(values: ["keep-alive, Upgrade"], token: "upgrade", contained: true),
    HTTPTokenCase(values: ["keep-alive, Upgrade"], token: "keep-alive", contained: true),
    HTTPTokenCase(values: ["keep-alive,Upgrade"], token: "UPGRADE", contained: true),
    HTTPTokenCase(values: ["  upgrade  "], token: "upgrade", contained: true),
    HTTPTokenCase(values: ["\tupgrade\t,\tclose"], token: "close", contained: true),
    HTTPTokenCase(values: [",,upgrade,,"], token: "upgrade", contained: true),
    HTTPTokenCase(values: ["keep-alive", "Upgrade"], token: "upgrade", contained: true),
    HTTPTokenCase(values: ["websocket"], token: "websocket", contained: true),
    HTTPTokenCase(values: ["WebSocket"], token: "websocket", contained: true),
    HTTPTokenCase(values: ["websocket2"], token: "websocket", contained: false),
    HTTPTokenCase(values: ["web socket"], token: "websocket", contained: false),
    HTTPTokenCase(values: ["upgrade-insecure"], token: "upgrade", contained: false),
    HTTPTokenCase(values: ["xupgrade"], token: "upgrade", contained: false),
    HTTPTokenCase(values: [""], token: "upgrade", contained: false),
    HTTPTokenCase(values: [" , , "], token: "upgrade", contained: false),
    HTTPTokenCase(values: [], token: "upgrade", contained: false),
    HTTPTokenCase(values: ["close"], token: "clos", contained: false),
]

@Suite struct HTTPHeadersTests {
    @Test(arguments: httpTokenCases)
    func tokenListMembership(_ example: HTTPTokenCase) {
        let headers = HTTPHeaders(example.values.map { (name: "Connection", value: $0) })
        #expect(headers.containsToken(example.token, in: "connection") == example.contained)
    }

    @Test func tokensAreListedInOrderAcrossLines() {
        let headers = HTTPHeaders([("Sec-WebSocket-Protocol", "overtake.v1, chat"), ("sec-websocket-protocol", " v2 ,"), ("Other", "x")])
        #expect(headers.tokens(in: "SEC-WEBSOCKET-PROTOCOL") == ["overtake.v1", "chat", "v2"])
        #expect(headers.tokens(in: "Missing") == [])
        #expect(HTTPHeaders.listElements(of: " a ,, b\t, ") == ["a", "b"])
    }

    @Test func lookupIgnoresCaseAndJoinsRepeatedFields() {
        let headers = HTTPHeaders([("Accept", "text/html"), ("X-Id", "1"), ("accept", "application/json")])
        #expect(headers["ACCEPT"] == "text/html, application/json")
        #expect(headers["x-id"] == "1")
        #expect(headers["Missing"] == nil)
        #expect(headers.values("accept") == ["text/html", "application/json"])
        #expect(headers.fieldCount(named: "Accept") == 2)
        #expect(headers.contains("X-ID"))
        #expect(headers.count == 3)
    }

    @Test func iterationKeepsArrivalOrderAndCase() {
        let headers = HTTPHeaders([("B", "2"), ("a", "1"), ("B", "3")])
        #expect(headers.map(\.name) == ["B", "a", "B"])
        #expect(headers.map(\.value) == ["2", "1", "3"])
        #expect(headers[offset: 1].name == "a")
    }

    @Test func controlBytesInAddedValuesBecomeSpaces() {
        var headers = HTTPHeaders()
        headers.add(name: "Location", value: "/x\r\nSet-Cookie: evil\u{0}")
        #expect(headers["location"] == "/x  Set-Cookie: evil ")
    }

    @Test func equalityIsFieldByField() {
        let ordered: HTTPHeaders = ["A": "1", "B": "2"]
        #expect(ordered == ["A": "1", "B": "2"])
        #expect(ordered != ["B": "2", "A": "1"])
        #expect((["AB": "C"] as HTTPHeaders) != ["A": "BC"])
    }
}
