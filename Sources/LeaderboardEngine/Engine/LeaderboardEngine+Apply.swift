// Batch application: validate, deduplicate, apply every event to each affected (window, scope)
// set in order, and feed the detector. Deterministic for a given state, batch and `now`, which is
// what makes log replay reproduce the state (and the answers remembered for idempotency).

/// Everything a batch produced.
public struct BatchOutcome: Sendable {
    public var results: [EventResult] = []
    /// Flat per-(event, window, scope) changes; each result names its range.
    public var changes: [WindowChange] = []
    public var notifications: [Notification] = []
    public var diffs: [BoardDiff] = []

    public init() {}
}

extension LeaderboardEngine {
    /// Applies `events` in order at time `now` (Unix ms). Every event gets a result; state
    /// changes for accepted events only.
    public func apply(_ events: [ScoreEvent], now: Int64) -> BatchOutcome {
        var outcome = BatchOutcome()
        outcome.results.reserveCapacity(events.count)
        var detector = BatchDetector()
        deduplicator.expire(now: now)
        // Batches usually name one board: hash its name once per run of equal names.
        var lastBoard: (name: String, index: BoardIndex?)?
        let warming = BatchWarmer(engine: self, limit: events.count)
        withUnsafeMutablePointer(to: &detector) { d in
            for j in 0..<BatchWarmer.chunks(events.count) {
                warming?.advance(events, applying: j)
                for i in BatchWarmer.range(j, of: events.count) {
                    let event = events[i]
                    if lastBoard?.name != event.board { lastBoard = (event.board, boardIndex[event.board]) }
                    outcome.results.append(applyOne(event, lastBoard?.index, now: now, outcome: &outcome, detector: d))
                }
            }
        }
        finish(&detector, into: &outcome)
        return outcome
    }

    private func reject(_ reason: RejectReason, _ outcome: BatchOutcome) -> EventResult {
        EventResult(status: .rejected(reason), changes: outcome.changes.count..<outcome.changes.count)
    }

    private func applyOne(_ e: ScoreEvent, _ bi: BoardIndex?, now: Int64, outcome: inout BatchOutcome,
                          detector: UnsafeMutablePointer<BatchDetector>) -> EventResult {
        guard let bi else { return reject(.unknownBoard(e.board), outcome) }
        let board = boards[Int(bi)]
        let def = board.rules
        if let problem = Identifier.validatePlayer(e.player) { return reject(.invalidPlayer(problem), outcome) }
        if let region = e.region, let problem = Identifier.validateName(region) { return reject(.invalidRegion(problem), outcome) }
        if let id = e.eventID, let problem = Identifier.validatePlayer(id) { return reject(.invalidEventID(problem), outcome) }
        if e.score < def.minScore || e.score > def.maxScore {
            return reject(.scoreOutOfRange(min: def.minScore, max: def.maxScore), outcome)
        }
        var at = e.at ?? now
        if at > now {
            if at - now > configuration.futureSkewMillis { return reject(.timeInFuture(aheadMillis: at - now), outcome) }
            at = now
        }
        let first = outcome.changes.count
        if let id = e.eventID, let prior = deduplicator.lookup(id, now: now) {
            outcome.changes.append(contentsOf: prior.changes)
            return EventResult(status: .duplicate, changes: first..<outcome.changes.count, lateWindows: prior.lateWindows)
        }
        // Interning a player whose event is then refused (overflow) is harmless: replay does the same.
        let player = players.intern(e.player)
        // First pass (only `sum` can overflow): combine for every window so an overflow rejects
        // the event before any change.
        var late: [WindowKind] = []
        if def.scoreOperator == .sum {
            for w in board.windows {
                let position = periodPosition(w, at)
                if position < 0 { continue }
                let current = position > 0 ? nil : w.global.score(of: player)
                if def.scoreOperator.combine(current: current, incoming: e.score, order: def.order) == nil {
                    return reject(.scoreOverflow, outcome)
                }
            }
        }
        if let region = e.region { changeRegion(player, to: players.internRegion(region), detector: detector) }
        let seq = nextSeq
        nextSeq += 1
        for w in board.windows {
            let position = periodPosition(w, at)
            if position < 0 {
                late.append(w.kind)
                continue
            }
            if position > 0 {
                // The first event after a period boundary rotates the window (lazily).
                finish(&detector.pointee, into: &outcome)
                detector.pointee.reset()
                let full = board.definition
                w.rotate(to: full.calendar.period(w.kind, containing: at), archivePeriods: full.archivePeriods,
                         archiveTop: full.archiveTop)
            }
            let current = w.global.score(of: player)
            let score = def.scoreOperator.combine(current: current, incoming: e.score, order: def.order)!
            applyToWindow(board, bi, w, player, score, seq, outcome: &outcome, detector: detector)
        }
        if let id = e.eventID {
            deduplicator.record(id, now: now, changes: outcome.changes[first...], lateWindows: late)
        }
        return EventResult(status: .accepted, changes: first..<outcome.changes.count, lateWindows: late)
    }

