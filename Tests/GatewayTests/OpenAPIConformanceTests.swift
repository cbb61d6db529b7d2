// docs/openapi.yaml against the running gateway: every documented operation is served (not an
// unknown path or method), HEAD answers carry no body, and cached first pages keep the
// documented read-your-writes order on a pipelined connection.
import Foundation
import Testing
import Gateway
import GatewayProtocols
import LeaderboardEngine
import TestSupport

@Suite(.serialized) struct OpenAPIConformanceTests {
    static let board = BoardDefinition(id: "arena", windows: [.alltime, .daily], scopes: [.global, .region, .friends],
                                       minScore: 0, maxScore: 1_000_000)

    /// (method, path template) of every operation in docs/openapi.yaml, read line by line:
    /// paths are the two-space-indented keys of `paths:`, methods the four-space ones below.
    static func documentedOperations() throws -> [(method: String, path: String)] {
        let spec = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../docs/openapi.yaml")
        let text = try String(contentsOf: spec.standardizedFileURL, encoding: .utf8)
        var operations: [(String, String)] = []
        var path: String?
        var inPaths = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line == "paths:" { inPaths = true; continue }
            if inPaths && !line.isEmpty && !line.hasPrefix(" ") && !line.hasPrefix("#") { break }
            guard inPaths else { continue }
            if line.hasPrefix("  /"), line.hasSuffix(":") {
                path = String(line.dropFirst(2).dropLast())
            } else if let path, line.hasPrefix("    "), !line.hasPrefix("     "), line.hasSuffix(":") {
                let key = line.trimmingCharacters(in: .whitespaces).dropLast()
                if ["get", "put", "post", "delete", "head", "options", "patch"].contains(String(key)) {
                    operations.append((key.uppercased(), path))
                }
            }
        }
        return operations
    }

    /// A concrete request for a documented operation.
    static func instantiate(_ template: String) -> String {
        var path = template
        for (name, value) in [("board", "arena"), ("window", "alltime"), ("player", "ann"), ("friend", "bob"), ("period", "2026-01-01")] {
            path = path.replacingOccurrences(of: "{\(name)}", with: value)
        }
        return path.hasSuffix("/approximate-rank") ? path + "?score=5" : path
    }

    static func body(_ method: String, _ template: String) -> String? {
        switch (method, template) {
        case ("POST", "/v1/scores"): "{\"board\":\"arena\",\"player\":\"ann\",\"score\":5,\"region\":\"eu\"}"
        case ("POST", "/v1/tokens"): "{\"player\":\"ann\"}"
        case ("PUT", "/v1/boards/{board}"): "{\"windows\":[\"alltime\",\"daily\"],\"scopes\":[\"global\",\"region\",\"friends\"],\"min_score\":0,\"max_score\":1000000}"
        case ("PUT", "/v1/players/{player}"): "{\"region\":\"eu\",\"display_name\":\"Ann\"}"
        case ("PUT", _), ("POST", _): ""
        default: nil
        }
    }

    static func isStream(_ template: String) -> Bool { template.hasSuffix("/stream") || template == "/v1/ws" }

    @Test func theSpecDocumentsEveryRouteFamily() throws {
        let paths = Set(try Self.documentedOperations().map(\.path))
        for expected in ["/healthz", "/readyz", "/metrics", "/v1/boards", "/v1/boards/{board}", "/v1/boards/{board}/{window}/top",
                         "/v1/boards/{board}/{window}/players/{player}", "/v1/boards/{board}/{window}/friends/{player}",
                         "/v1/boards/{board}/{window}/periods", "/v1/boards/{board}/{window}/periods/{period}/top",
                         "/v1/boards/{board}/{window}/approximate-rank", "/v1/boards/{board}/{window}/stream", "/v1/scores",
                         "/v1/players/{player}", "/v1/players/{player}/friends/{friend}", "/v1/players/{player}/stream",
                         "/v1/tokens", "/v1/ws"] {
            #expect(paths.contains(expected), "docs/openapi.yaml lacks \(expected)")
        }
    }

    @Test func everyDocumentedRequestOperationIsServed() throws {
        let h = GatewayHarness(boards: [Self.board])
        try h.start()
        h.post([("arena", "bob", 9)])
        for (method, template) in try Self.documentedOperations() where !Self.isStream(template) {
            let r = h.authorized(method, Self.instantiate(template), body: Self.body(method, template))
            let code = json(r?.text)?["error"]?["code"]?.stringValue
            #expect(r != nil, "\(method) \(template): no answer")
            #expect(r.map { $0.status < 500 && $0.status != 405 } ?? false, "\(method) \(template): \(r?.status ?? 0) \(r?.text ?? "")")
            #expect(code != "not_found", "\(method) \(template) is documented but not routed")
        }
    }

    @Test func everyDocumentedStreamStarts() throws {
        let h = GatewayHarness(boards: [Self.board])
        try h.start()
        h.post([("arena", "ann", 3)])
        let token = h.token("ann")
        let requests = [
            ("/v1/boards/{board}/{window}/stream", "GET \(Self.instantiate("/v1/boards/{board}/{window}/stream")) HTTP/1.1\r\nHost: x\r\n\r\n", 200),
            ("/v1/players/{player}/stream", "GET /v1/players/ann/stream?token=\(token) HTTP/1.1\r\nHost: x\r\n\r\n", 200),
            ("/v1/ws", "GET /v1/ws?token=\(token) HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n", 101),
        ]
        let documented = Set(try Self.documentedOperations().map(\.path))
        for (template, request, status) in requests {
            #expect(documented.contains(template))
            let socket = try #require(TestSocket(port: h.port))
            socket.send(request)
            let head = socket.read(until: Array("\r\n\r\n".utf8)).map { String(decoding: $0, as: UTF8.self) } ?? ""
            #expect(head.hasPrefix("HTTP/1.1 \(status) "), "\(template): \(head)")
            if status == 200 { #expect(head.lowercased().contains("content-type: text/event-stream"), "\(template): \(head)") }
        }
    }

    @Test func headAnswersCarryTheHeadOfGetAndNoBody() throws {
        let h = GatewayHarness(boards: [Self.board])
        try h.start()
        h.post([("arena", "ann", 3), ("arena", "bob", 4)])
        let c = h.client()
        for (method, template) in try Self.documentedOperations() where method == "GET" && !Self.isStream(template) {
            let path = Self.instantiate(template)
            let get = try #require(c.request("GET", path))
            // HEAD then a pipelined GET /healthz: a body after the HEAD head would be read as
            // the start of the next response.
            c.send("HEAD", path)
            c.send("GET", "/healthz")
            let head = try #require(c.socket.read(until: Array("\r\n\r\n".utf8)))
            let lines = String(decoding: head, as: UTF8.self).lowercased()
            #expect(lines.hasPrefix("http/1.1 \(get.status) "), "HEAD \(template): \(lines)")
            if template != "/metrics" {
                #expect(lines.contains("content-length: \(get.body.count)\r\n"), "HEAD \(template): \(lines)")
            }
            let next = c.readResponse()
            #expect(next?.status == 200 && next?.text == "{\"status\":\"ok\"}", "HEAD \(template) left bytes behind: \(next?.text ?? "nil")")
        }
    }

    @Test func aPipelinedReadAfterAWriteSeesItThoughTheFirstPageWasCached() throws {
        let h = GatewayHarness(boards: [Self.board])
        try h.start()
        h.post([("arena", "ann", 3)])
        let c = h.client()
        for _ in 0..<2 { #expect(json(c.request("GET", "/v1/boards/arena/alltime/top")?.text)?["total"]?.int64Value == 1) }
        c.send("POST", "/v1/scores", headers: [("Authorization", "Bearer \(GatewayHarness.internalToken)"), ("Content-Type", "application/json")],
               body: "{\"board\":\"arena\",\"player\":\"bob\",\"score\":7}")
        c.send("GET", "/v1/boards/arena/alltime/top")
        let answers = (0..<2).compactMap { _ in c.readResponse() }
        #expect(answers.map(\.status) == [200, 200])
        #expect(json(answers.last?.text)?["total"]?.int64Value == 2)
        #expect(json(h.client().request("GET", "/v1/boards/arena/alltime/top")?.text)?["entries"]?.arrayValue?.first?["player"]?.stringValue == "bob")
    }
}
