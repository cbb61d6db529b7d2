// Slow consumers over loopback: a client that stops reading is disconnected (WebSocket 1013)
// once its personal backlog is too old, while a healthy client on the same board receives every
// diff in order; a spectator that falls further behind than the loop's spectator log keeps gets
// the latest snapshot in place of the diffs it missed. Memory stays bounded: spectator diffs wait
// in the shared log, not per connection.
import Testing
import Glibc
import Gateway
import GatewayProtocols
import LeaderboardEngine
import TestSupport

@Suite(.serialized) struct GatewayBackpressureTests {
    @Test func aSlowConsumerIsDisconnectedWhileAHealthyOneGetsEverything() throws {
        let h = GatewayHarness(boards: [BoardDefinition(id: "g", scoreOperator: .latest, notifyDepth: 200)]) { c in
            c.push.softLimitBytes = 2048
            c.push.hardLimitBytes = 8 << 20
            c.push.maxPersonalAgeMilliseconds = 300
            c.push.socketSendBufferBytes = 4096
        }
        try h.start()
        h.post((0..<300).map { ("g", "p\($0)", Int64($0)) })
        let slow = WebSocketTestClient(port: h.port, path: "/v1/ws?token=\(h.token("p150"))", receiveBufferBytes: 2048)!
        slow.send(text: "{\"type\":\"subscribe\",\"board\":\"g\",\"window\":\"alltime\",\"scope\":\"global\"}")
        slow.send(text: "{\"type\":\"spectate\",\"board\":\"g\",\"window\":\"alltime\"}")
        let healthy = WebSocketTestClient(port: h.port, path: "/v1/ws?token=\(h.token("watcher"))")!
        healthy.send(text: "{\"type\":\"spectate\",\"board\":\"g\",\"window\":\"alltime\"}")
        #expect(json(healthy.nextText())?["type"]?.stringValue == "snapshot")

        // Churn the top 200 hard; the slow client never reads again.
        var rng = SeededRandom(seed: 11)
        var lastID: UInt64 = 0
        var gaps = 0, received = 0
        var disconnected = false
        for round in 0..<2000 {
            let events = (0..<40).map { _ in ("g", "p\(rng.next() % 300)", Int64(rng.next() % 1000)) }
            // Keep p150 inside the top so it is overtaken (personal messages) every round.
            h.post(events + [("g", "p150", Int64(500 + round % 7))])
            while healthy.socket.buffered.isEmpty == false || pollReadable(healthy.socket.fd) {
                guard let text = healthy.nextText(), let m = json(text) else { break }
                if let id = m["id"]?.int64Value.map(UInt64.init) {
                    if lastID != 0 && id != lastID + 1 && m["type"]?.stringValue == "board" { gaps += 1 }
                    lastID = id
                    received += 1
                }
            }
            let metrics = h.client().request("GET", "/metrics")?.text ?? ""
            if metrics.contains("overtake_disconnects_total{reason=\"personal_backlog_age\"} 1")
                || metrics.contains("overtake_disconnects_total{reason=\"slow_consumer\"} 1") {
                disconnected = true
                break
            }
        }
        let metrics = h.client().request("GET", "/metrics")?.text ?? ""
        #expect(disconnected, "the slow consumer was never disconnected")
        #expect(gaps == 0, "the healthy client missed diffs")
        #expect(received > 10)
        #expect(metrics.contains("overtake_disconnects_total{reason=\"slow_consumer\"} 0"), "the hard limit was not reached")
        // The slow client, once it reads again, finds a 1013 close after what was queued.
        var tv = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(slow.socket.fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        #expect(slow.nextClose() == .some(WebSocketCloseCode.tryAgainLater))
    }

    @Test func aSpectatorFurtherBehindThanTheLogGetsTheLatestSnapshotInsteadOfTheMissedDiffs() throws {
        let h = GatewayHarness(boards: [BoardDefinition(id: "g", scoreOperator: .latest, notifyDepth: 50)]) { c in
            c.push.softLimitBytes = 2048
            c.push.socketSendBufferBytes = 4096
        }
        try h.start()
        h.post((0..<100).map { ("g", "p\($0)", Int64($0)) })
        let lagging = WebSocketTestClient(port: h.port, path: "/v1/ws?token=\(h.token("viewer"))", receiveBufferBytes: 2048)!
        lagging.send(text: "{\"type\":\"spectate\",\"board\":\"g\",\"window\":\"alltime\"}")
        #expect(json(lagging.nextText())?["type"]?.stringValue == "snapshot")
        // The client reads nothing while the top 50 churns: its socket fills, its diffs wait in
        // the loop's log, and the log (64 diffs) overflows.
        var rng = SeededRandom(seed: 5)
        for _ in 0..<300 {
            h.post((0..<10).map { _ in ("g", "p\(rng.next() % 100)", Int64(rng.next() % 1000)) })
        }
        // Reading again (until the stream is quiet): diffs follow each other without a gap,
        // except where a snapshot (with every row) takes the place of the diffs that were dropped.
        var lastID: UInt64 = 0
        var diffs = 0, snapshots = 0, gapsWithoutSnapshot = 0
        while !lagging.socket.buffered.isEmpty || pollReadable(lagging.socket.fd, milliseconds: 1_000),
              let text = lagging.nextText(), let m = json(text) {
            guard let id = m["id"]?.int64Value.map(UInt64.init) else { continue }
            switch m["type"]?.stringValue {
            case "board":
                if lastID != 0 && id != lastID + 1 { gapsWithoutSnapshot += 1 }
                diffs += 1
            case "snapshot":
                #expect(id > lastID)
                snapshots += 1
            default: break
            }
            lastID = id
        }
        #expect(gapsWithoutSnapshot == 0)
        #expect(snapshots >= 1, "the lagging client got no snapshot in place of its missed diffs")
        #expect(diffs < 300, "every diff was delivered: nothing was coalesced")
        let metrics = h.client().request("GET", "/metrics")?.text ?? ""
        #expect(!metrics.contains("overtake_coalesced_diffs_total 0\n"), "no spectator diff was counted as coalesced")
    }
}

/// Whether `fd` has bytes to read right now.
func pollReadable(_ fd: Int32, milliseconds: Int32 = 20) -> Bool {
    var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
    return poll(&p, 1, milliseconds) > 0
}

