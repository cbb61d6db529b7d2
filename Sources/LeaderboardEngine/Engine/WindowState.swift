// The live state of one (board, window): the current period's global set, its region trees and
// watcher tree (all sharing the set's member table), the score histogram, archived periods and
// the cached top K per scope used for spectator diffs. Owned by the engine thread.

final class WindowState {
    let kind: WindowKind
    var period: Period
    /// The global ranking; its member table is shared by the region and watcher trees.
    let global: RankedSet
    private(set) var regionTrees: [RegionIndex: RankedTree] = [:]
    /// Watchers of this window's global rank that currently have a score here.
    let watcherTree: RankedTree
    var watchers: Set<PlayerIndex> = []
    var histogram = ScoreHistogram()
    var archives: [ArchivedPeriod] = []
    /// Top K and members per scope as of the end of the last batch (spectator diff baseline; a
    /// diff also goes out when only the size changed).
    var baselines = TopBaselines()

    init(kind: WindowKind, period: Period, order: ScoreOrder) {
        self.kind = kind
        self.period = period
        global = RankedSet(order: order)
        watcherTree = RankedTree(members: global.members)
    }

    var order: ScoreOrder { global.order }

    func regionTree(_ r: RegionIndex) -> RankedTree? { regionTrees[r] }

    func regionTreeCreating(_ r: RegionIndex) -> RankedTree {
        if let t = regionTrees[r] { return t }
        let t = RankedTree(members: global.members)
        regionTrees[r] = t
        return t
    }

    /// The tree ranking `scope` (nil for friends or an unknown region).
    func tree(for scope: ScopeKey) -> RankedTree? {
        if scope.isGlobal { return global.tree }
        if let r = scope.region { return regionTrees[r] }
        return nil
    }

    /// 1-based rank of `player` in `scope`, or nil if absent.
    func rank(of player: PlayerIndex, in scope: ScopeKey, registry: PlayerRegistry) -> Int? {
        guard let key = global.members.key(of: player) else { return nil }
        if scope.isFriends { return friendsRank(of: player, key: key, registry: registry) }
        if let r = scope.region, registry.region(of: player) != r { return nil }
        return tree(for: scope).map { $0.rank(of: key, player: player) }
    }

    /// Rank among the player and their friends with a score in this window. O(friends).
    func friendsRank(of player: PlayerIndex, key: SetKey, registry: PlayerRegistry) -> Int {
        var better = 0
        for f in registry.friends(of: player) {
            if let k = global.members.key(of: f), k < key { better += 1 }
        }
        return better + 1
    }

    /// Top `limit` entries of `scope` (global or region), best first.
    func top(_ scope: ScopeKey, limit: Int) -> [RankedEntry] {
        guard let tree = tree(for: scope), limit > 0 else { return [] }
        var out: [RankedEntry] = []
        out.reserveCapacity(min(limit, tree.count))
        tree.scan(fromOffset: 0) { player, score in
            out.append(RankedEntry(player: player, score: order.denormalize(score), rank: out.count + 1))
            return out.count < limit
        }
        return out
    }

    /// Moves `player` (who has a key here) from region `from` to region `to` (0 = none).
    func moveRegion(_ player: PlayerIndex, from: RegionIndex, to: RegionIndex) {
        guard let key = global.members.key(of: player) else { return }
        if from != 0, let t = regionTrees[from] {
            t.remove(key, player: player)
            if t.count == 0 { regionTrees[from] = nil; baselines[.region(from)] = nil }
        }
        if to != 0 { regionTreeCreating(to).insert(key, player: player) }
    }

    /// Ends the current period: archives its top `archiveTop` (keeping `archivePeriods`), frees
    /// the sets, and starts `next`. Returns the archive (nil when nothing is kept).
    @discardableResult
    func rotate(to next: Period, archivePeriods: Int, archiveTop: Int) -> ArchivedPeriod? {
        var archived: ArchivedPeriod?
        if archivePeriods > 0 {
            let a = ArchivedPeriod(period: period, totalPlayers: global.count, top: global.range(fromRank: 1, limit: archiveTop))
            archives.append(a)
            if archives.count > archivePeriods { archives.removeFirst(archives.count - archivePeriods) }
            archived = a
        }
        global.removeAll()
        regionTrees = [:]
        watcherTree.removeAll()
        histogram.removeAll()
        baselines = TopBaselines()
        period = next
        return archived
    }
}
