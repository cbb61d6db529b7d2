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
            let before = w.topCache[ref.scope] ?? []
            let after = w.top(ref.scope, limit: board.definition.notifyDepth)
            let size = w.tree(for: ref.scope)?.count ?? 0
            let sizeBefore = w.topSizes[ref.scope] ?? 0
            w.topCache[ref.scope] = after
            w.topSizes[ref.scope] = size
            let diff = Self.diff(before, after, ref: ref, period: w.period.start, size: size)
            // A new member below the top K changes only the size: spectators still hear of it.
            if !diff.isEmpty || size != sizeBefore { outcome.diffs.append(diff) }
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

    /// Rows that entered, moved (rank or score changed) or left between two top-K lists.
    static func diff(_ before: [RankedEntry], _ after: [RankedEntry], ref: SetRef, period: Int64, size: Int) -> BoardDiff {
        var previous: [PlayerIndex: RankedEntry] = [:]
        previous.reserveCapacity(before.count)
        for e in before { previous[e.player] = e }
        var entered: [BoardDiff.Row] = [], moved: [BoardDiff.Row] = [], left: [BoardDiff.Row] = []
        for e in after {
            if let old = previous.removeValue(forKey: e.player) {
                if old.rank != e.rank || old.score != e.score {
                    moved.append(.init(player: e.player, rank: e.rank, previousRank: old.rank, score: e.score))
                }
            } else {
                entered.append(.init(player: e.player, rank: e.rank, previousRank: 0, score: e.score))
            }
        }
        for e in before where previous[e.player] != nil {
            left.append(.init(player: e.player, rank: 0, previousRank: e.rank, score: e.score))
        }
        return BoardDiff(board: ref.board, window: ref.window, periodStart: period, scope: ref.scope,
                         entered: entered, moved: moved, left: left, size: size)
    }
}
