// Cache warming during batch application. With a large population each event's lookups are
// chains of dependent cache misses (player name → index slot → name bytes; index → member key →
// tree path → leaf). Applying events one by one pays those chains in sequence. The warmer runs a
// software pipeline over chunks of the batch: while chunk j is applied, prefetch hints (which,
// unlike loads, do not stall the core) are fetching the index slots of chunk j + 3, the member
// keys of chunk j + 2 and the leaves of chunk j + 1, each located from what the previous stage
// hinted one chunk earlier. It reads only: the engine's state
// and every answer are the same with or without it; a hint computed from state that an earlier
// chunk then changes only fetches a useless line.
import CPrefetch

/// Runs the warming stages for chunks of one batch. Engine thread only, like the engine.
final class BatchWarmer {
    /// Events per chunk: enough work per chunk for the hints issued one chunk ahead to arrive.
    static let chunk = 32

    private unowned(unsafe) let engine: LeaderboardEngine
    /// Per chunk in flight (ring of 3, by chunk index mod 3): each event's name hash, then its
    /// likely player index (`PlayerIndex.max`: unknown).
    private let hashes: UnsafeMutablePointer<UInt64>
    private let candidates: UnsafeMutablePointer<PlayerIndex>

    /// A warmer for a batch of `limit` events, or nil when warming would not pay (a single event,
    /// or fewer players than `EngineConfiguration.warmingMinimumPlayers`).
    init?(engine: LeaderboardEngine, limit: Int) {
        guard limit > 1, engine.players.count >= engine.configuration.warmingMinimumPlayers else { return nil }
        self.engine = engine
        hashes = .allocate(capacity: 3 * Self.chunk)
        candidates = .allocate(capacity: 3 * Self.chunk)
    }

    deinit {
        hashes.deallocate()
        candidates.deallocate()
    }

    /// Number of chunks of a batch of `count` events.
    static func chunks(_ count: Int) -> Int { (count + chunk - 1) / chunk }

    /// The events of chunk `j`.
    static func range(_ j: Int, of count: Int) -> Range<Int> { j * chunk..<min(count, (j + 1) * chunk) }

    /// Advances the pipeline before chunk `j` is applied. Each stage works on a chunk whose
    /// previous stage ran one chunk earlier, so what it reads has had a chunk's application time
    /// to arrive: the leaves of chunk j + 1 (from member keys hinted before), the member keys of
    /// chunk j + 2 (from index slots hinted before), the index slots of chunk j + 3.
    func advance(_ events: [ScoreEvent], applying j: Int) {
        let n = Self.chunks(events.count)
        if j == 0 {
            // Start-up: the first chunks get their stages back to back.
            for c in 0..<min(3, n) { hintSlots(events, chunk: c) }
            for c in 0..<min(2, n) { hintMembers(events, chunk: c) }
            locateLeaves(events, chunk: 0)
        }
        if j + 1 < n { locateLeaves(events, chunk: j + 1) }
        if j + 2 < n { hintMembers(events, chunk: j + 2) }
        if j + 3 < n { hintSlots(events, chunk: j + 3) }
    }

    /// Stage 1: hash the names and hint their index home slots.
    private func hintSlots(_ events: [ScoreEvent], chunk j: Int) {
        let base = (j % 3) * Self.chunk
        var k = base
        for i in Self.range(j, of: events.count) {
            var name = events[i].player
            let h = name.withUTF8 { NameStore.hash($0) }
            hashes[k] = h
            engine.players.hintSlot(hash: h)
            k += 1
        }
    }

    /// Stage 2: read the (hinted) slots, and hint the name offsets and the member keys of every
    /// window of the event's board.
    private func hintMembers(_ events: [ScoreEvent], chunk j: Int) {
        let base = (j % 3) * Self.chunk
        var k = base
        var boards = BoardLookup(engine: engine)
        for i in Self.range(j, of: events.count) {
            let p = engine.players.candidate(hash: hashes[k])
            candidates[k] = p
            k += 1
            guard p != .max else { continue }
            engine.players.hintNameOffsets(p)
            guard let board = boards.board(named: events[i].board) else { continue }
            for w in board.windows { w.global.members.hintKey(of: p) }
        }
    }

    /// Stage 3: with the member keys and name offsets cached, walk to each entry's leaf and hint
    /// its lines, and hint the name bytes.
    private func locateLeaves(_ events: [ScoreEvent], chunk j: Int) {
        let base = (j % 3) * Self.chunk
        var k = base
        var boards = BoardLookup(engine: engine)
        for i in Self.range(j, of: events.count) {
            let p = candidates[k]
            k += 1
            guard p != .max else { continue }
            engine.players.hintName(p)
            guard let board = boards.board(named: events[i].board) else { continue }
            for w in board.windows {
                guard let key = w.global.members.key(of: p) else { continue }
                w.global.tree.hintLeaf(of: key)
            }
        }
    }
}

/// Board by name, hashing the name once per run of equal names (batches usually name one board).
private struct BoardLookup {
    unowned(unsafe) let engine: LeaderboardEngine
    private var lastName: String?
    private var lastBoard: BoardState?

    init(engine: LeaderboardEngine) { self.engine = engine }

    mutating func board(named name: String) -> BoardState? {
        if name != lastName {
            lastName = name
            lastBoard = engine.boardIndex[name].map { engine.boards[Int($0)] }
        }
        return lastBoard
    }
}

/// A prefetch hint for the line holding `address`.
@inline(__always)
func hintCacheLine(_ address: UnsafeRawPointer) { overtake_prefetch(address) }
