// Engine behaviour through its public API: operators, validation, idempotency, regions,
// friends, windows and archives, pagination and standings.
import Testing
@testable import LeaderboardEngine
import TestSupport

@Suite struct LeaderboardEngineTests {
    static let t0: Int64 = 1_795_392_000_000   // 2026-11-23T00:00:00Z (Monday)
    static let day: Int64 = 86_400_000

    func engine(_ def: BoardDefinition = BoardDefinition(id: "b"), configuration: EngineConfiguration = EngineConfiguration()) -> LeaderboardEngine {
        let e = LeaderboardEngine(configuration: configuration)
        _ = try! e.defineBoard(def, now: Self.t0)
        return e
    }

    func post(_ e: LeaderboardEngine, _ player: String, _ score: Int64, board: String = "b", id: String? = nil,
              region: String? = nil, at: Int64? = nil, now: Int64 = t0) -> (EventResult, [WindowChange]) {
        let out = e.apply([ScoreEvent(board: board, player: player, score: score, eventID: id, region: region, at: at)], now: now)
        return (out.results[0], Array(out.changes[out.results[0].changes]))
    }

    func topScores(_ e: LeaderboardEngine, _ window: WindowKind = .alltime, board: String = "b") -> [String] {
        try! e.top(board: board, window: window, limit: 100).entries.map { "\(e.players.name(of: $0.player))=\($0.score)" }
    }

    @Test func bestKeepsThePersonalBestInBoardOrder() {
        let desc = engine()
        _ = post(desc, "a", 10); _ = post(desc, "a", 5); _ = post(desc, "a", 12)
        #expect(topScores(desc) == ["a=12"])
        let asc = engine(BoardDefinition(id: "b", order: .ascending))
        _ = post(asc, "a", 10); _ = post(asc, "a", 12); _ = post(asc, "a", 7)
        #expect(topScores(asc) == ["a=7"])
    }

    @Test func sumAddsAndRejectsOverflowWithoutApplyingIt() {
        let e = engine(BoardDefinition(id: "b", scoreOperator: .sum))
        _ = post(e, "a", 10); _ = post(e, "a", -3)
        #expect(topScores(e) == ["a=7"])
        _ = post(e, "a", Int64.max - 7)
        let (result, _) = post(e, "a", 1)
        #expect(result.status == .rejected(.scoreOverflow))
        #expect(topScores(e) == ["a=\(Int64.max)"])
    }

    @Test func latestReplacesAndMinKeepsTheLowest() {
        let latest = engine(BoardDefinition(id: "b", scoreOperator: .latest))
        _ = post(latest, "a", 10); _ = post(latest, "a", 3)
        #expect(topScores(latest) == ["a=3"])
        let minimum = engine(BoardDefinition(id: "b", scoreOperator: .min))
        _ = post(minimum, "a", 10); _ = post(minimum, "a", 30); _ = post(minimum, "a", 4)
        #expect(topScores(minimum) == ["a=4"])
    }

    @Test func eventsOutsideTheScoreRangeAreRejectedWithTheRange() {
        let e = engine(BoardDefinition(id: "b", minScore: 0, maxScore: 1000))
        #expect(post(e, "a", 1001).0.status == .rejected(.scoreOutOfRange(min: 0, max: 1000)))
        #expect(post(e, "a", -1).0.status == .rejected(.scoreOutOfRange(min: 0, max: 1000)))
        #expect(post(e, "a", 1000).0.status == .accepted)
    }

    @Test func invalidInputIsRejectedWithAReason() {
        let e = engine()
        #expect(post(e, "a", 1, board: "nope").0.status == .rejected(.unknownBoard("nope")))
        #expect(post(e, "", 1).0.status == .rejected(.invalidPlayer(.empty)))
        #expect(post(e, String(repeating: "x", count: 65), 1).0.status == .rejected(.invalidPlayer(.tooLong(bytes: 65, limit: 64))))
        #expect(post(e, "a\u{7}", 1).0.status == .rejected(.invalidPlayer(.controlCharacter)))
        #expect(post(e, "a", 1, region: "eu west").0.status == .rejected(.invalidRegion(.invalidCharacter)))
        #expect(post(e, "a", 1, at: Self.t0 + 61_000).0.status == .rejected(.timeInFuture(aheadMillis: 61_000)))
        #expect(e.players.count == 0)
    }

