// `crash-writer`: the victim process of the SIGKILL crash test. Recovers the store in --dir, then
// logs deterministic score batches (with event ids) under fsync `.always` until killed, printing
// one ledger line per batch after its durable completion. Never exits on its own.
import Dispatch
import Glibc
import LeaderboardEngine
import LeaderboardStorage

/// Ledger on stdout, one line each, written with one write(2) call (no stdio buffering to lose):
///   `ready <lastSeq> <recordsReplayed>`             after recovery
///   `ack <seq> <id>=<player>=<score> …`             after the batch's record is durable
///   `error <description>`                           recovery failed (then exit 1)
struct CrashWriter {
    static let board = "crash"
    /// Unix ms of round 0's first batch; each round starts 10 000 s later (inside the 24 h
    /// idempotency window, so every acknowledged id stays remembered).
    static let epoch: Int64 = 1_795_392_000_000

    let options: BenchOptions

    func run() -> Never {
        let directory = options.string("dir", "")
        guard !directory.isEmpty else {
            Self.emit("error missing --dir")
            exit(2)
        }
        var configuration = EngineStore.Configuration(directory: directory)
        configuration.segmentBytes = options.int("segment-bytes", 64 << 10)
        configuration.snapshotInterval = nil
        configuration.snapshotEveryRecords = options.int("snapshot-every", 25)
        let store: EngineStore, engine: LeaderboardEngine
        do {
            let recovered = try EngineStore.recover(configuration: configuration)
            (store, engine) = (recovered.store, recovered.engine)
            Self.emit("ready \(recovered.report.log.lastSeq) \(recovered.report.log.recordsReplayed)")
        } catch {
            Self.emit("error \(error)")
            exit(1)
        }
        if engine.board(named: Self.board) == nil {
            let definition = BoardDefinition(id: Self.board)
            _ = try? engine.defineBoard(definition, now: Self.epoch)
            store.log([.defineBoard(definition, now: Self.epoch)]) { _ in }
        }
        let round = Int64(options.int("round", 0))
        var random = SplitMix(seed: UInt64(options.int("seed", 1)) &+ UInt64(round))
        // At most 32 records in flight, so the queue cannot grow without bound while fsync lags.
        let inFlight = DispatchSemaphore(value: 32)
        var batch: Int64 = 0
        while true {
            let now = Self.epoch + round * 10_000_000 + batch
            var events: [ScoreEvent] = []
            var line = ""
            for k in 0..<Int(1 + random.next() % 40) {
                let id = "r\(round)-b\(batch)-e\(k)"
                let player = "p\(random.next() % 300)"
                let score = Int64(random.next() % 1_000_000)
                events.append(ScoreEvent(board: Self.board, player: player, score: score, eventID: id))
                line += " \(id)=\(player)=\(score)"
            }
            _ = engine.apply(events, now: now)
            inFlight.wait()
            let ledger = line
            store.log([.scores(now: now, events: events)]) { result in
                if case .success(let seq) = result { Self.emit("ack \(seq)\(ledger)") }
                inFlight.signal()
            }
            store.snapshotIfDue(engine)
            batch += 1
        }
    }

    /// Writes `text` and a newline to stdout with one write call.
    static func emit(_ text: String) {
        var bytes = Array((text + "\n").utf8)
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeMutableBytes { write(1, $0.baseAddress! + done, $0.count - done) }
            if n <= 0 { return }
            done += n
        }
    }
}
