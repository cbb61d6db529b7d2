// A ranked set: the members of one (board, window, scope) ordered by score, with exact ranks.
// Owns its member table and tree; region trees of the same window share the member table
// (see RankedTree's contract). Owned by the engine thread.

/// One row of a ranking. `rank` is 1-based.
public struct RankedEntry: Equatable, Sendable {
    public var player: UInt32
    public var score: Int64
    public var rank: Int

    public init(player: UInt32, score: Int64, rank: Int) {
        self.player = player
        self.score = score
        self.rank = rank
    }
}

/// How one upsert moved a player. Ranks are 1-based; `oldRank`/`oldScore` are nil for a new member.
public struct RankMove: Equatable, Sendable {
    public var oldRank: Int?
    public var oldScore: Int64?
    public var newRank: Int
    public var newScore: Int64
    /// False when the score did not change (nothing moved).
    public var changed: Bool { oldScore != newScore }

    public init(oldRank: Int?, oldScore: Int64?, newRank: Int, newScore: Int64) {
        self.oldRank = oldRank
        self.oldScore = oldScore
        self.newRank = newRank
        self.newScore = newScore
    }
}

/// Members ordered by (score in board order, seq at which the score was first reached).
/// All operations O(log n) unless stated.
public final class RankedSet {
    public let order: ScoreOrder
    public let members: MemberTable
    public let tree: RankedTree

    /// `leafHintsFrom`: entries from which the tree keeps leaf hints (see `RankedTree`).
    public init(order: ScoreOrder, leafHintsFrom: Int = RankedTree.defaultLeafHintsFrom) {
        self.order = order
        members = MemberTable()
        tree = RankedTree(members: members, leafHintsFrom: leafHintsFrom)
    }

    /// Number of members.
    public var count: Int { tree.count }
    /// Bytes held by the member table and the tree.
    public var memoryBytes: Int { members.memoryBytes + tree.memoryBytes }

    /// Sets `player`'s score. `seq` must exceed every seq given to this set before; it becomes
    /// the tie-breaker (earlier seq ranks higher). An unchanged score keeps the old seq, so a
    /// repeated score does not lose its earlier achievement time.
    @discardableResult
    public func upsert(_ player: UInt32, score: Int64, seq: UInt64) -> RankMove {
        upsert(player, score: score, seq: seq, oldPath: nil, newPath: nil)
    }

    /// `upsert`, with the tree paths recorded earlier for the old and the new key, if any.
    @inline(__always)
    func upsert(_ player: UInt32, score: Int64, seq: UInt64, oldPath: TreePath?, newPath: TreePath?) -> RankMove {
        // A batch (paths given) hinted the leaves ahead already.
        if oldPath == nil { tree.hintLeaf(ofPlayer: player) }
        let normalized = order.normalize(score)
        var oldRank: Int?
        var oldScore: Int64?
        if let old = members.key(of: player) {
            oldScore = order.denormalize(old.score)
            if old.score == normalized {
                let rank = tree.rank(of: old, player: player)
                return RankMove(oldRank: rank, oldScore: score, newRank: rank, newScore: score)
            }
            oldRank = tree.remove(old, player: player, along: oldPath)
        }
        let key = SetKey(score: normalized, seq: seq)
        members.set(player, key)
        let newRank = tree.insert(key, player: player, along: newPath)
        return RankMove(oldRank: oldRank, oldScore: oldScore, newRank: newRank, newScore: score)
    }

    /// Removes `player`; returns the rank and score it had, or nil if absent.
    @discardableResult
    public func remove(_ player: UInt32) -> (rank: Int, score: Int64)? {
        guard let old = members.key(of: player) else { return nil }
        let rank = tree.remove(old, player: player)
        members.remove(player)
        return (rank, order.denormalize(old.score))
    }

    /// 1-based rank of `player`, or nil if absent.
    public func rank(of player: UInt32) -> Int? {
        tree.hintLeaf(ofPlayer: player)
        guard let key = members.key(of: player) else { return nil }
        return tree.rank(of: key, player: player)
    }

    /// Current score of `player`, or nil if absent. O(1).
    public func score(of player: UInt32) -> Int64? {
        members.key(of: player).map { order.denormalize($0.score) }
    }

    /// The member at 1-based `rank`, or nil when out of range.
    public func entry(atRank rank: Int) -> RankedEntry? {
        guard rank >= 1, rank <= count else { return nil }
        let e = tree.entry(atOffset: rank - 1)
        return RankedEntry(player: e.player, score: order.denormalize(e.score), rank: rank)
    }

    /// Up to `limit` members from 1-based `rank` on, best first. O(log n + limit).
    public func range(fromRank rank: Int, limit: Int) -> [RankedEntry] {
        guard limit > 0, rank >= 1, rank <= count else { return [] }
        var out: [RankedEntry] = []
        out.reserveCapacity(min(limit, count - rank + 1))
        var r = rank
        tree.scan(fromOffset: rank - 1) { player, key in
            out.append(RankedEntry(player: player, score: order.denormalize(key), rank: r))
            r += 1
            return out.count < limit
        }
        return out
    }

    /// Members whose score lies between `a` and `b` inclusive (either order), best first, at
    /// most `limit`. O(log n + k).
    public func range(scoresBetween a: Int64, and b: Int64, limit: Int) -> [RankedEntry] {
        let na = order.normalize(a), nb = order.normalize(b)
        let lo = min(na, nb), hi = max(na, nb)
        let start = SetKey(score: lo, seq: 0)
        var r = tree.countLess(than: start) + 1
        var out: [RankedEntry] = []
        guard limit > 0 else { return out }
        tree.scan(fromKey: start) { player, key in
            guard key <= hi else { return false }
            out.append(RankedEntry(player: player, score: order.denormalize(key), rank: r))
            r += 1
            return out.count < limit
        }
        return out
    }

    /// Members with a strictly better score than `score`.
    public func countBetter(than score: Int64) -> Int {
        tree.countLess(than: SetKey(score: order.normalize(score), seq: 0))
    }

    /// Removes every member.
    public func removeAll() {
        tree.removeAll()
        members.removeAll()
    }
}