    @Test func aRetriedEventIsAppliedOnceAndGetsTheOriginalAnswer() {
        let e = engine(BoardDefinition(id: "b", scoreOperator: .sum))
        let (first, firstChanges) = post(e, "a", 5, id: "match-1")
        _ = post(e, "b", 7)
        let (again, againChanges) = post(e, "a", 5, id: "match-1", now: Self.t0 + 1000)
        #expect(first.status == .accepted)
        #expect(again.status == .duplicate)
        #expect(againChanges == firstChanges)
        #expect(topScores(e) == ["b=7", "a=5"])
        // After the idempotency window the id is forgotten.
        let (late, _) = post(e, "a", 5, id: "match-1", now: Self.t0 + Self.day + 1)
        #expect(late.status == .accepted)
        #expect(topScores(e) == ["a=10", "b=7"])
    }

    @Test func duplicatesInsideOneBatchApplyOnce() {
        let e = engine(BoardDefinition(id: "b", scoreOperator: .sum))
        let out = e.apply([ScoreEvent(board: "b", player: "a", score: 1, eventID: "x"),
                           ScoreEvent(board: "b", player: "a", score: 1, eventID: "x")], now: Self.t0)
        #expect(out.results.map(\.status) == [.accepted, .duplicate])
        #expect(topScores(e) == ["a=1"])
    }

    @Test func theIdempotencyMemoryIsBounded() {
        let e = engine(configuration: EngineConfiguration(dedupeCapacity: 100))
        for i in 0..<1000 { _ = post(e, "p\(i)", Int64(i), id: "id-\(i)") }
        #expect(e.deduplicator.count == 100)
        #expect(post(e, "p999", 999, id: "id-999").0.status == .duplicate)
        #expect(post(e, "p0", 0, id: "id-0").0.status == .accepted)
    }

    @Test func regionsRankSeparatelyAndFollowRegionChanges() throws {
        let e = engine(BoardDefinition(id: "b", scopes: [.global, .region]))
        _ = post(e, "a", 30, region: "eu")
        _ = post(e, "b", 20, region: "us")
        let (_, changes) = post(e, "c", 10, region: "eu")
        #expect(changes.map(\.newRank) == [3, 2])
        #expect(try e.top(board: "b", window: .alltime, scope: .region("eu"), limit: 10).entries.map(\.score) == [30, 10])
        try e.updatePlayer("a", region: "us", displayName: nil)
        #expect(try e.top(board: "b", window: .alltime, scope: .region("us"), limit: 10).entries.map(\.score) == [30, 20])
        #expect(try e.standing(board: "b", window: .alltime, player: "c", scope: .region("eu")).rank == 1)
        // Ties in the new region keep the earlier achiever first.
        _ = post(e, "d", 30, region: "eu")
        try e.updatePlayer("d", region: "us", displayName: nil)
        #expect(try e.top(board: "b", window: .alltime, scope: .region("us"), limit: 10).entries.map { e.players.name(of: $0.player) } == ["a", "d", "b"])
    }

    @Test func friendshipsAreSymmetricAndCapped() throws {
        let e = engine(BoardDefinition(id: "b", scopes: [.global, .friends]), configuration: EngineConfiguration(friendLimit: 2))
        #expect(try e.addFriends("a", "b"))
        #expect(try !e.addFriends("b", "a"))
        try e.addFriends("a", "c")
        #expect(throws: EngineError.friendLimit(player: "a", limit: 2)) { try e.addFriends("a", "d") }
        #expect(throws: EngineError.self) { try e.addFriends("a", "a") }
        _ = post(e, "a", 10); _ = post(e, "b", 30); _ = post(e, "c", 20); _ = post(e, "z", 99)
        let board = try e.friendsBoard(board: "b", window: .alltime, player: "a")
        #expect(board.entries.map { e.players.name(of: $0.player) } == ["b", "c", "a"])
        #expect(board.rank == 3)
        #expect(try e.removeFriends("b", "a"))
        #expect(throws: EngineError.self) { try e.removeFriends("a", String(repeating: "x", count: 65)) }
        #expect(try e.friendsBoard(board: "b", window: .alltime, player: "a").rank == 2)
    }

    @Test func windowsRotateLazilyAndArchiveTheirTop() throws {
        let e = engine(BoardDefinition(id: "b", windows: [.alltime, .daily], archivePeriods: 2, archiveTop: 2))
        _ = post(e, "a", 10); _ = post(e, "b", 20); _ = post(e, "c", 5)
        #expect(topScores(e, .daily) == ["b=20", "a=10", "c=5"])
        // First event after midnight rotates the daily window only.
        _ = post(e, "a", 1, now: Self.t0 + Self.day + 5)
        #expect(topScores(e, .daily) == ["a=1"])
        #expect(topScores(e, .alltime) == ["b=20", "a=10", "c=5"])
        let archived = try e.archivedPeriod(board: "b", window: .daily, label: "2026-11-23")
        #expect(archived.top.map(\.score) == [20, 10])
        #expect(archived.totalPlayers == 3)
        _ = post(e, "a", 1, now: Self.t0 + 2 * Self.day)
        _ = post(e, "a", 1, now: Self.t0 + 3 * Self.day)
        #expect(try e.periods(board: "b", window: .daily).map(\.period.label) == ["2026-11-24", "2026-11-25"])
    }

