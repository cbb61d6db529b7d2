// Spectator snapshots and diffs (EngineService+Fanout) against the real gateway: a snapshot
// follows the board's size, and a player joining below the top K reaches spectators as a
// size-only diff.
import Testing
import Gateway
import LeaderboardEngine
import TestSupport

@Suite(.serialized) struct EngineServiceFanoutTests {
    /// The `size` of the first snapshot a new spectator of board s receives.
    private func snapshotSize(_ h: GatewayHarness) -> Int64? {
        let sse = SSETestClient(port: h.port, path: "/v1/boards/s/alltime/stream")!
        let event = sse.next()
        #expect(event?.type == "snapshot")
        return json(event?.data)?["size"]?.int64Value
    }

    @Test func snapshotSizeFollowsPlayersOutsideTheTop() throws {
        let h = GatewayHarness(boards: [BoardDefinition(id: "s", windows: [.alltime], scopes: [.global], notifyDepth: 1)])
        try h.start()
        #expect(h.post([("s", "a", 10)])?.status == 200)
        #expect(snapshotSize(h) == 1)
        // Below the top 1: no diff, but one more player.
        #expect(h.post([("s", "b", 5)])?.status == 200)
        #expect(snapshotSize(h) == 2)
    }

    @Test func spectatorsHearTheSizeWhenAPlayerJoinsBelowTheTop() throws {
        let h = GatewayHarness(boards: [BoardDefinition(id: "s", windows: [.alltime], scopes: [.global], notifyDepth: 1)])
        try h.start()
        #expect(h.post([("s", "a", 10)])?.status == 200)
        let sse = try #require(SSETestClient(port: h.port, path: "/v1/boards/s/alltime/stream"))
        #expect(sse.next()?.type == "snapshot")
        #expect(h.post([("s", "b", 5)])?.status == 200)
        let event = sse.next()
        let diff = json(event?.data)
        #expect(event?.type == "board")
        #expect(diff?["size"]?.int64Value == 2)
        #expect(diff?["entered"]?.arrayValue?.isEmpty == true && diff?["moved"]?.arrayValue?.isEmpty == true
                && diff?["left"]?.arrayValue?.isEmpty == true)
    }
}
