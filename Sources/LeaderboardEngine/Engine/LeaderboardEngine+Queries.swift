// Read-only queries: pages of a ranking (offset or cursor), a player's standing with the players
// around them, the friends board, archived periods and approximate ranks. Ranks are 1-based,
// offsets 0-based.

/// Which ranking a query reads.
public enum ScopeQuery: Equatable, Sendable {
    case global
    case region(String)
}

public struct LeaderboardPage: Equatable, Sendable {
    public var period: Period
    public var scope: ScopeKey
    /// Members in the scope.
    public var total: Int
    public var entries: [RankedEntry]
    /// Opaque position after the last entry, for the next page; nil at the end.
    public var nextCursor: String?
}

public struct PlayerStanding: Equatable, Sendable {
    public var period: Period
    public var rank: Int
    public var score: Int64
    public var total: Int
    /// Share of the other members ranked below the player, 0–100 (rank 1 → 100).
    public var percentile: Double
    /// Members from rank − n to rank + n.
    public var around: [RankedEntry]
}

public struct FriendsBoard: Equatable, Sendable {
    public var period: Period
    /// The player and their friends with a score in this window, best first; `rank` is the rank
    /// among them (not the global rank).
    public var entries: [RankedEntry]
    /// The player's rank among friends, nil if the player has no score here.
    public var rank: Int?
}

public struct ApproximateRank: Equatable, Sendable {
    public var rank: Int
    /// The exact rank of a member with this score is within `rank ± errorBound`.
    public var errorBound: Int
    public var total: Int
}

extension LeaderboardEngine {
    private func scopeKey(_ board: BoardState, _ scope: ScopeQuery) throws(EngineError) -> ScopeKey {
        switch scope {
        case .global: return .global
        case let .region(name):
            guard board.hasRegions else { throw .scopeNotEnabled(board: board.definition.id, scope: "region") }
            guard let r = players.findRegion(name) else { return .region(RegionIndex.max) }
            return .region(r)
        }
    }

    /// A page of `limit` entries starting at 0-based `offset`, or right after `cursor` when given.
    public func top(board: String, window: WindowKind, scope: ScopeQuery = .global, limit: Int,
                    offset: Int = 0, cursor: String? = nil) throws(EngineError) -> LeaderboardPage {
        let (b, w) = try self.window(board, window)
        let key = try scopeKey(b, scope)
        let tree = w.tree(for: key)
        let total = tree?.count ?? 0
        var start = max(0, offset)
        if let cursor {
            guard let position = Self.decodeCursor(cursor), position.period == w.period.start else { throw .invalidCursor }
            start = tree?.countLess(than: SetKey(score: position.score, seq: position.seq &+ 1)) ?? 0
        }
        var entries: [RankedEntry] = []
        if let tree, limit > 0, start < total {
            entries.reserveCapacity(min(limit, total - start))
            tree.scan(fromOffset: start) { player, score in
                entries.append(RankedEntry(player: player, score: w.order.denormalize(score), rank: start + entries.count + 1))
                return entries.count < limit
            }
        }
        var next: String?
        if let last = entries.last, last.rank < total, let k = w.global.members.key(of: last.player) {
            next = Self.encodeCursor(period: w.period.start, key: k)
        }
        return LeaderboardPage(period: w.period, scope: key, total: total, entries: entries, nextCursor: next)
    }

    /// The player's rank, score and percentile in `scope`, with `around` members on each side.
    public func standing(board: String, window: WindowKind, player: String, scope: ScopeQuery = .global,
                         around: Int = 0) throws(EngineError) -> PlayerStanding {
        let (b, w) = try self.window(board, window)
        let key = try scopeKey(b, scope)
        guard let p = players.find(player), let k = w.global.members.key(of: p),
              let tree = w.tree(for: key), let rank = w.rank(of: p, in: key, registry: players)
        else { throw .unknownPlayer(player) }
        let total = tree.count
        let n = max(0, min(around, 1000))
        let from = max(1, rank - n)
        var rows: [RankedEntry] = []
        tree.scan(fromOffset: from - 1) { q, score in
            rows.append(RankedEntry(player: q, score: w.order.denormalize(score), rank: from + rows.count))
            return rows.count < rank + n - from + 1
        }
        let percentile = total > 1 ? Double(total - rank) * 100 / Double(total - 1) : 100
        return PlayerStanding(period: w.period, rank: rank, score: w.order.denormalize(k.score), total: total,
                              percentile: percentile, around: rows)
    }

    /// The friends board of `player`: the player and friends ranked among themselves.
    public func friendsBoard(board: String, window: WindowKind, player: String) throws(EngineError) -> FriendsBoard {
        let (b, w) = try self.window(board, window)
        guard b.hasFriends else { throw .scopeNotEnabled(board: board, scope: "friends") }
        guard let p = players.find(player) else { throw .unknownPlayer(player) }
        var rows: [(PlayerIndex, SetKey)] = []
        for q in [p] + players.friends(of: p) {
            if let k = w.global.members.key(of: q) { rows.append((q, k)) }
        }
        rows.sort { $0.1 < $1.1 }
        let entries = rows.enumerated().map { RankedEntry(player: $1.0, score: w.order.denormalize($1.1.score), rank: $0 + 1) }
        return FriendsBoard(period: w.period, entries: entries, rank: entries.first { $0.player == p }?.rank)
    }

    /// Archived periods of a window, oldest first.
    public func periods(board: String, window: WindowKind) throws(EngineError) -> [ArchivedPeriod] {
        try self.window(board, window).1.archives
    }

    /// One archived period by label.
    public func archivedPeriod(board: String, window: WindowKind, label: String) throws(EngineError) -> ArchivedPeriod {
        guard let a = try self.window(board, window).1.archives.first(where: { $0.period.label == label }) else {
            throw .unknownPeriod(label)
        }
        return a
    }

    /// Rank estimate of `score` in the global ranking from the score histogram: O(buckets),
    /// independent of the number of members.
    public func approximateRank(board: String, window: WindowKind, score: Int64) throws(EngineError) -> ApproximateRank {
        let (_, w) = try self.window(board, window)
        let (rank, bound) = w.histogram.approximateRank(ofNormalized: w.order.normalize(score))
        return ApproximateRank(rank: rank, errorBound: bound, total: w.histogram.total)
    }

    /// Top `limit` of a scope with the period, for spectator snapshots.
    public func topEntries(board: BoardIndex, window: WindowKind, scope: ScopeKey, limit: Int) -> (Period, Int, [RankedEntry])? {
        guard Int(board) < boards.count, let w = boards[Int(board)].window(window) else { return nil }
        return (w.period, w.tree(for: scope)?.count ?? 0, w.top(scope, limit: limit))
    }

    // MARK: Cursors: "c<period>.<score>.<seq>" in base 36, opaque to clients.

    static func encodeCursor(period: Int64, key: SetKey) -> String {
        "c" + String(period, radix: 36) + "." + String(key.score, radix: 36) + "." + String(key.seq, radix: 36)
    }

    static func decodeCursor(_ text: String) -> (period: Int64, score: Int64, seq: UInt64)? {
        guard text.first == "c" else { return nil }
        let parts = text.dropFirst().split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let period = Int64(parts[0], radix: 36), let score = Int64(parts[1], radix: 36),
              let seq = UInt64(parts[2], radix: 36) else { return nil }
        return (period, score, seq)
    }
}
