// Turning a batch's detector memory into notifications and spectator diffs, from the state at
// the end of the batch (or just before a window rotates mid-batch).

extension LeaderboardEngine {
    func finish(_ d: inout BatchDetector, into outcome: inout BatchOutcome) {
        guard !d.isEmpty else { return }
        for (key, oldRank) in d.sorted(d.movers) {
            guard let (w, score) = current(key) else { continue }
            let newRank = w.rank(of: key.player, in: key.set.scope, registry: players) ?? 0
            outcome.notifications.append(notification(.rank, key, w, oldRank: oldRank, newRank: newRank, score: score))
        }
        for (key, victim) in d.sorted(d.victims) {
            guard let (w, score) = current(key) else { continue }
            let newRank = w.rank(of: key.player, in: key.set.scope, registry: players) ?? 0
            var n = notification(.overtaken, key, w, oldRank: 0, newRank: newRank, score: score)
            n.by = victim.passers.last ?? 0
            n.byScore = victim.lastScore
            n.count = victim.passers.count
            outcome.notifications.append(n)
        }
        for (key, wasInside) in d.sorted(d.toggles) {
            guard let (w, score) = current(key) else { continue }
            let depth = boards[Int(key.set.board)].definition.notifyDepth
            let rank = w.rank(of: key.player, in: key.set.scope, registry: players) ?? 0
            let isInside = rank != 0 && rank <= depth
            guard isInside != wasInside else { continue }
            outcome.notifications.append(notification(isInside ? .topEntry : .topExit, key, w,
                                                      oldRank: 0, newRank: rank, score: score))
        }
        for ref in d.touchedTop {
            let board = boards[Int(ref.board)]
            guard let w = board.window(ref.window) else { continue }
            let before = w.baselines[ref.scope] ?? .init(top: [], size: 0)
            let after = TopBaselines.Baseline(top: w.top(ref.scope, limit: board.definition.notifyDepth),
                                              size: w.tree(for: ref.scope)?.count ?? 0)
            w.baselines[ref.scope] = after
            let diff = Self.diff(before.top, after.top, ref: ref, period: w.period.start, size: after.size)
            // A new member below the top K changes only the size: spectators still hear of it.
            if !diff.isEmpty || after.size != before.size { outcome.diffs.append(diff) }
        }
        d.reset()
    }

    private func current(_ key: PlayerInSet) -> (WindowState, Int64)? {
        guard let w = boards[Int(key.set.board)].window(key.set.window),
              let k = w.global.members.key(of: key.player) else { return nil }
        return (w, w.order.denormalize(k.score))
    }

    private func notification(_ kind: Notification.Kind, _ key: PlayerInSet, _ w: WindowState,
                              oldRank: Int, newRank: Int, score: Int64) -> Notification {
        Notification(kind: kind, recipient: key.player, board: key.set.board, window: key.set.window,
                     periodStart: w.period.start, scope: key.set.scope, oldRank: oldRank, newRank: newRank, score: score)
    }

    /// Rows that entered, moved or left between two top-K lists. `moved` is compact: it lists the
    /// rows whose score changed, not the rows that only shifted because others moved, so a client
    /// rebuilds the new list by dropping the left and listed rows, placing the listed rows at their
    /// ranks and filling the other ranks with the remaining rows in their old order. When that
    /// would not give `after` (a score that changed and came back within the batch re-orders a
    /// tie), every row whose rank or score changed is listed instead.
    static func diff(_ before: [RankedEntry], _ after: [RankedEntry], ref: SetRef, period: Int64, size: Int) -> BoardDiff {
        var previous: [PlayerIndex: RankedEntry] = [:]
        previous.reserveCapacity(before.count)
        for e in before { previous[e.player] = e }
        var entered: [BoardDiff.Row] = [], moved: [BoardDiff.Row] = [], left: [BoardDiff.Row] = []
        var shifted: [BoardDiff.Row] = []
        for e in after {
            if let old = previous.removeValue(forKey: e.player) {
                let row = BoardDiff.Row(player: e.player, rank: e.rank, previousRank: old.rank, score: e.score)
                if old.score != e.score {
                    moved.append(row)
                } else if old.rank != e.rank {
                    shifted.append(row)
                }
            } else {
                entered.append(.init(player: e.player, rank: e.rank, previousRank: 0, score: e.score))
            }
        }
        for e in before where previous[e.player] != nil {
            left.append(.init(player: e.player, rank: 0, previousRank: e.rank, score: e.score))
        }
        if !shifted.isEmpty && !Self.rebuilds(before, after, listed: Set((entered + moved).map(\.player)), left: previous) {
            moved = (moved + shifted).sorted { $0.rank < $1.rank }
        }
        return BoardDiff(board: ref.board, window: ref.window, periodStart: period, scope: ref.scope,
                         entered: entered, moved: moved, left: left, size: size)
    }

    /// Whether the rows of `after` that are not listed are exactly the rows of `before` that are
    /// neither listed nor left, in the same order (what a client of a compact diff assumes).
    private static func rebuilds(_ before: [RankedEntry], _ after: [RankedEntry], listed: Set<PlayerIndex>,
                                 left: [PlayerIndex: RankedEntry]) -> Bool {
        var i = 0
        func skipGone() {
            while i < before.count && (listed.contains(before[i].player) || left[before[i].player] != nil) { i += 1 }
        }
        for e in after where !listed.contains(e.player) {
            skipGone()
            guard i < before.count && before[i].player == e.player else { return false }
            i += 1
        }
        skipGone()
        return i == before.count
    }
}