    /// Where `at` falls relative to the window's current period: 0 inside it (the common case,
    /// no calendar arithmetic), -1 before it (late), 1 after it (the window must rotate).
    @inline(__always)
    private func periodPosition(_ w: WindowState, _ at: Int64) -> Int {
        if w.period.contains(at) { return 0 }
        return at < w.period.start ? -1 : 1
    }

    private func applyToWindow(_ board: BoardState, _ bi: BoardIndex, _ w: WindowState, _ p: PlayerIndex,
                               _ score: Int64, _ seq: UInt64, outcome: inout BatchOutcome,
                               detector: UnsafeMutablePointer<BatchDetector>) {
        let def = board.rules
        let order = def.order
        let members = w.global.members
        let oldKey = members.key(of: p)
        let newKey = SetKey(score: order.normalize(score), seq: seq)
        let region = board.hasRegions ? players.region(of: p) : 0
        let globalRef = SetRef(board: bi, window: w.kind, scope: .global)
        let regionRef = SetRef(board: bi, window: w.kind, scope: .region(region))
        if let oldKey, oldKey.score == newKey.score {
            // Unchanged score: answer with the current ranks, notify nobody.
            let rank = w.global.tree.rank(of: oldKey, player: p)
            outcome.changes.append(WindowChange(window: w.kind, periodStart: w.period.start, scope: .global,
                                                oldRank: rank, newRank: rank, oldScore: score, newScore: score))
            if region != 0, let t = w.regionTree(region) {
                let r = t.rank(of: oldKey, player: p)
                outcome.changes.append(WindowChange(window: w.kind, periodStart: w.period.start, scope: .region(region),
                                                    oldRank: r, newRank: r, oldScore: score, newScore: score))
            }
            return
        }
        let depth = def.notifyDepth
        prepareTop(w, globalRef, depth: depth)
        let regionTree = region != 0 ? w.regionTreeCreating(region) : nil
        if regionTree != nil { prepareTop(w, regionRef, depth: depth) }
        let inAudience = audience.contains(p)
        let interest = personalMask(bi, w.kind)
        if inAudience && board.hasFriends && interest & ScopeKind.friends.interestBit != 0 {
            let ref = SetRef(board: bi, window: w.kind, scope: .friends)
            detector.pointee.observeMove(p, in: ref, oldRank: oldKey.map { w.friendsRank(of: p, key: $0, registry: players) })
        }
        let oldRegionRank = oldKey.flatMap { k in regionTree.map { $0.remove(k, player: p) } }
        let watching = w.watchers.contains(p)
        if watching, let oldKey { w.watcherTree.remove(oldKey, player: p) }
        let move = w.global.upsert(p, score: score, seq: seq)
        let newRegionRank = regionTree?.insert(newKey, player: p)
        // A new member changes the set's size even below the top K (spectators show it).
        if oldKey == nil {
            detector.pointee.touchTop(globalRef)
            if regionTree != nil { detector.pointee.touchTop(regionRef) }
        }
        if watching { w.watcherTree.insert(newKey, player: p) }
        if let oldKey { w.histogram.remove(oldKey.score) }
        w.histogram.add(newKey.score)

        outcome.changes.append(WindowChange(window: w.kind, periodStart: w.period.start, scope: .global,
                                            oldRank: move.oldRank, newRank: move.newRank,
                                            oldScore: move.oldScore, newScore: score))
        let globalInterest = interest & ScopeKind.global.interestBit != 0
        detect(p, score, in: w.global.tree, ref: globalRef, depth: depth, oldRank: move.oldRank, newRank: move.newRank,
               inAudience: inAudience, personal: globalInterest, detector: detector)
        if let regionTree, let newRegionRank {
            outcome.changes.append(WindowChange(window: w.kind, periodStart: w.period.start, scope: .region(region),
                                                oldRank: oldRegionRank, newRank: newRegionRank,
                                                oldScore: move.oldScore, newScore: score))
            detect(p, score, in: regionTree, ref: regionRef, depth: depth, oldRank: oldRegionRank,
                   newRank: newRegionRank, inAudience: inAudience, personal: interest & ScopeKind.region.interestBit != 0,
                   detector: detector)
        }
        guard oldKey.map({ newKey < $0 }) ?? true else { return }
        if globalInterest { detectWatchers(p, score, w, bi, oldKey: oldKey, newKey: newKey, detector: detector) }
        if board.hasFriends && interest & ScopeKind.friends.interestBit != 0 {
            let ref = SetRef(board: bi, window: w.kind, scope: .friends)
            for f in players.friends(of: p) where audience.contains(f) {
                guard let fk = members.key(of: f), newKey < fk, oldKey.map({ fk < $0 }) ?? true else { continue }
                detector.pointee.observeVictim(f, in: ref, by: p, passerScore: score)
            }
        }
    }

