// WebSocketHandshake: the RFC 6455 §1.3 accept value, the accept path with subprotocol
// selection, and a table of rejections with their HTTP status and error code.
import Testing
@testable import GatewayProtocols

struct WebSocketHandshakeTests {
    /// RFC 6455 §1.3's example key.
    static let rfcKey = "dGhlIHNhbXBsZSBub25jZQ=="

    static let validRequest: [String: String] = [
        "host": "server.example.com",
        "upgrade": "websocket",
        "connection": "Upgrade",
        "sec-websocket-key": rfcKey,
        "sec-websocket-version": "13",
    ]

    /// Header lookup over a lower-cased dictionary, as the HTTP layer would provide it.
    static func lookup(_ fields: [String: String]) -> (String) -> String? {
        { fields[$0.lowercased()] }
    }

    @Test func acceptValueMatchesRFC6455Example() {
        #expect(WebSocketHandshake.acceptValue(forKey: Self.rfcKey) == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
    }

    @Test func acceptsAValidUpgradeAndAnswersWithTheAcceptKey() {
        let outcome = WebSocketHandshake().evaluate(method: "GET", httpVersion: (1, 1), header: Self.lookup(Self.validRequest))
        let expected = WebSocketHandshake.Acceptance(responseFields: [
            .init(name: "Upgrade", value: "websocket"),
            .init(name: "Connection", value: "Upgrade"),
            .init(name: "Sec-WebSocket-Accept", value: "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="),
        ], subprotocol: nil)
        #expect(outcome == .accept(expected))
    }

    @Test(arguments: [
        ("overtake.v1", "overtake.v1"),
        ("chat, overtake.v1", "overtake.v1"),
        ("chat,overtake.v1 ,x", "overtake.v1"),
        ("chat", nil),
        ("Overtake.V1", nil),  // subprotocol names are case-sensitive
    ] as [(String, String?)])
    func selectsOurSubprotocolOnlyWhenOffered(offered: String, selected: String?) {
        var request = Self.validRequest
        request["sec-websocket-protocol"] = offered
        guard case .accept(let acceptance) = WebSocketHandshake().evaluate(
            method: "GET", httpVersion: (1, 1), header: Self.lookup(request)) else {
            Issue.record("rejected")
            return
        }
        #expect(acceptance.subprotocol == selected)
        let field = acceptance.responseFields.first { $0.name == "Sec-WebSocket-Protocol" }
        #expect(field?.value == selected)
    }

    @Test(arguments: [
        ("Upgrade", "WebSocket"), ("Upgrade", "h2c, websocket"), ("Connection", "keep-alive, Upgrade"),
        ("Connection", "keep-alive,\tupgrade "), ("Sec-WebSocket-Key", "  dGhlIHNhbXBsZSBub25jZQ==  "),
        ("Sec-WebSocket-Version", " 13"), ("Origin", "https://GAME.example"),
    ])
    func acceptsTokenListsCaseAndWhitespaceVariants(field: String, value: String) {
        var request = Self.validRequest
        request[field.lowercased()] = value
        let handshake = WebSocketHandshake(allowedOrigins: ["https://game.example"])
        let outcome = handshake.evaluate(method: "GET", httpVersion: (1, 1), header: Self.lookup(request))
        guard case .accept(let acceptance) = outcome else {
            Issue.record("rejected: \(outcome)")
            return
        }
        #expect(acceptance.responseFields.contains { $0.value == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=" })
    }

    struct RejectionCase: Sendable, CustomTestStringConvertible {
        var name: String
        var method = "GET"
        var version = (major: 1, minor: 1)
        var changes: [String: String?] = [:]
        var status: Int
        var errorCode: String
        var fields: [WebSocketHandshake.ResponseField] = []
        var testDescription: String { name }
    }

    static let rejections: [RejectionCase] = [
        RejectionCase(name: "POST", method: "POST", status: 405, errorCode: "method_not_allowed",
                      fields: [.init(name: "Allow", value: "GET")]),
        RejectionCase(name: "HTTP/1.0", version: (1, 0), status: 400, errorCode: "http_version_too_old"),
        RejectionCase(name: "no Upgrade", changes: ["upgrade": nil], status: 400, errorCode: "upgrade_header_missing"),
        RejectionCase(name: "Upgrade: h2c", changes: ["upgrade": "h2c"], status: 400, errorCode: "upgrade_header_missing"),
        RejectionCase(name: "Upgrade token as substring", changes: ["upgrade": "websockets"], status: 400,
                      errorCode: "upgrade_header_missing"),
        RejectionCase(name: "Connection: keep-alive", changes: ["connection": "keep-alive"], status: 400,
                      errorCode: "connection_header_missing"),
        RejectionCase(name: "version 8", changes: ["sec-websocket-version": "8"], status: 426,
                      errorCode: "websocket_version_unsupported", fields: [.init(name: "Sec-WebSocket-Version", value: "13")]),
        RejectionCase(name: "no version", changes: ["sec-websocket-version": nil], status: 426,
                      errorCode: "websocket_version_unsupported", fields: [.init(name: "Sec-WebSocket-Version", value: "13")]),
        RejectionCase(name: "no key", changes: ["sec-websocket-key": nil], status: 400, errorCode: "websocket_key_invalid"),
        RejectionCase(name: "key of 15 bytes", changes: ["sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ"], status: 400,
                      errorCode: "websocket_key_invalid"),
        RejectionCase(name: "key of 17 bytes", changes: ["sec-websocket-key": "dGhlIHNhbXBsZSBub25jZRE="], status: 400,
                      errorCode: "websocket_key_invalid"),
        RejectionCase(name: "key not base64", changes: ["sec-websocket-key": "not base64 at all!!!!!!!"], status: 400,
                      errorCode: "websocket_key_invalid"),
        RejectionCase(name: "two keys joined", changes: ["sec-websocket-key": "\(rfcKey), \(rfcKey)"], status: 400,
                      errorCode: "websocket_key_invalid"),
        RejectionCase(name: "foreign origin", changes: ["origin": "https://evil.example"], status: 403,
                      errorCode: "origin_not_allowed"),
        RejectionCase(name: "null origin", changes: ["origin": "null"], status: 403, errorCode: "origin_not_allowed"),
    ]

    @Test(arguments: rejections)
    func rejectsInvalidUpgradeRequests(rejection: RejectionCase) {
        var request = Self.validRequest
        for (field, value) in rejection.changes { request[field] = value }
        let handshake = WebSocketHandshake(allowedOrigins: ["https://game.example"])
        let outcome = handshake.evaluate(method: rejection.method, httpVersion: rejection.version, header: Self.lookup(request))
        guard case .reject(let refusal) = outcome else {
            Issue.record("accepted")
            return
        }
        #expect(refusal.status == rejection.status)
        #expect(refusal.errorCode == rejection.errorCode)
        #expect(refusal.fields == rejection.fields)
        #expect(!refusal.message.isEmpty)
    }

    @Test func emptyAllowListAcceptsAnyOriginAndMissingOriginIsAllowed() {
        var request = Self.validRequest
        request["origin"] = "https://anything.example"
        #expect(WebSocketHandshake().evaluate(method: "GET", httpVersion: (1, 1), header: Self.lookup(request)).isAccept)
        let strict = WebSocketHandshake(allowedOrigins: ["https://game.example"])
        #expect(strict.evaluate(method: "GET", httpVersion: (1, 1), header: Self.lookup(Self.validRequest)).isAccept)
    }
}

extension WebSocketHandshake.Outcome {
    var isAccept: Bool {
        if case .accept = self { return true }
        return false
    }
}
