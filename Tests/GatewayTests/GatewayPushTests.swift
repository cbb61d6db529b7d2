// Push end to end over loopback against the real gateway: a scripted game where every expected
// notification reaches exactly the right connections once (and nothing else arrives), spectator
// SSE with Last-Event-ID reconnects, 600 spectators of two streams each getting every diff once
// and in order, and authentication failures.
import Testing
import Glibc
import Gateway
import GatewayProtocols
import LeaderboardEngine
import TestSupport

@Suite(.serialized) struct GatewayPushTests {
    static let board = BoardDefinition(id: "g", windows: [.alltime], scopes: [.global, .region, .friends], notifyDepth: 3)

    /// Reads text messages until `quiet` seconds pass with none; returns them as JSON values.
    func drain(_ ws: WebSocketTestClient, quietMilliseconds: Int = 400) -> [JSONValue] {
        var tv = timeval(tv_sec: 0, tv_usec: quietMilliseconds * 1000)
        setsockopt(ws.socket.fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var out: [JSONValue] = []
        while let text = ws.nextText() { if let v = json(text) { out.append(v) } }
        return out
    }

    func connect(_ h: GatewayHarness, _ player: String, subscribe scopes: [String], spectate: Bool = false) -> WebSocketTestClient {
        let ws = WebSocketTestClient(port: h.port, path: "/v1/ws?token=\(h.token(player))")!
        for scope in scopes { ws.send(text: "{\"type\":\"subscribe\",\"board\":\"g\",\"window\":\"alltime\",\"scope\":\"\(scope)\"}") }
        if spectate { ws.send(text: "{\"type\":\"spectate\",\"board\":\"g\",\"window\":\"alltime\"}") }
        return ws
    }

    func summary(_ m: JSONValue) -> String {
        let type = m["type"]?.stringValue ?? "?"
        let scope = m["scope"]?.stringValue ?? ""
        switch type {
        case "rank": return "rank \(scope) \(m["old_rank"]?.int64Value ?? -1)->\(m["new_rank"]?.int64Value ?? -1)"
        case "overtaken": return "overtaken \(scope) by \(m["by"]?.stringValue ?? "") now \(m["rank"]?.int64Value ?? -1)"
        case "top_entry", "top_exit": return "\(type) \(scope) \(m["rank"]?.int64Value ?? -1)"
        default: return type
        }
    }

    @Test func aScriptedGameDeliversEachNotificationExactlyOnceToTheRightConnections() throws {
        let h = GatewayHarness(boards: [Self.board])
        try h.start()
        h.post([("g", "ann", 30), ("g", "bob", 20), ("g", "cat", 10)], region: "eu")
        #expect(h.authorized("PUT", "/v1/players/dan", body: "{\"region\":\"us\"}")?.status == 200)
        #expect(h.authorized("PUT", "/v1/players/ann/friends/dan")?.status == 200)
        let ann = connect(h, "ann", subscribe: ["global", "friends"])
        let bob = connect(h, "bob", subscribe: ["global", "friends"])
        let cat = connect(h, "cat", subscribe: ["global"])
        let dan = connect(h, "dan", subscribe: ["global", "friends"])
        let spectator = connect(h, "eve", subscribe: [], spectate: true)
        for ws in [ann, bob, cat, dan] { #expect(drain(ws).map { $0["type"]?.stringValue } .allSatisfy { $0 == "ack" }) }
        #expect(drain(spectator).first?["type"]?.stringValue == "snapshot")

        // dan jumps to first: passes ann (a friend), bob and cat inside the top 3; cat drops out.
        h.post([("g", "dan", 40)])
        #expect(drain(dan).map(summary).sorted() == ["rank friends 0->1", "rank global 0->1", "top_entry global 1"])
        #expect(drain(ann).map(summary).sorted() == ["overtaken friends by dan now 2", "overtaken global by dan now 2"])
        #expect(drain(bob).map(summary) == ["overtaken global by dan now 3"])
        #expect(drain(cat).map(summary).sorted() == ["overtaken global by dan now 4", "top_exit global 4"])
        let diffs = drain(spectator)
        #expect(diffs.count == 1)
        #expect(diffs.first?["entered"]?.arrayValue?.first?["player"]?.stringValue == "dan")
        #expect(diffs.first?["left"]?.arrayValue?.first?["player"]?.stringValue == "cat")

        // A new player below the top K changes nobody's top K: spectators hear only the new size.
        h.post([("g", "zed", 5)])
        let sizeOnly = drain(spectator)
        #expect(sizeOnly.map { $0["size"]?.int64Value } == [5])
        #expect(sizeOnly.first?["entered"]?.arrayValue?.isEmpty == true && sizeOnly.first?["moved"]?.arrayValue?.isEmpty == true)
        #expect(drain(cat).isEmpty)
        // A move below the top K by a known player: only the mover hears of it.
        h.post([("g", "zed", 6)])
        #expect(drain(spectator).isEmpty)
        #expect(drain(cat).isEmpty)

        // Every message carries a per-connection seq (1, 2, 3 …) and a send time.
        let fresh = connect(h, "bob", subscribe: ["global"])
        let ack = drain(fresh)
        #expect(ack.first?["seq"]?.int64Value == 1)
        #expect((ack.first?["t"]?.int64Value ?? 0) > 1_700_000_000_000_000_000)
    }

    @Test func resumeReplaysMissedPersonalMessages() throws {
        let h = GatewayHarness(boards: [Self.board])
        try h.start()
        h.post([("g", "ann", 30)])
        var ann: WebSocketTestClient? = connect(h, "ann", subscribe: ["global"])
        _ = drain(ann!)
        h.post([("g", "bob", 40)])
        let first = drain(ann!)
        let pseq = first.first?["pseq"]?.int64Value ?? 0
        #expect(first.map(summary) == ["overtaken global by bob now 2"])
        ann = nil   // disconnect
        h.post([("g", "cat", 50)])
        let back = connect(h, "ann", subscribe: ["global"])
        back.send(text: "{\"type\":\"resume\",\"last_pseq\":\(pseq)}")
        let missed = drain(back).filter { $0["type"]?.stringValue != "ack" }
        #expect(missed.map(summary) == ["overtaken global by cat now 3"])
        #expect(missed.first?["pseq"]?.int64Value == pseq + 1)
        // A pseq from before the buffer (or a restart) reads as a gap: reset.
        let stale = connect(h, "ann", subscribe: [])
        stale.send(text: "{\"type\":\"resume\",\"last_pseq\":1}")
        #expect(drain(stale).first?["type"]?.stringValue == "reset")
    }

    @Test func badTokensAreRefusedBeforeOrAfterTheUpgrade() throws {
        let h = GatewayHarness(boards: [Self.board])
        try h.start()
        let forged = WebSocketTestClient(port: h.port, path: "/v1/ws?token=v1.YW5u.9999999999.AAAA")!
        #expect(forged.handshakeStatus == 401)
        let expired = WebSocketTestClient(port: h.port, path: "/v1/ws?token=\(h.token("ann", ttl: -10))")!
        #expect(expired.handshakeStatus == 401)
        let late = WebSocketTestClient(port: h.port, path: "/v1/ws")!
        #expect(late.handshakeStatus == 101)
        late.send(text: "{\"type\":\"auth\",\"token\":\"nonsense\"}")
        #expect(late.nextClose() == .some(WebSocketCloseCode.policyViolation))
        let ok = WebSocketTestClient(port: h.port, path: "/v1/ws")!
        ok.send(text: "{\"type\":\"auth\",\"token\":\"\(h.token("ann"))\"}")
        ok.send(text: "{\"type\":\"ping\",\"id\":9}")
        #expect(json(ok.nextText())?["type"]?.stringValue == "pong")
    }

    @Test func spectatorStreamsReplayMissedDiffsByLastEventID() throws {
        // One I/O loop, so every stream below shares the loop's spectator log.
        let h = GatewayHarness(boards: [Self.board]) { $0.listen.ioThreads = 1 }
        try h.start()
        h.post([("g", "ann", 30), ("g", "bob", 20)])
        let sse = SSETestClient(port: h.port, path: "/v1/boards/g/alltime/stream")!
        #expect(sse.status == 200)
        let snapshot = sse.next()
        #expect(snapshot?.type == "snapshot")
        h.post([("g", "cat", 25)])
        let diff = sse.next()
        #expect(diff?.type == "board")
        let lastID = diff?.lastEventID ?? ""
        // Disconnected: two more changes happen.
        let afterCount = 2
        h.post([("g", "dan", 35)])
        h.post([("g", "eve", 40)])
        let resumed = SSETestClient(port: h.port, path: "/v1/boards/g/alltime/stream", headers: [("Last-Event-ID", lastID)])!
        let replay = (0..<afterCount).compactMap { _ in resumed.next() }
        #expect(replay.map { $0.type } == ["board", "board"])
        let ids: [UInt64] = replay.compactMap { UInt64($0.lastEventID) }
        let base = UInt64(lastID) ?? 0
        #expect(ids == [base + 1, base + 2])
        #expect(json(replay.last?.data)?["entered"]?.arrayValue?.first?["player"]?.stringValue == "eve")
        // Up to date (the stream's last id): nothing is replayed — not even the diffs the loop's
        // spectator log still holds for the spectators that stayed — and the next change comes alone.
        let latest = ids.last ?? 0
        let upToDate = SSETestClient(port: h.port, path: "/v1/boards/g/alltime/stream", headers: [("Last-Event-ID", String(latest))])!
        #expect(upToDate.status == 200)
        h.post([("g", "fay", 50)])
        let live = upToDate.next()
        #expect(live?.type == "board")
        #expect(live?.lastEventID == String(latest + 1))
        // An id the server never issued: reset, then a fresh snapshot.
        let unknown = SSETestClient(port: h.port, path: "/v1/boards/g/alltime/stream?lastEventId=12345")!
        #expect(unknown.next()?.type == "reset")
        #expect(unknown.next()?.type == "snapshot")
        // Unknown board: a JSON 404, not a stream.
        let missing = SSETestClient(port: h.port, path: "/v1/boards/nope/alltime/stream")!
        #expect(missing.status == 404)
    }

    @Test func manySpectatorsOfTwoStreamsGetEveryDiffOnceAndInOrder() throws {
        // One I/O loop and 600 spectators of two streams: a pass over a stream's spectators takes
        // several slices (256 pumps each), so diffs of later posts arrive while passes are running.
        let board = BoardDefinition(id: "m", windows: [.alltime, .daily], notifyDepth: 10)
        let h = GatewayHarness(boards: [board]) { $0.listen.ioThreads = 1 }
        try h.start()
        h.post([("m", "seed", 1)])
        let clients = (0..<600).map { i -> WebSocketTestClient in
            let ws = WebSocketTestClient(port: h.port, path: "/v1/ws?token=\(h.token("s\(i)"))")!
            for window in ["alltime", "daily"] { ws.send(text: "{\"type\":\"spectate\",\"board\":\"m\",\"window\":\"\(window)\"}") }
            return ws
        }
        for ws in clients {
            var tv = timeval(tv_sec: 10, tv_usec: 0)
            setsockopt(ws.socket.fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
            let snapshots = (0..<2).compactMap { _ in ws.nextText().flatMap(json) }
            #expect(snapshots.map { $0["type"]?.stringValue } == ["snapshot", "snapshot"])
        }
        // Each post puts a new leader on both windows: one diff per window per post.
        let posts = 20
        for k in 0..<posts { h.post([("m", "p\(k)", Int64(100 + k))]) }
        var ids: [String: [Int64]] = [:]
        for (i, ws) in clients.enumerated() {
            ids = [:]
            for _ in 0..<(2 * posts) {
                guard let m = ws.nextText().flatMap(json) else { break }
                #expect(m["type"]?.stringValue == "board")
                ids[m["window"]?.stringValue ?? "?", default: []].append(m["id"]?.int64Value ?? -1)
            }
            for window in ["alltime", "daily"] {
                let got = ids[window] ?? []
                let first = got.first ?? 0
                #expect(got == Array(first..<first + Int64(posts)), "spectator \(i), \(window): \(got)")
            }
            if ids.values.map(\.count).reduce(0, +) != 2 * posts { break }  // one failure is enough
        }
        // Nothing more arrives anywhere within 200 ms (no diff is delivered twice).
        var fds = clients.map { pollfd(fd: $0.socket.fd, events: Int16(POLLIN), revents: 0) }
        #expect(clients.allSatisfy { $0.socket.buffered.isEmpty })
        #expect(poll(&fds, nfds_t(fds.count), 200) == 0)
    }
}
