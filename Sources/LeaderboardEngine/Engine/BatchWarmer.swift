// Cache warming during batch application. With a large population each event's lookups are
// chains of dependent cache misses (player name → index slot → name bytes; index → member key →
// tree path → leaf). Applying events one by one pays those chains in sequence. The warmer runs a
// software pipeline over chunks of the batch: while chunk j is applied, prefetch hints (which,
// unlike loads, do not stall the core) are fetching the index slots of chunk j + 3, the member
// keys of chunk j + 2 and the leaves of chunk j + 1, each located from what the previous stage
// hinted one chunk earlier. It reads only: the engine's state and every answer are the same with
// or without it; a hint computed from state that an earlier chunk then changes only fetches a
// useless line. The stages run per event, so they hold the engine's objects without reference
// counting: the warmer lives within one `apply`, during which players, boards and their windows'
// sets are not replaced (a window's rotation empties its sets in place).
import CPrefetch

/// Runs the warming stages for chunks of one batch. Engine thread only, like the engine.
final class BatchWarmer {
    /// Events per chunk: enough work per chunk for the hints issued one chunk ahead to arrive.
    static let chunk = 32

    /// A window's global set, for hints.
    private struct Target {
        let members: Unmanaged<MemberTable>
        let tree: Unmanaged<RankedTree>
    }

    private unowned(unsafe) let engine: LeaderboardEngine
    private unowned(unsafe) let players: PlayerRegistry
    /// Per chunk in flight (ring of 3, by chunk index mod 3): each event's name hash, then its
    /// likely player index (`PlayerIndex.max`: unknown).
    private let hashes: UnsafeMutablePointer<UInt64>
    private let candidates: UnsafeMutablePointer<PlayerIndex>
    /// Each board's window sets (`windowsPerBoard` slots per board, filled on first use), and how
    /// many (-1: not filled yet).
    private let targets: UnsafeMutablePointer<Target>
    private let targetCounts: UnsafeMutablePointer<Int>
    private let boardCount: Int
    private static let windowsPerBoard = WindowKind.allCases.count
    /// The board of the last event looked up by name (batches usually name one board).
    private var lastBoardName: String?
    private var lastBoard: Int?

    /// A warmer for a batch of `limit` events, or nil when warming would not pay (a single event,
    /// or fewer players than `EngineConfiguration.warmingMinimumPlayers`).
    init?(engine: LeaderboardEngine, limit: Int) {
        guard limit > 1, engine.players.count >= engine.configuration.warmingMinimumPlayers else { return nil }
        self.engine = engine
        players = engine.players
        hashes = .allocate(capacity: 3 * Self.chunk)
        candidates = .allocate(capacity: 3 * Self.chunk)
        boardCount = engine.boards.count
        targets = .allocate(capacity: max(1, boardCount * Self.windowsPerBoard))
        targetCounts = .allocate(capacity: max(1, boardCount))
        targetCounts.initialize(repeating: -1, count: max(1, boardCount))
    }

    deinit {
        hashes.deallocate()
        candidates.deallocate()
        targets.deallocate()
        targetCounts.deallocate()
    }

    /// The window sets of the board named `board` (empty for an unknown board).
    private func targets(ofBoard board: String) -> UnsafeBufferPointer<Target> {
        if board != lastBoardName {
            lastBoardName = board
            lastBoard = engine.boardIndex[board].map { Int($0) }
        }
        guard let b = lastBoard, b < boardCount else { return UnsafeBufferPointer(start: targets, count: 0) }
        let base = targets + b * Self.windowsPerBoard
        if targetCounts[b] < 0 {
            let windows = engine.boards[b].windows.prefix(Self.windowsPerBoard)
            for (k, w) in windows.enumerated() {
                (base + k).initialize(to: Target(members: .passUnretained(w.global.members), tree: .passUnretained(w.global.tree)))
            }
            targetCounts[b] = windows.count
        }
        return UnsafeBufferPointer(start: base, count: targetCounts[b])
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
        var k = (j % 3) * Self.chunk
        for i in Self.range(j, of: events.count) {
            var name = events[i].player
            let h = name.withUTF8 { NameStore.hash($0) }
            hashes[k] = h
            players.hintSlot(hash: h)
            k += 1
        }
    }

    /// Stage 2: read the (hinted) slots, and hint the name offsets and the member keys of every
    /// window of the event's board.
    private func hintMembers(_ events: [ScoreEvent], chunk j: Int) {
        var k = (j % 3) * Self.chunk
        for i in Self.range(j, of: events.count) {
            let p = players.candidate(hash: hashes[k])
            candidates[k] = p
            k += 1
            guard p != .max else { continue }
            players.hintNameOffsets(p)
            for t in targets(ofBoard: events[i].board) { t.members._withUnsafeGuaranteedRef { $0.hintKey(of: p) } }
        }
    }

    /// Stage 3: with the member keys and name offsets cached, walk to each entry's leaf and hint
    /// its lines, and hint the name bytes.
    private func locateLeaves(_ events: [ScoreEvent], chunk j: Int) {
        var k = (j % 3) * Self.chunk
        for i in Self.range(j, of: events.count) {
            let p = candidates[k]
            k += 1
            guard p != .max else { continue }
            players.hintName(p)
            for t in targets(ofBoard: events[i].board) {
                guard let key = t.members._withUnsafeGuaranteedRef({ $0.key(of: p) }) else { continue }
                t.tree._withUnsafeGuaranteedRef { $0.hintLeaf(of: key) }
            }
        }
    }
}

/// A prefetch hint for the line holding `address`.
@inline(__always)
func hintCacheLine(_ address: UnsafeRawPointer) { overtake_prefetch(address) }
