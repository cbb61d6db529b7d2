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

    /// First old rank (0 = unranked) of each audience mover per set.
    private(set) var movers: [PlayerInSet: Int] = [:]
    private(set) var victims: [PlayerInSet: Victim] = [:]
    /// Whether each toggled audience player was inside the top K before the batch.
    private(set) var toggles: [PlayerInSet: Bool] = [:]
    /// Sets whose top K may have changed.
    private(set) var touchedTop: Set<SetRef> = []

    var isEmpty: Bool { movers.isEmpty && victims.isEmpty && toggles.isEmpty && touchedTop.isEmpty }

    mutating func observeMove(_ player: PlayerIndex, in set: SetRef, oldRank: Int?) {
        let key = PlayerInSet(player: player, set: set)
        if movers[key] == nil { movers[key] = oldRank ?? 0 }
    }

    mutating func observeVictim(_ player: PlayerIndex, in set: SetRef, by passer: PlayerIndex, passerScore: Int64) {
        let key = PlayerInSet(player: player, set: set)
        if var v = victims[key] {
            if !v.passers.contains(passer) { v.passers.append(passer) } else if v.passers.last != passer {
                v.passers.removeAll { $0 == passer }
                v.passers.append(passer)
            }
            v.lastScore = passerScore
            victims[key] = v
        } else {
            victims[key] = Victim(passers: [passer], lastScore: passerScore)
        }
    }

    /// Records that `player` crossed the top-K line; `wasInside` is its side before this move.
    mutating func observeToggle(_ player: PlayerIndex, in set: SetRef, wasInside: Bool) {
        let key = PlayerInSet(player: player, set: set)
        if toggles[key] == nil { toggles[key] = wasInside }
    }

    mutating func touchTop(_ set: SetRef) { touchedTop.insert(set) }

    mutating func reset() {
        movers = [:]
        victims = [:]
        toggles = [:]
        touchedTop = []
    }
}
