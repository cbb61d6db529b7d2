// Recovery time: build a state of N events over P players (one board, alltime, best, unique event
// ids), logged at once into one directory per tail length T (a snapshot taken before the last T
// events: snapshot + tail) and one with the log only; then time `EngineStore.recover` on each.
import LeaderboardEngine
import LeaderboardStorage

struct RecoveryBenchmark {
    let options: BenchOptions
    let root: String

    /// One directory being built: where, and before how many final events it snapshots (nil: never).
    private struct Target {
        let label: String
        let directory: String
        let tail: Int?
        var store: EngineStore?
        var snapshotReport = "none"
    }

    func run() {
        let total = options.int("recovery-events", 10_000_000)
        let tails = options.ints("tail-events", [1_000_000])
        let players = options.int("players", 1_000_000)
        let perTick = 5000
        print("\n== recovery: \(total) events over \(players) players (one board, alltime, best, unique event ids), ticks of \(perTick) events")
        var targets = tails.map { Target(label: "snapshot + \($0)-event tail", directory: root + "/tail-\($0)", tail: $0) }
        targets.append(Target(label: "log only", directory: root + "/log-only", tail: nil))
        let start = BenchClock.nanos()
        guard let expected = build(&targets, total: total, players: players, perTick: perTick) else { return }
        print("   built in \(format(Double(BenchClock.nanos() - start) / 1e9, decimals: 1)) s (fsync .never while building)")
        for target in targets where target.tail != nil { print("   \(target.label): snapshot \(target.snapshotReport)") }
        for target in targets { measure(target.label, directory: target.directory, expected: expected) }
    }

    private func configuration(_ directory: String) -> EngineStore.Configuration {
        var configuration = EngineStore.Configuration(directory: directory)
        configuration.fsyncPolicy = .never
        configuration.snapshotInterval = nil
        return configuration
    }

    /// Applies `total` events to one engine, logging every tick into every target; returns the
    /// engine's final state. The stores are dropped without `close` (no final snapshot, as after a
    /// crash; the page cache still holds the unsynced log, which is what a restart would read).
    private func build(_ targets: inout [Target], total: Int, players: Int, perTick: Int) -> EngineSnapshot? {
        var engine: LeaderboardEngine?
        for i in targets.indices {
            guard let recovered = try? EngineStore.recover(configuration: configuration(targets[i].directory)) else {
                print("cannot open \(targets[i].directory)")
                return nil
            }
            targets[i].store = recovered.store
            engine = engine ?? recovered.engine
        }
        guard let engine else { return nil }
        let definition = BoardDefinition(id: EventSource.board)
        _ = try? engine.defineBoard(definition, now: 0)
        for target in targets { target.store?.log([.defineBoard(definition, now: 0)]) { _ in } }
        var source = EventSource(players: players)
        var now: Int64 = 1_795_392_000_000
        for applied in stride(from: 0, to: total, by: perTick) {
            for i in targets.indices where targets[i].tail.map({ total - $0 }) == applied {
                targets[i].store?.beginSnapshot(engine)
                if case .committed(let r)? = targets[i].store?.waitForSnapshot() {
                    targets[i].snapshotReport = "at seq \(r.seq): \(r.members) members, \(r.payloadBytes / 1_000_000) MB, export \(r.exportNanoseconds / 1_000_000) ms (engine thread), write \(r.writeNanoseconds / 1_000_000) ms"
                }
            }
            let tick = [EngineOperation.scores(now: now, events: source.batch(min(perTick, total - applied)))]
            for operation in tick { engine.perform(operation) }
            for target in targets { target.store?.log(tick) { _ in } }
            now += 5
        }
        for i in targets.indices { targets[i].store = nil }
        return engine.snapshot()
    }

    private func measure(_ label: String, directory: String, expected: EngineSnapshot) {
        let start = BenchClock.nanos()
        guard let (_, engine, report) = try? EngineStore.recover(configuration: configuration(directory)) else {
            print("   \(label): recovery failed")
            return
        }
        let seconds = Double(BenchClock.nanos() - start) / 1e9
        let same = engine.snapshot() == expected
        print("-- \(label): ready in \(format(seconds, decimals: 2)) s — snapshot load + decode \(ms(report.snapshotLoadNanoseconds)), restore \(ms(report.restoreNanoseconds)), replay \(ms(report.replayNanoseconds)) (\(report.log.recordsReplayed) records, \(report.eventsReplayed) events); state \(same ? "equals" : "DIFFERS FROM") the live engine")
    }

    private func ms(_ nanoseconds: UInt64) -> String { "\(format(Double(nanoseconds) / 1e6, decimals: 0)) ms" }
}