    @Test func explicitRotationEmptiesIdleWindowsAndReportsNextBoundary() throws {
        let e = engine(BoardDefinition(id: "b", windows: [.weekly, .monthly]))
        _ = post(e, "a", 10)
        #expect(e.nextRotation == Self.t0 + 7 * Self.day)
        #expect(e.rotateWindows(now: Self.t0 + Self.day).isEmpty)
        let rotated = e.rotateWindows(now: Self.t0 + 7 * Self.day)
        #expect(rotated.map(\.window) == [.weekly])
        #expect(try e.top(board: "b", window: .weekly, limit: 10).total == 0)
        #expect(try e.top(board: "b", window: .monthly, limit: 10).total == 1)
    }

    @Test func lateEventsSkipClosedPeriodsButCountElsewhere() {
        let e = engine(BoardDefinition(id: "b", windows: [.alltime, .daily]))
        _ = post(e, "a", 10, now: Self.t0 + Self.day)
        let (result, changes) = post(e, "b", 50, at: Self.t0 + 10, now: Self.t0 + Self.day + 10)
        #expect(result.lateWindows == [.daily])
        #expect(changes.map(\.window) == [.alltime])
        #expect(topScores(e, .daily) == ["a=10"])
    }

    @Test func pagesByOffsetAndCursorCoverEveryMemberOnce() throws {
        let e = engine()
        for i in 0..<250 { _ = post(e, "p\(i)", Int64(i % 40)) }
        var seen: [String] = []
        var cursor: String?
        repeat {
            let page = try e.top(board: "b", window: .alltime, limit: 30, cursor: cursor)
            seen += page.entries.map { e.players.name(of: $0.player) }
            cursor = page.nextCursor
        } while cursor != nil
        #expect(seen.count == 250)
        #expect(Set(seen).count == 250)
        let byOffset = try e.top(board: "b", window: .alltime, limit: 10, offset: 240)
        #expect(byOffset.entries.map(\.rank) == Array(241...250))
        #expect(byOffset.nextCursor == nil)
        #expect(throws: EngineError.invalidCursor) { try e.top(board: "b", window: .alltime, limit: 1, cursor: "zz") }
    }

    @Test func standingReportsRankPercentileAndNeighbours() throws {
        let e = engine()
        for i in 1...101 { _ = post(e, "p\(i)", Int64(i)) }
        let s = try e.standing(board: "b", window: .alltime, player: "p51", around: 2)
        #expect(s.rank == 51)
        #expect(s.percentile == 50)
        #expect(s.around.map(\.rank) == [49, 50, 51, 52, 53])
        #expect(try e.standing(board: "b", window: .alltime, player: "p101", around: 2).around.map(\.rank) == [1, 2, 3])
        #expect(throws: EngineError.unknownPlayer("nobody")) { try e.standing(board: "b", window: .alltime, player: "nobody") }
    }

    @Test func approximateRankIsWithinItsStatedBound() throws {
        let e = engine()
        var rng = SeededRandom(seed: 7)
        for i in 0..<5000 { _ = post(e, "p\(i)", Int64(rng.next() % 1_000_000)) }
        for probe in stride(from: Int64(0), to: 1_000_000, by: 9_973) {
            let approx = try e.approximateRank(board: "b", window: .alltime, score: probe)
            let exact = e.boards[0].windows[0].global.countBetter(than: probe) + 1
            #expect(abs(approx.rank - exact) <= approx.errorBound)
            #expect(approx.errorBound <= 5000 / 16)
        }
    }

    @Test func immutableFieldsCannotChangeButWindowsCan() throws {
        let e = engine()
        #expect(throws: EngineError.immutableField(board: "b", field: "order")) {
            try e.defineBoard(BoardDefinition(id: "b", order: .ascending), now: Self.t0)
        }
        _ = post(e, "a", 1)
        let (_, created) = try e.defineBoard(BoardDefinition(id: "b", windows: [.alltime, .daily]), now: Self.t0)
        #expect(!created)
        #expect(topScores(e) == ["a=1"])
        #expect(topScores(e, .daily) == [])
        #expect(throws: EngineError.invalidField("notify_depth", "must be between 1 and 1000")) {
            try e.defineBoard(BoardDefinition(id: "c", notifyDepth: 0), now: Self.t0)
        }
    }
}

