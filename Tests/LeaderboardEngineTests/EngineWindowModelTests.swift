// The engine's windows against a per-window sorted-array reference over seeded random games with
// a clock that crosses day, week and month boundaries: rankings must match after every batch.
import Testing
@testable import LeaderboardEngine
import TestSupport

@Suite struct EngineWindowModelTests {
    @Test(arguments: ScoreOperator.allCases)
    func windowsMatchTheReferenceAcrossRotations(op: ScoreOperator) throws {
        var rng = SeededRandom(label: "EngineWindows.\(op)")
        let calendar = BoardCalendar(utcOffsetMinutes: Int(rng.next() % 1681) - 840, weekStart: Weekday.allCases[Int(rng.next() % 7)])
        let windows: [WindowKind] = [.alltime, .daily, .weekly, .monthly]
        let engine = LeaderboardEngine()
        var now: Int64 = 1_795_392_000_000
        try engine.defineBoard(BoardDefinition(id: "b", scoreOperator: op, windows: windows, calendar: calendar,
                                               archivePeriods: 3, archiveTop: 5), now: now)
        var models = windows.map { _ in ReferenceRanking(order: .descending) }
        var periods = windows.map { calendar.period($0, containing: now) }
        var seq: UInt64 = 0
        var events = 0
        while events < 25_000 {
            now += Int64(rng.next() % 4 * 3_600_000) + Int64(rng.next() % 1000)
            var batch: [ScoreEvent] = []
            for _ in 0..<Int(rng.next() % 20 + 1) {
                batch.append(ScoreEvent(board: "b", player: "p\(rng.next() % 150)", score: Int64(rng.next() % 100) - 20))
            }
            _ = engine.apply(batch, now: now)
            for event in batch {
                seq += 1
                let p = engine.players.find(event.player)!
                for (i, kind) in windows.enumerated() {
                    let period = calendar.period(kind, containing: now)
                    if period != periods[i] {
                        periods[i] = period
                        models[i] = ReferenceRanking(order: .descending)
                    }
                    let current = models[i].row(of: p)?.score
                    let score = op.combine(current: current, incoming: event.score, order: .descending)!
                    models[i].upsert(p, score: score, seq: seq)
                }
            }
            events += batch.count
            for (i, kind) in windows.enumerated() {
                let page = try engine.top(board: "b", window: kind, limit: 1000)
                #expect(page.period == periods[i], "seed \(rng.seed): \(kind) period")
                let got = page.entries.map { [Int64($0.player), $0.score] }
                let want = models[i].rows.map { [Int64($0.player), $0.score] }
                if got != want {
                    Issue.record("seed \(rng.seed) after \(events) events: \(kind) ranking differs")
                    return
                }
            }
        }
        #expect(try engine.periods(board: "b", window: .daily).count == 3)
    }
}
