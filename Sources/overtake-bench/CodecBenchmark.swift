// WAL operation codec and engine snapshot codec rates, single-threaded, in memory.
import LeaderboardEngine
import LeaderboardStorage

/// Encode and decode rates of the two codecs.
struct CodecBenchmark {
    let options: BenchOptions

    func run() {
        print("\n== codecs (single thread)")
        var source = EventSource(players: 1_000_000)
        let ticks = (0..<200).map { _ in [EngineOperation.scores(now: 1_795_392_000_000, events: source.batch(5000))] }
        var writer = ByteWriter(reservingCapacity: 1 << 20)
        var bytes = 0
        var best = Double.infinity
        for _ in 0..<5 {
            let start = BenchClock.nanos()
            bytes = 0
            for tick in ticks {
                writer.removeAll()
                EngineOperationCodec.encode(tick, into: &writer)
                bytes += writer.count
            }
            best = min(best, Double(BenchClock.nanos() - start))
        }
        let events = Double(ticks.count * 5000)
        print("WAL encode:   \(format(events / best * 1e3, decimals: 2)) M events/s into a reused ByteWriter, \(format(Double(bytes) / events)) B/event (5000-event ticks, best of 5)")
        let payloads = ticks.map { EngineOperationCodec.encode($0) }
        var decodeBest = Double.infinity
        for _ in 0..<3 {
            let start = BenchClock.nanos()
            var sink = 0
            for payload in payloads { sink &+= (try? EngineOperationCodec.decode(payload))?.count ?? 0 }
            decodeBest = min(decodeBest, Double(BenchClock.nanos() - start))
            if sink == 42 { print("") }
        }
        print("WAL decode:   \(format(events / decodeBest * 1e3, decimals: 2)) M events/s (allocates the events' strings; best of 3)")
        measureSnapshotCodec(members: options.int("snapshot-members", 10_000_000))
    }

    /// A synthetic snapshot of one board with `members` players in rank order (names `p<i>`).
    static func syntheticSnapshot(members n: Int) -> EngineSnapshot {
        var nameBytes: [UInt8] = []
        nameBytes.reserveCapacity(n * 9)
        var offsets: [UInt32] = [0]
        offsets.reserveCapacity(n + 1)
        for i in 0..<n {
            nameBytes.append(contentsOf: "p\(i)".utf8)
            offsets.append(UInt32(nameBytes.count))
        }
        var random = SplitMix(seed: 3)
        var players = (0..<n).map { PlayerIndex($0) }
        for i in stride(from: n - 1, to: 0, by: -1) { players.swapAt(i, Int(random.next() % UInt64(i + 1))) }
        // Descending board: best (highest) first; seqs unique and below nextSeq.
        let scores = (0..<n).map { Int64(1_000_000_000) - Int64($0) * 37 }
        let seqs = (0..<n).map { UInt64($0) &* 7 % UInt64(n) + 1 }
        let window = EngineSnapshot.Window(kind: .alltime, period: .allTime, players: players, scores: scores, seqs: seqs,
                                           archives: [])
        return EngineSnapshot(nextSeq: UInt64(n) + 1, nameBytes: nameBytes, nameOffsets: offsets, regions: [],
                              playerRegions: [RegionIndex](repeating: 0, count: n), displayNames: [:], friendPairs: [],
                              boards: [.init(definition: BoardDefinition(id: "alltime"), windows: [window])], dedupe: [])
    }

    private func measureSnapshotCodec(members n: Int) {
        let snapshot = Self.syntheticSnapshot(members: n)
        var total = 0
        var encodeTimes: [Double] = []
        for _ in 0..<3 {
            total = 0
            let start = BenchClock.nanos()
            EngineSnapshotCodec.encode(snapshot) { (piece: UnsafeRawBufferPointer) in total += piece.count }
            encodeTimes.append(Double(BenchClock.nanos() - start) / 1e9)
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(total)
        EngineSnapshotCodec.encode(snapshot) { (piece: UnsafeRawBufferPointer) in bytes.append(contentsOf: piece) }
        var decodeTimes: [Double] = []
        var equal = true
        for _ in 0..<3 {
            let start = BenchClock.nanos()
            let decoded = try? EngineSnapshotCodec.decode(bytes)
            decodeTimes.append(Double(BenchClock.nanos() - start) / 1e9)
            equal = equal && decoded == snapshot
        }
        print("snapshot:     \(n) members (one board), \(total / 1_000_000) MB")
        print("   encode (1 MiB chunks to a counting sink): \(seconds(encodeTimes))")
        print("   decode + validate (fresh arrays each time): \(seconds(decodeTimes)); round trip \(equal ? "equal" : "DIFFERENT")")
    }

    private func seconds(_ runs: [Double]) -> String {
        "best \(format(runs.min()!, decimals: 3)) s, runs " + runs.map { format($0, decimals: 3) }.joined(separator: " / ")
    }
}
