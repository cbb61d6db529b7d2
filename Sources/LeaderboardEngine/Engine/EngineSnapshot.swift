// A frozen, thread-safe copy of the engine's durable state (no watchers or audience: those are
// session state). Taken on the engine thread, encoded elsewhere; restoring rebuilds every tree by
// bulk loading, in O(members).

public struct EngineSnapshot: Sendable, Equatable {
    public struct Window: Sendable, Equatable {
        public var kind: WindowKind
        public var period: Period
        /// Members in rank order, with their board-order scores and achievement seqs.
        public var players: [PlayerIndex]
        public var scores: [Int64]
        public var seqs: [UInt64]
        public var archives: [ArchivedPeriod]

        public init(kind: WindowKind, period: Period, players: [PlayerIndex], scores: [Int64], seqs: [UInt64],
                    archives: [ArchivedPeriod]) {
            self.kind = kind
            self.period = period
            self.players = players
            self.scores = scores
            self.seqs = seqs
            self.archives = archives
        }
    }

    public struct Board: Sendable, Equatable {
        public var definition: BoardDefinition
        public var windows: [Window]

        public init(definition: BoardDefinition, windows: [Window]) {
            self.definition = definition
            self.windows = windows
        }
    }

    public struct Dedupe: Sendable, Equatable {
        public var id: String
        public var entry: EventDeduplicator.Entry

        public init(id: String, entry: EventDeduplicator.Entry) {
            self.id = id
            self.entry = entry
        }
    }

    public var nextSeq: UInt64
    public var nameBytes: [UInt8]
    public var nameOffsets: [UInt32]
    public var regions: [String]
    public var playerRegions: [RegionIndex]
    public var displayNames: [PlayerIndex: String]
    public var friendPairs: [UInt64]
    public var boards: [Board]
    public var dedupe: [Dedupe]

    public init(nextSeq: UInt64, nameBytes: [UInt8], nameOffsets: [UInt32], regions: [String],
                playerRegions: [RegionIndex], displayNames: [PlayerIndex: String], friendPairs: [UInt64],
                boards: [Board], dedupe: [Dedupe]) {
        self.nextSeq = nextSeq
        self.nameBytes = nameBytes
        self.nameOffsets = nameOffsets
        self.regions = regions
        self.playerRegions = playerRegions
        self.displayNames = displayNames
        self.friendPairs = friendPairs
        self.boards = boards
        self.dedupe = dedupe
    }

    /// Members over all windows (a size hint for progress reports).
    public var memberCount: Int { boards.reduce(0) { $0 + $1.windows.reduce(0) { $0 + $1.players.count } } }
}

extension LeaderboardEngine {
    /// A copy of the durable state. O(members); runs on the engine thread.
    public func snapshot() -> EngineSnapshot {
        let names = players.nameStorage
        var pairs: [UInt64] = []
        for (a, b) in players.friendPairs() { pairs.append(UInt64(a) << 32 | UInt64(b)) }
        let boardSnapshots = boards.map { b in
            EngineSnapshot.Board(definition: b.definition, windows: b.windows.map { w in
                let n = w.global.count
                var ps = [PlayerIndex](), scores = [Int64](), seqs = [UInt64]()
                ps.reserveCapacity(n)
                scores.reserveCapacity(n)
                seqs.reserveCapacity(n)
                let members = w.global.members
                w.global.tree.scan(fromOffset: 0) { p, normalized in
                    ps.append(p)
                    scores.append(w.order.denormalize(normalized))
                    seqs.append(members.seq(ofPresent: p))
                    return true
                }
                return EngineSnapshot.Window(kind: w.kind, period: w.period, players: ps, scores: scores, seqs: seqs,
                                             archives: w.archives)
            })
        }
        return EngineSnapshot(nextSeq: nextSeq, nameBytes: names.bytes, nameOffsets: names.offsets,
                              regions: players.regions, playerRegions: players.playerRegions,
                              displayNames: Dictionary(players.displayNameEntries, uniquingKeysWith: { _, b in b }),
                              friendPairs: pairs, boards: boardSnapshots,
                              dedupe: deduplicator.liveEntries().map { EngineSnapshot.Dedupe(id: $0.0, entry: $0.1) })
    }

    /// Replaces all durable state with `snapshot` (the engine must be fresh: no boards yet).
    public func restore(_ snapshot: EngineSnapshot) {
        precondition(boards.isEmpty, "restore into a fresh engine")
        players.restore(nameBytes: snapshot.nameBytes, offsets: snapshot.nameOffsets, regions: snapshot.regions,
                        playerRegions: snapshot.playerRegions,
                        displayNames: snapshot.displayNames.sorted { $0.key < $1.key }.map { ($0.key, $0.value) },
                        friendPairs: snapshot.friendPairs.map { (PlayerIndex($0 >> 32), PlayerIndex($0 & 0xFFFF_FFFF)) })
        nextSeq = snapshot.nextSeq
        for b in snapshot.boards {
            let index = BoardIndex(boards.count)
            let state = BoardState(definition: b.definition, now: 0)
            boards.append(state)
            boardIndex[b.definition.id] = index
            for ws in b.windows {
                guard let w = state.window(ws.kind) else { continue }
                w.period = ws.period
                w.archives = ws.archives
                restoreMembers(ws, into: w, regions: state.hasRegions)
            }
        }
        for d in snapshot.dedupe { deduplicator.restore(d.id, d.entry) }
    }

    private func restoreMembers(_ ws: EngineSnapshot.Window, into w: WindowState, regions: Bool) {
        let members = w.global.members
        let n = ws.players.count
        var keys = [SetKey]()
        keys.reserveCapacity(n)
        for i in 0..<n {
            let key = SetKey(score: w.order.normalize(ws.scores[i]), seq: ws.seqs[i])
            keys.append(key)
            members.set(ws.players[i], key)
            w.histogram.add(key.score)
        }
        w.global.tree.bulkLoad(count: n, player: { ws.players[$0] }, key: { keys[$0] })
        guard regions else { return }
        var byRegion: [RegionIndex: [Int]] = [:]
        for i in 0..<n {
            let r = players.region(of: ws.players[i])
            if r != 0 { byRegion[r, default: []].append(i) }
        }
        for (r, rows) in byRegion {
            w.regionTreeCreating(r).bulkLoad(count: rows.count, player: { ws.players[rows[$0]] }, key: { keys[rows[$0]] })
        }
    }
}
