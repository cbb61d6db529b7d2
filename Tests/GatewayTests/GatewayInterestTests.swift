// Personal-notification interest end to end: the engine computes personal notifications only
// for the windows someone follows (counted by `overtake_notifications_total`), and an SSE
// player stream, which wants every personal message, turns the filter off.
import Testing
import Glibc
import Gateway
import GatewayProtocols
import LeaderboardEngine
import TestSupport

@Suite(.serialized) struct GatewayInterestTests {
    static let board = BoardDefinition(id: "i", windows: [.alltime, .daily], scopes: [.global], notifyDepth: 3)

    func drain(_ ws: WebSocketTestClient) -> [JSONValue] {
        var tv = timeval(tv_sec: 0, tv_usec: 400_000)
        setsockopt(ws.socket.fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var out: [JSONValue] = []
        while let text = ws.nextText() { if let v = json(text) { out.append(v) } }
        return out
    }

    func produced(_ h: GatewayHarness) -> Int? {
        guard let body = h.client().request("GET", "/metrics")?.text else { return nil }
        let line = body.split(separator: "\n").first { $0.hasPrefix("overtake_notifications_total ") }
        return line.flatMap { Int($0.split(separator: " ")[1]) }
    }

    @Test func onlyFollowedWindowsAreComputedUntilAPlayerStreamWantsEverything() throws {
        let h = GatewayHarness(boards: [Self.board])
        try h.start()
        let ann = try #require(WebSocketTestClient(port: h.port, path: "/v1/ws?token=\(h.token("ann"))"))
        ann.send(text: #"{"type":"subscribe","board":"i","window":"alltime","scope":"global"}"#)
        #expect(drain(ann).map { $0["type"]?.stringValue } == ["ack"])

        h.post([("i", "ann", 10)])
        let first = drain(ann)
        #expect(first.map { $0["type"]?.stringValue } == ["rank", "top_entry"])
        #expect(first.allSatisfy { $0["window"]?.stringValue == "alltime" })
        // Nothing was computed for the daily window (unfiltered, the engine would produce 4).
        let base = try #require(produced(h))
        #expect(base == 2)

        h.post([("i", "ann", 20)])
        _ = drain(ann)
        let oneWindow = try #require(produced(h)) - base
        #expect(oneWindow >= 1)

        // A browser player stream wants every personal message: both windows are computed now.
        let bob = try #require(SSETestClient(port: h.port, path: "/v1/players/bob/stream?token=\(h.token("bob"))"))
        _ = bob
        usleep(200_000)
        let before = try #require(produced(h))
        h.post([("i", "ann", 30)])
        _ = drain(ann)
        #expect(try #require(produced(h)) - before == 2 * oneWindow)
    }
}
