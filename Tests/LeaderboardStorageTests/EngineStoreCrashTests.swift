// Crash safety with real processes: `overtake-bench crash-writer` logs score batches through an
// EngineStore under fsync `.always` and prints each batch's event ids once its record is durable;
// the test SIGKILLs it at random moments, restarts it on the same directory several times, then
// recovers in-process: every acknowledged event must be there, and no recovery may fail.
import Foundation
import Glibc
import LeaderboardEngine
import Testing
import TestSupport
@testable import LeaderboardStorage

/// Mirrors `CrashWriter` in overtake-bench: its board and the batch time of round 0.
private let crashBoard = "crash"
private let crashEpoch: Int64 = 1_795_392_000_000

/// The executable `swift build` / `swift test` put next to the test bundle, if present.
private func benchExecutable() -> String? {
    let runner = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    let candidate = (runner as NSString).deletingLastPathComponent + "/overtake-bench"
    return FileManager.default.isExecutableFile(atPath: candidate) ? candidate : nil
}

/// Complete lines from a child's stdout, read with poll(2) against deadlines (no sleeping).
private struct LineReader {
    let fd: Int32
    private var pending: [UInt8] = []
    private(set) var isAtEnd = false

    init(fd: Int32) { self.fd = fd }

    /// Reads until `deadline` (monotonic ns), end of file, or a line satisfying `stop`; returns
    /// the complete lines read (a partial last line waits for the next call).
    /// With `idleMilliseconds`, also stops once no byte arrived for that long (after the writer
    /// exited its output is all in the pipe, but EOF may never come if another process spawned
    /// concurrently by the test run inherited the pipe's write end).
    mutating func read(until deadline: UInt64, idleMilliseconds: Int32? = nil, stop: (String) -> Bool = { _ in false }) -> [String] {
        var lines: [String] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while !isAtEnd {
            let now = monotonicNanoseconds()
            guard now < deadline else { break }
            var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let wait = Int32(min(1000, (deadline - now) / 1_000_000 + 1))
            let ready = Glibc.poll(&descriptor, 1, idleMilliseconds.map { min($0, wait) } ?? wait)
            if ready <= 0, idleMilliseconds != nil { break }
            guard ready > 0 else { continue }
            let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count <= 0 {
                isAtEnd = count == 0 || errno != EINTR
                continue
            }
            pending.append(contentsOf: chunk[..<count])
            while let newline = pending.firstIndex(of: 10) {
                let line = String(decoding: pending[..<newline], as: UTF8.self)
                pending.removeSubrange(...newline)
                lines.append(line)
                if stop(line) { return lines }
            }
        }
        return lines
    }
}

/// What the ledgers promised: acknowledged event ids with their player and score.
private struct Ledger {
    var acknowledged: [String: (player: String, score: Int64)] = [:]
    var maxSeq: UInt64 = 0

    /// Parses `ack <seq> <id>=<player>=<score> …`; other lines are ignored.
    mutating func record(_ line: String) -> Bool {
        let fields = line.split(separator: " ")
        guard fields.first == "ack", fields.count >= 2, let seq = UInt64(fields[1]) else { return false }
        #expect(seq > maxSeq, "acks out of seq order: \(line)")
        maxSeq = max(maxSeq, seq)
        for field in fields.dropFirst(2) {
            let parts = field.split(separator: "=")
            guard parts.count == 3, let score = Int64(parts[2]) else {
                Issue.record("malformed ack field \(field)")
                continue
            }
            acknowledged[String(parts[0])] = (String(parts[1]), score)
        }
        return true
    }
}

// Six rounds of a debug-build writer recovering a growing log take 2 s alone but passed 60 s
// once inside a full parallel `swift test` on two busy cores; each wait inside has its own
// deadline (15 s to recover, 10 s to drain), so the limit only guards against a hang.
@Test(.timeLimit(.minutes(3)))
func sigkilledWriterNeverLosesAnAcknowledgedEvent() throws {
    guard let executable = benchExecutable() else {
        Issue.record("overtake-bench was not found next to the test binary: build it (swift build) first")
        return
    }
    var random = SeededRandom(label: "EngineStoreCrash")
    let directory = makeTemporaryDirectory() + "/engine"
    defer { removeTemporaryDirectory((directory as NSString).deletingLastPathComponent) }
    var ledger = Ledger()
    for round in 0..<6 {
        let runMillis = 20 + random.next() % 300
        try runAndKill(executable, directory: directory, seed: random.seed, round: round, runMillis: runMillis,
                       ledger: &ledger)
    }
    print("[EngineStoreCrash] 6 rounds, \(ledger.acknowledged.count) events acknowledged up to seq \(ledger.maxSeq)")
    #expect(ledger.acknowledged.count > 0, "the writer never acknowledged anything (seed \(random.seed))")
    var configuration = EngineStore.Configuration(directory: directory)
    configuration.snapshotInterval = nil
    let (store, engine, report) = try EngineStore.recover(configuration: configuration)
    defer { _ = try? store.close(engine) }
    #expect(report.log.lastSeq >= ledger.maxSeq, "seed \(random.seed)")
    var lost: [String] = []
    var best: [String: Int64] = [:]
    for (id, event) in ledger.acknowledged {
        if engine.deduplicator.lookup(id, now: crashEpoch) == nil { lost.append(id) }
        best[event.player] = max(best[event.player] ?? .min, event.score)
    }
    #expect(lost.isEmpty, "seed \(random.seed): \(lost.count) acknowledged events missing, e.g. \(lost.prefix(3))")
    for (player, score) in best {
        let standing = try? engine.standing(board: crashBoard, window: .alltime, player: player)
        #expect((standing?.score ?? .min) >= score, "seed \(random.seed): \(player) lost its acknowledged best \(score)")
    }
}

/// Starts the writer, lets it run `runMillis` after it reported recovery, SIGKILLs it, and adds
/// every acknowledgement it printed (including those still in the pipe) to `ledger`.
private func runAndKill(_ executable: String, directory: String, seed: UInt64, round: Int, runMillis: UInt64,
                        ledger: inout Ledger) throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = ["crash-writer", "--dir", directory, "--seed", "\(seed % 1_000_000_007)", "--round", "\(round)"]
    let output = Pipe(), errors = Pipe()
    process.standardOutput = output
    process.standardError = errors
    try process.run()
    var reader = LineReader(fd: output.fileHandleForReading.fileDescriptor)
    let context = "seed \(seed), round \(round)"
    let startup = reader.read(until: monotonicNanoseconds() + 15_000_000_000) { $0.hasPrefix("ready") || $0.hasPrefix("error") }
    let ready = startup.last.map { $0.hasPrefix("ready") } ?? false
    #expect(ready, "\(context): the writer did not recover: \(startup)")
    if let fields = startup.last?.split(separator: " "), fields.count == 3, let lastSeq = UInt64(fields[1]) {
        // Everything acknowledged before this crash survived it.
        #expect(lastSeq >= ledger.maxSeq, "\(context): recovered to \(lastSeq), acknowledged \(ledger.maxSeq)")
    }
    var lines = reader.read(until: monotonicNanoseconds() + runMillis * 1_000_000)
    kill(process.processIdentifier, SIGKILL)
    process.waitUntilExit()
    lines += reader.read(until: monotonicNanoseconds() + 10_000_000_000, idleMilliseconds: 300)
    #expect(process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGKILL,
            "\(context): \(String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))")
    for line in lines { _ = ledger.record(line) }
}
