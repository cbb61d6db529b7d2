// The rank-change detector's memory for one batch. The apply loop reports every rank move as
// it happens (`observeMove`, `observeVictim`, `observeToggle`); `finish` turns what accumulated
// into notifications: one `rank` per mover and scope (old rank before its first event, new rank
// after the batch), one coalesced `overtaken` per victim and scope, `top_entry`/`top_exit` only
// for a net crossing of the top-K line over the batch, and spectator diffs of each touched top K.
// Only players in the audience are tracked, so offline players cost nothing.

struct SetRef: Hashable, Comparable {
    var board: BoardIndex
    var window: WindowKind
    var scope: ScopeKey

    static func < (a: SetRef, b: SetRef) -> Bool {
        (a.board, a.window.code, a.scope.raw) < (b.board, b.window.code, b.scope.raw)
    }
}

struct PlayerInSet: Hashable, Comparable {
    var player: PlayerIndex
    var set: SetRef

    static func < (a: PlayerInSet, b: PlayerInSet) -> Bool {
        a.player != b.player ? a.player < b.player : a.set < b.set
    }
}

struct BatchDetector {
    struct Victim {
        /// Distinct players who passed the victim in this batch, in order.
        var passers: [PlayerIndex]
        var lastScore: Int64
    }

    /// Sets seen in this batch; a set's id is its position. Keys of the maps below pack
    /// (player << 32 | set id).
    private(set) var sets: [SetRef] = []
    private var setIDs: [SetRef: UInt32] = [:]
    /// First old rank (0 = unranked) of each audience mover per set.
    private(set) var movers = DetectorMap<Int>()
    private(set) var victims = DetectorMap<Victim>()
    /// Whether each toggled audience player was inside the top K before the batch.
    private(set) var toggles = DetectorMap<Bool>()
    /// Per set id: whether its top K may have changed.
    private var touched: [Bool] = []
    private var touchedCount = 0

    var isEmpty: Bool { movers.isEmpty && victims.isEmpty && toggles.isEmpty && touchedCount == 0 }

    /// The batch-local id of `set`: a short linear scan (a batch touches few sets), a dictionary
    /// beyond that.
    @inline(__always)
    private mutating func id(of set: SetRef) -> UInt32 {
        if sets.count <= 16 {
            for i in sets.indices where sets[i] == set { return UInt32(i) }
        } else if let id = setIDs[set] {
            return id
        }
        let id = UInt32(sets.count)
        sets.append(set)
        setIDs[set] = id
        touched.append(false)
        return id
    }

    @inline(__always)
    private mutating func key(_ player: PlayerIndex, _ set: SetRef) -> UInt64 {
        UInt64(player) << 32 | UInt64(id(of: set))
    }

    mutating func observeMove(_ player: PlayerIndex, in set: SetRef, oldRank: Int?) {
        movers.position(of: key(player, set), inserting: oldRank ?? 0)
    }

    mutating func observeVictim(_ player: PlayerIndex, in set: SetRef, by passer: PlayerIndex, passerScore: Int64) {
        let (position, inserted) = victims.position(of: key(player, set), inserting: Victim(passers: [passer], lastScore: passerScore))
        guard !inserted else { return }
        victims.update(at: position) { v in
            if !v.passers.contains(passer) { v.passers.append(passer) } else if v.passers.last != passer {
                v.passers.removeAll { $0 == passer }
                v.passers.append(passer)
            }
            v.lastScore = passerScore
        }
    }

    /// Records that `player` crossed the top-K line; `wasInside` is its side before this move.
    mutating func observeToggle(_ player: PlayerIndex, in set: SetRef, wasInside: Bool) {
        toggles.position(of: key(player, set), inserting: wasInside)
    }

    mutating func touchTop(_ set: SetRef) {
        let id = Int(id(of: set))
        if !touched[id] {
            touched[id] = true
            touchedCount += 1
        }
    }

    /// The entries of `map` ordered by player, then set (the order notifications go out in).
    func sorted<V>(_ map: DetectorMap<V>) -> [(key: PlayerInSet, value: V)] {
        var setRank = [UInt32](repeating: 0, count: sets.count)
        for (r, id) in sets.indices.sorted(by: { sets[$0] < sets[$1] }).enumerated() { setRank[id] = UInt32(r) }
        var order: [(sortKey: UInt64, position: Int)] = []
        order.reserveCapacity(map.count)
        for (p, k) in map.keys.enumerated() {
            order.append((k & 0xFFFF_FFFF_0000_0000 | UInt64(setRank[Int(k & 0xFFFF_FFFF)]), p))
        }
        order.sort { $0.sortKey < $1.sortKey }
        return order.map { e in
            let k = map.keys[e.position]
            return (PlayerInSet(player: PlayerIndex(k >> 32), set: sets[Int(k & 0xFFFF_FFFF)]), map.values[e.position])
        }
    }

    /// Sets whose top K may have changed, in set order.
    var touchedTop: [SetRef] { sets.indices.filter { touched[$0] }.map { sets[$0] }.sorted() }

    mutating func reset() {
        movers.removeAll()
        victims.removeAll()
        toggles.removeAll()
        sets.removeAll(keepingCapacity: true)
        setIDs.removeAll(keepingCapacity: true)
        touched.removeAll(keepingCapacity: true)
        touchedCount = 0
    }
}
