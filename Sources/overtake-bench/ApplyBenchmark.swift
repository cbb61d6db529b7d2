// Engine batch-apply throughput: LeaderboardEngine.apply on one board (`--operator`, default best;
// `--windows`, default alltime) with a given player population, with or without event ids, in
// batches like the gateway's ticks. `--audience N` makes N players (spread over the population)
// present with personal interest in every window, so the rank-change detector has work to do.
import Glibc
import LeaderboardEngine

struct ApplyBenchmark {
    let options: BenchOptions

    func run() {
        let players = options.int("players", 1_000_000)
        let batch = options.int("batch", 1000)
        let total = options.int("events", 3_000_000)
        let withIDs = options.int("event-ids", 1) == 1
        let windows = options.string("windows", "alltime").split(separator: ",").compactMap { WindowKind(rawValue: String($0)) }
        let op = ScoreOperator(rawValue: options.string("operator", "best")) ?? .best
        let engine = LeaderboardEngine()
        let now: Int64 = 1_795_392_000_000
        _ = try? engine.defineBoard(BoardDefinition(id: "b", scoreOperator: op, windows: windows), now: now)
        var rng = SplitMix(seed: 7)
        let names = (0..<players).map { "player-\($0)" }
        // Warm up: every player gets a score, so the measured part updates existing members.
        var warm: [ScoreEvent] = []
        for p in 0..<players {
            warm.append(ScoreEvent(board: "b", player: names[p], score: Int64(rng.next() % 1_000_000)))
            if warm.count == batch { _ = engine.apply(warm, now: now); warm.removeAll(keepingCapacity: true) }
        }
        _ = engine.apply(warm, now: now)
        let audience = min(options.int("audience", 0), players)
        if audience > 0, let bi = engine.board(named: "b") {
            for w in windows { engine.setPersonalInterest(board: bi, window: w, scope: .global, true) }
            for p in 0..<audience { _ = try? engine.setInAudience(names[p * (players / audience)], true) }
        }
        var batches: [[ScoreEvent]] = []
        var n = 0
        while n < total {
            var events: [ScoreEvent] = []
            events.reserveCapacity(batch)
            for _ in 0..<batch {
                let p = Int(rng.next() % UInt64(players))
                events.append(ScoreEvent(board: "b", player: names[p], score: Int64(rng.next() % 1_000_000),
                                         eventID: withIDs ? "match-\(n)" : nil))
                n += 1
            }
            batches.append(events)
        }
        let start = BenchClock.nanos()
        var accepted = 0
        for events in batches {
            let outcome = engine.apply(events, now: now)
            accepted += outcome.results.count
        }
        let seconds = Double(BenchClock.nanos() - start) / 1e9
        print("apply: \(players) players (\(audience) present), operator \(op.rawValue), windows \(windows.map(\.rawValue)), batch \(batch), event ids \(withIDs): "
              + "\(format(Double(accepted) / seconds / 1e6, decimals: 3)) M events/s (\(format(seconds * 1e9 / Double(accepted))) ns/event)")
    }
}
