// Message bodies as clients see them: brace-less JSON objects the loops prefix with seq and t.
import Testing
@testable import GatewayFanout
import GatewayProtocols
@testable import LeaderboardEngine

@Suite struct NotificationEncoderTests {
    func engine() throws -> LeaderboardEngine {
        let e = LeaderboardEngine()
        try e.defineBoard(BoardDefinition(id: "arena", windows: [.alltime, .daily], scopes: [.global, .region, .friends]),
                          now: 1_795_392_000_000)
        _ = e.apply([ScoreEvent(board: "arena", player: "ann", score: 5, region: "eu"), ScoreEvent(board: "arena", player: "bob", score: 9)],
                    now: 1_795_392_000_000)
        return e
    }

    func object(_ body: [UInt8]) -> JSONValue? { try? JSONValue(parsing: [0x7B] + body) }

    @Test func anOvertakenBodyNamesBoardPeriodScopeAndOvertaker() throws {
        let e = try engine()
        var encoder = NotificationEncoder()
        var out: [UInt8] = []
        let n = Notification(kind: .overtaken, recipient: 0, board: 0, window: .daily, periodStart: 1_795_392_000_000,
                             scope: .region(e.players.findRegion("eu")!), oldRank: 0, newRank: 2, score: 5, by: 1, byScore: 9, count: 3)
        #expect(encoder.encode(n, engine: e, into: &out) == .overtaken)
        #expect(out.first != 0x7B)
        let v = object(out)
        #expect(v?["type"]?.stringValue == "overtaken")
        #expect(v?["period"]?.stringValue == "2026-11-23")
        #expect(v?["scope"]?.stringValue == "region")
        #expect(v?["region"]?.stringValue == "eu")
        #expect(v?["by"]?.stringValue == "bob")
        #expect(v?["count"]?.int64Value == 3)
        #expect(v?["rank"]?.int64Value == 2)
    }

    @Test func bodiesAppendBackToBackIntoOneBuffer() throws {
        let e = try engine()
        var encoder = NotificationEncoder()
        var out: [UInt8] = []
        let rank = Notification(kind: .rank, recipient: 1, board: 0, window: .alltime, periodStart: .min, scope: .global,
                                oldRank: 0, newRank: 1, score: 9)
        _ = encoder.encode(rank, engine: e, into: &out)
        let first = out.count
        let diff = BoardDiff(board: 0, window: .alltime, periodStart: .min, scope: .global,
                             entered: [.init(player: 1, rank: 1, previousRank: 0, score: 9)],
                             moved: [.init(player: 0, rank: 2, previousRank: 1, score: 5)], left: [], size: 2)
        encoder.encode(diff, engine: e, into: &out)
        #expect(object(Array(out[..<first]))?["new_rank"]?.int64Value == 1)
        let board = object(Array(out[first...]))
        #expect(board?["moved"]?.arrayValue?.first?["from"]?.int64Value == 1)
        #expect(board?["entered"]?.arrayValue?.first?["player"]?.stringValue == "bob")
        #expect(board?["period"]?.stringValue == "alltime")
        #expect(!out.contains(0x0A))   // no raw newlines: safe as one SSE data line
    }
}