    /// Rank-line bookkeeping for one move in one ranked tree. `personal`: whether anyone wants
    /// personal notifications for this set (the top K is tracked for spectators either way).
    private func detect(_ p: PlayerIndex, _ score: Int64, in tree: RankedTree, ref: SetRef, depth: Int,
                        oldRank: Int?, newRank: Int, inAudience: Bool, personal: Bool,
                        detector: UnsafeMutablePointer<BatchDetector>) {
        let wasInside = oldRank.map { $0 <= depth } ?? false
        let isInside = newRank <= depth
        if wasInside || isInside { detector.pointee.touchTop(ref) }
        guard personal else { return }
        if inAudience { detector.pointee.observeMove(p, in: ref, oldRank: oldRank) }
        if wasInside != isInside {
            if inAudience { detector.pointee.observeToggle(p, in: ref, wasInside: wasInside) }
            // The player across the line moved the other way: pushed out at K+1, or pulled in at K.
            if isInside, tree.count > depth {
                let q = tree.entry(atOffset: depth).player
                if audience.contains(q) { detector.pointee.observeToggle(q, in: ref, wasInside: true) }
            } else if !isInside, tree.count >= depth {
                let q = tree.entry(atOffset: depth - 1).player
                if q != p, audience.contains(q) { detector.pointee.observeToggle(q, in: ref, wasInside: false) }
            }
        }
        // Players pushed down inside the top K: new ranks newRank+1 … min(oldRank, K+1).
        guard newRank <= depth, oldRank.map({ newRank < $0 }) ?? true else { return }
        let last = min(oldRank ?? tree.count, depth + 1, tree.count)
        guard last > newRank, audience.count > 0 else { return }
        var remaining = last - newRank
        tree.scan(fromOffset: newRank) { q, _ in
            if audience.contains(q) { detector.pointee.observeVictim(q, in: ref, by: p, passerScore: score) }
            remaining -= 1
            return remaining > 0
        }
    }

    /// Watchers the mover passed: keys strictly between its new and old key, nearest first, capped.
    private func detectWatchers(_ p: PlayerIndex, _ score: Int64, _ w: WindowState, _ bi: BoardIndex,
                                oldKey: SetKey?, newKey: SetKey, detector: UnsafeMutablePointer<BatchDetector>) {
        guard w.watcherTree.count > 0 else { return }
        let ref = SetRef(board: bi, window: w.kind, scope: .global)
        var budget = configuration.watcherLimitPerEvent
        guard budget > 0 else { return }
        let members = w.global.members
        w.watcherTree.scan(fromKey: newKey) { q, normalized in
            if q == p { return true }
            if let oldKey {
                let k = SetKey(score: normalized, seq: members.seq(ofPresent: q))
                if !(k < oldKey) { return false }
            }
            if audience.contains(q) {
                detector.pointee.observeVictim(q, in: ref, by: p, passerScore: score)
                budget -= 1
            }
            return budget > 0
        }
    }
}
