// Group commit under load: an engine-thread loop applies generated events to a real engine (one
// board, alltime, best) for one tick window, logs the tick as one record (encode + submit) and goes
// on; the writer thread writes and fdatasyncs whatever queued meanwhile. Acked = durable.
import Dispatch
import LeaderboardEngine
import LeaderboardStorage
import Synchronization

struct GroupCommitBenchmark {
    let options: BenchOptions
    let root: String

    /// What the completions saw, recorded on the writer thread.
    final class Acks: Sendable {
        struct State {
            var events = 0
            var records = 0
            var lastAck: UInt64 = 0
            var latencies: [UInt64] = []
        }
        let state = Mutex(State())
        let done = DispatchSemaphore(value: 0)
    }

    func run() {
        let windows = options.ints("windows", [1, 2, 5])
        let seconds = Double(options.int("seconds", 5))
        let players = options.int("players", 1_000_000)
        print("\n== group commit: fsync .always, tick window = engine applies events in chunks of 64 for W ms, then logs the tick as one record")
        print("   \(players) players, one board (alltime, best), unique event ids, \(Int(seconds)) s per window, real files in \(root)")
        print("   log preallocation: \(options.int("wal-preallocate", EngineStore.Configuration(directory: root).walPreallocationBytes)) B ahead (--wal-preallocate; 0 = off)")
        for window in windows { measure(windowMillis: window, seconds: seconds, players: players) }
        let rates = options.ints("offered", [1_000_000, 2_000_000])
        print("\n== durable path alone (no engine): every W ms the loop logs the events that arrived at an offered rate R")
        print("   (ticks of R×W pre-generated events, encode + submit on this thread, write + fdatasync on the writer thread)")
        for window in windows {
            for rate in rates { measureDurablePath(windowMillis: window, offeredPerSecond: rate, seconds: seconds) }
        }
    }

    private func measureDurablePath(windowMillis: Int, offeredPerSecond rate: Int, seconds: Double) {
        let directory = root + "-path-\(windowMillis)ms-\(rate)"
        let fileSystem = TimedFileSystem()
        var configuration = EngineStore.Configuration(directory: directory)
        configuration.fileSystem = fileSystem
        configuration.snapshotInterval = nil
        configuration.walPreallocationBytes = options.int("wal-preallocate", configuration.walPreallocationBytes)
        guard let (store, engine, _) = try? EngineStore.recover(configuration: configuration) else {
            print("cannot open \(directory)")
            return
        }
        var source = EventSource(players: 1_000_000)
        let perTick = max(1, rate * windowMillis / 1000)
        let pool = source.batch(perTick * 8)
        let acks = Acks()
        fileSystem.resetSyncDurations()
        let window = UInt64(windowMillis) * 1_000_000
        let start = BenchClock.nanos()
        var deadline = start
        var batchSizes: [Int] = []
        var logNanos: UInt64 = 0
        while deadline < start + UInt64(seconds * 1e9) {
            deadline += window
            BenchClock.sleep(until: deadline)  // pacing the offered load, not synchronization
            let slot = batchSizes.count % 8
            let tick = Array(pool[slot * perTick..<(slot + 1) * perTick])
            batchSizes.append(perTick)
            let submitted = BenchClock.nanos()
            store.log([.scores(now: 0, events: tick)]) { result in
                let acked = BenchClock.nanos()
                guard case .success = result else { return }
                acks.state.withLock { state in
                    state.events += perTick
                    state.records += 1
                    state.lastAck = acked
                    state.latencies.append(acked - submitted)
                }
            }
            logNanos += BenchClock.nanos() - submitted
        }
        store.log([]) { _ in acks.done.signal() }
        acks.done.wait()
        print("-- window \(windowMillis) ms, offered \(format(Double(rate) / 1e6, decimals: 1)) M events/s")
        report(start: start, acks: acks, batchSizes: batchSizes, syncs: fileSystem.syncDurations, applyNanos: nil,
               logNanos: logNanos)
        _ = try? store.close(engine)
        removeTree(directory)
    }

