// Spectator snapshots (EngineService+Fanout) against the real gateway: the cached snapshot is
// not served after the board's size changed without a top-K diff.
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
}
