// Recovery time: build a state of N events over P players (one board, alltime, best, unique event
// ids) logged into two directories at once — one with a snapshot taken before the last T events
// (snapshot + tail), one with the log only — then time `EngineStore.recover` on each.
import LeaderboardEngine
import LeaderboardStorage

struct RecoveryBenchmark {
    let options: BenchOptions
    let root: String

    func run() {
        let total = options.int("recovery-events", 10_000_000)
        let tail = options.int("tail-events", 1_000_000)
        let players = options.int("players", 1_000_000)
        let perTick = 5000
        print("\n== recovery: \(total) events over \(players) players, ticks of \(perTick) events; snapshot before the last \(tail)")
        let withSnapshot = root + "/snapshot-and-tail", logOnly = root + "/log-only"
        guard let built = build(total: total, tail: tail, players: players, perTick: perTick,
                                directories: (withSnapshot, logOnly)) else { return }
        print("   built in \(format(built.seconds, decimals: 1)) s (fsync .never while building); snapshot \(built.snapshot)")
        for (label, directory) in [("snapshot + tail", withSnapshot), ("log only", logOnly)] {
            measure(label, directory: directory, expected: built.state)
        }
    }

    private struct Built {
        let seconds: Double
        let state: EngineSnapshot
        let snapshot: String
    }

    private func configuration(_ directory: String) -> EngineStore.Configuration {
        var configuration = EngineStore.Configuration(directory: directory)
        configuration.fsyncPolicy = .never
        configuration.snapshotInterval = nil
        return configuration
    }

    private func build(total: Int, tail: Int, players: Int, perTick: Int,
                       directories: (String, String)) -> Built? {
        let start = BenchClock.nanos()
        guard let (snapshotted, engine, _) = try? EngineStore.recover(configuration: configuration(directories.0)),
              let (logged, _, _) = try? EngineStore.recover(configuration: configuration(directories.1)) else {
            print("cannot open \(root)")
            return nil
        }
        let definition = BoardDefinition(id: EventSource.board)
        _ = try? engine.defineBoard(definition, now: 0)
        for store in [snapshotted, logged] { store.log([.defineBoard(definition, now: 0)]) { _ in } }
        var source = EventSource(players: players)
        var now: Int64 = 1_795_392_000_000
        var snapshotReport = "none"
        for applied in stride(from: 0, to: total, by: perTick) {
            if applied == total - tail {
                snapshotted.beginSnapshot(engine)
                if case .committed(let r)? = snapshotted.waitForSnapshot() {
                    snapshotReport = "at seq \(r.seq): \(r.members) members, \(r.payloadBytes / 1_000_000) MB, export \(r.exportNanoseconds / 1_000_000) ms, write \(r.writeNanoseconds / 1_000_000) ms"
                }
            }
            let tick = [EngineOperation.scores(now: now, events: source.batch(min(perTick, total - applied)))]
            for operation in tick { engine.perform(operation) }
            for store in [snapshotted, logged] { store.log(tick) { _ in } }
            now += 5
        }
        let state = engine.snapshot()
        // Drop the stores without `close`: no final snapshot, as after a crash (the page cache
        // still holds the unsynced log, which is what a restart after kill -9 would read).
        for store in [snapshotted, logged] { store.log([]) { _ in } }
        return Built(seconds: Double(BenchClock.nanos() - start) / 1e9, state: state, snapshot: snapshotReport)
    }

    private func measure(_ label: String, directory: String, expected: EngineSnapshot) {
        let start = BenchClock.nanos()
        guard let (store, engine, report) = try? EngineStore.recover(configuration: configuration(directory)) else {
            print("   \(label): recovery failed")
            return
        }
        let seconds = Double(BenchClock.nanos() - start) / 1e9
        let same = engine.snapshot() == expected
        print("-- \(label): ready in \(format(seconds, decimals: 3)) s — snapshot load \(ms(report.snapshotLoadNanoseconds)), restore \(ms(report.restoreNanoseconds)), replay \(ms(report.replayNanoseconds)) (\(report.log.recordsReplayed) records, \(report.eventsReplayed) events); state \(same ? "equals" : "DIFFERS FROM") the live engine")
        _ = store
    }

    private func ms(_ nanoseconds: UInt64) -> String { "\(format(Double(nanoseconds) / 1e6, decimals: 0)) ms" }
}