    private func measure(windowMillis: Int, seconds: Double, players: Int) {
        let directory = root + "-\(windowMillis)ms"
        let fileSystem = TimedFileSystem()
        var configuration = EngineStore.Configuration(directory: directory)
        configuration.fileSystem = fileSystem
        configuration.snapshotInterval = nil
        configuration.walPreallocationBytes = options.int("wal-preallocate", configuration.walPreallocationBytes)
        guard let (store, engine, _) = try? EngineStore.recover(configuration: configuration) else {
            print("cannot open \(directory)")
            return
        }
        let definition = BoardDefinition(id: EventSource.board)
        _ = try? engine.defineBoard(definition, now: 0)
        store.log([.defineBoard(definition, now: 0)]) { _ in }
        var source = EventSource(players: players, withEventIDs: options.int("event-ids", 1) != 0)
        let acks = Acks()
        fileSystem.resetSyncDurations()
        let window = UInt64(windowMillis) * 1_000_000
        let start = BenchClock.nanos()
        let end = start + UInt64(seconds * 1e9)
        var batchSizes: [Int] = []
        var applyNanos: UInt64 = 0
        var logNanos: UInt64 = 0
        var now: Int64 = 1_795_392_000_000
        while BenchClock.nanos() < end {
            let tickStart = BenchClock.nanos()
            var tick: [ScoreEvent] = []
            tick.reserveCapacity(batchSizes.last.map { $0 + 256 } ?? 1024)
            while BenchClock.nanos() - tickStart < window {
                let chunk = source.batch(64)
                let applied = BenchClock.nanos()
                _ = engine.apply(chunk, now: now)
                applyNanos += BenchClock.nanos() - applied
                tick.append(contentsOf: chunk)
            }
            now += Int64(windowMillis)
            let count = tick.count
            batchSizes.append(count)
            let submitted = BenchClock.nanos()
            store.log([.scores(now: now, events: tick)]) { result in
                let acked = BenchClock.nanos()
                guard case .success = result else { return }
                acks.state.withLock { state in
                    state.events += count
                    state.records += 1
                    state.lastAck = acked
                    state.latencies.append(acked - submitted)
                }
            }
            logNanos += BenchClock.nanos() - submitted
        }
        store.log([]) { _ in acks.done.signal() }
        acks.done.wait()
        print("-- window \(windowMillis) ms")
        report(start: start, acks: acks, batchSizes: batchSizes, syncs: fileSystem.syncDurations, applyNanos: applyNanos,
               logNanos: logNanos)
        _ = try? store.close(engine)
        removeTree(directory)
    }

    private func report(start: UInt64, acks: Acks, batchSizes: [Int], syncs: [UInt64], applyNanos: UInt64?,
                        logNanos: UInt64) {
        let state = acks.state.withLock { $0 }
        let elapsed = Double(state.lastAck - start) / 1e9
        let sizes = LatencySummary(samples: batchSizes.map { Double($0) })
        let fsync = LatencySummary(samples: syncs.map { Double($0) })
        let latency = LatencySummary(samples: state.latencies.map { Double($0) })
        let total = batchSizes.reduce(0, +)
        print("   acked \(format(Double(state.events) / elapsed / 1e6, decimals: 3)) M events/s (\(state.events) events, \(state.records) records in \(format(elapsed, decimals: 2)) s)")
        print("   batch size: mean \(total / max(1, batchSizes.count)), p50 \(Int(sizes.percentile(0.5))), p99 \(Int(sizes.percentile(0.99))) events/record")
        print("   fdatasync: \(syncs.count) calls (\(format(Double(state.records) / Double(max(1, syncs.count)), decimals: 2)) records each), p50 \(format(fsync.percentile(0.5) / 1e6, decimals: 3)) ms, p99 \(format(fsync.percentile(0.99) / 1e6, decimals: 3)) ms")
        print("   ack latency (log call → durable completion): p50 \(format(latency.percentile(0.5) / 1e6, decimals: 3)) ms, p99 \(format(latency.percentile(0.99) / 1e6, decimals: 3)) ms")
        let apply = applyNanos.map { "apply \(format(Double($0) / Double(max(1, total)), decimals: 0)) ns/event, " } ?? ""
        print("   engine thread: \(apply)encode+submit \(format(Double(logNanos) / Double(max(1, total)), decimals: 1)) ns/event")
    }
}
