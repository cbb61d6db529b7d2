// Cache warming ahead of batch application. With a large population each event's lookups are
// chains of dependent cache misses (player name → index slot → name bytes; index → member key →
// tree path → leaf). Applying events one by one pays those chains in sequence. The warmer walks
// a chunk of events first, stage by stage, so that within a stage the loads of different events
// are independent and their misses overlap; applying the chunk then mostly hits the cache. It
// reads only: the engine's state and every answer are the same with or without it.

/// Warms the caches for chunks of a batch. Engine thread only, like the engine.
struct BatchWarmer {
    /// Events warmed at a time: enough to overlap many misses, few enough that what one chunk
    /// warms is still cached when the chunk is applied.
    static let chunk = 64

    private unowned(unsafe) let engine: LeaderboardEngine
    private let candidates: UnsafeMutablePointer<PlayerIndex>
    private let keys: UnsafeMutablePointer<SetKey>
    private let trees: UnsafeMutablePointer<Unmanaged<RankedTree>>
    private let holder: Holder

    /// Frees the scratch buffers with the warmer.
    private final class Holder {
        let release: () -> Void
        init(_ release: @escaping () -> Void) { self.release = release }
        deinit { release() }
    }

    /// A warmer for a batch of `limit` events, or nil when warming would not pay (a single
    /// event, or fewer players than `EngineConfiguration.warmingMinimumPlayers`).
    init?(engine: LeaderboardEngine, limit: Int) {
        guard limit > 1, engine.players.count >= engine.configuration.warmingMinimumPlayers else { return nil }
        self.engine = engine
        let c = UnsafeMutablePointer<PlayerIndex>.allocate(capacity: Self.chunk)
        let k = UnsafeMutablePointer<SetKey>.allocate(capacity: Self.chunk * Self.maxWindows)
        let t = UnsafeMutablePointer<Unmanaged<RankedTree>>.allocate(capacity: Self.chunk * Self.maxWindows)
        candidates = c
        keys = k
        trees = t
        holder = Holder { c.deallocate(); k.deallocate(); t.deallocate() }
    }

    /// Windows per board warmed (a board has at most one of each kind).
    private static let maxWindows = 4

    /// Warms what applying `events` (at most `chunk`) will read.
    func warm(_ events: ArraySlice<ScoreEvent>) {
        let base = events.startIndex
        let count = events.count
        // Stage 1 and 2: player index slots, then name bytes.
        engine.players.warmCandidates(count: count, name: { events[base + $0].player }, into: candidates)
        // Stage 3: member keys of the candidates in every window of their board.
        var found = 0
        var lastName: String?
        var lastBoard: BoardState?
        for k in 0..<count {
            let p = candidates[k]
            guard p != .max else { continue }
            let name = events[base + k].board
            if name != lastName {
                lastName = name
                lastBoard = engine.boardIndex[name].map { engine.boards[Int($0)] }
            }
            guard let board = lastBoard else { continue }
            for w in board.windows.prefix(Self.maxWindows) {
                guard let key = w.global.members.key(of: p) else { continue }
                keys[found] = key
                trees[found] = Unmanaged.passUnretained(w.global.tree)
                found += 1
            }
        }
        // Stage 4: the leaves holding those keys.
        for i in 0..<found { trees[i].takeUnretainedValue().warmLeaf(of: keys[i]) }
    }
}
