// Brute-force reference for the rank-change detector: applies events one by one to naive sorted
// arrays, recomputes every rank before and after each event and each batch, and derives who was
// overtaken, who crossed the top-K line and how each top K changed.
@testable import LeaderboardEngine
import TestSupport

struct ReferenceDetector {
    struct Note: Hashable, Comparable, CustomStringConvertible {
        var kind: UInt8, recipient: UInt32, scope: UInt32
        var oldRank: Int, newRank: Int, score: Int64, by: UInt32, byScore: Int64, count: Int
        static func < (a: Note, b: Note) -> Bool {
            (a.recipient, a.scope, a.kind, a.oldRank, a.newRank) < (b.recipient, b.scope, b.kind, b.oldRank, b.newRank)
        }
        var description: String { "k\(kind) to \(recipient) scope \(scope) \(oldRank)->\(newRank) s\(score) by \(by)/\(byScore) x\(count)" }
    }

    let order: ScoreOrder
    let op: ScoreOperator
    let depth: Int
    let watcherCap: Int
    var regionOf: [UInt32: UInt32] = [:]          // player → region scope raw
    var friends: [UInt32: Set<UInt32>] = [:]
    var audience: Set<UInt32> = []
    var watchers: Set<UInt32> = []
    var rankings: [UInt32: ReferenceRanking] = [:] // scope raw → ranking
    var seq: UInt64 = 0

    init(order: ScoreOrder, op: ScoreOperator, depth: Int, watcherCap: Int) {
        self.order = order
        self.op = op
        self.depth = depth
        self.watcherCap = watcherCap
        rankings[0] = ReferenceRanking(order: order)
    }

    private func ranks(_ scope: UInt32) -> [UInt32: Int] {
        var out: [UInt32: Int] = [:]
        for (i, row) in (rankings[scope]?.rows ?? []).enumerated() { out[row.player] = i + 1 }
        return out
    }

    private func friendsRank(_ p: UInt32) -> Int? {
        guard let mine = rankings[0]!.row(of: p) else { return nil }
        let all = rankings[0]!
        return 1 + (friends[p] ?? []).filter { f in
            guard let r = all.row(of: f) else { return false }
            return r.score != mine.score ? order.isBetter(r.score, than: mine.score) : r.seq < mine.seq
        }.count
    }

    private func top(_ scope: UInt32) -> [ReferenceRanking.Row] { Array((rankings[scope]?.rows ?? []).prefix(depth)) }

    /// Applies one batch of (player, score) and returns the notifications and top-K diffs.
    mutating func apply(_ batch: [(UInt32, Int64)]) -> (notes: [Note], diffs: [UInt32: ([ReferenceRanking.Row], [ReferenceRanking.Row])]) {
        let scopes = Set(rankings.keys)
        let topBefore = Dictionary(uniqueKeysWithValues: scopes.map { ($0, top($0)) })
        let sizeBefore = Dictionary(uniqueKeysWithValues: scopes.map { ($0, rankings[$0]!.rows.count) })
        var moverOld: [PlayerScope: Int] = [:]
        var victims: [PlayerScope: (passers: [UInt32], lastScore: Int64)] = [:]
        var toggles: [PlayerScope: Bool] = [:]
        func pass(_ v: UInt32, _ scope: UInt32, by p: UInt32, score: Int64) {
            let key = PlayerScope(player: v, scope: scope)
            var entry = victims[key] ?? ([], score)
            entry.passers.removeAll { $0 == p }
            entry.passers.append(p)
            entry.lastScore = score
            victims[key] = entry
        }
        for (p, incoming) in batch {
            seq += 1
            let current = rankings[0]!.row(of: p)?.score
            let score = op.combine(current: current, incoming: incoming, order: order)!
            if current == score { continue }
            let region = regionOf[p]!
            let friendsBefore = friendsRank(p)
            var before: [UInt32: [UInt32: Int]] = [:]
            for scope in [0, region] { before[scope] = ranks(scope) }
            for scope in [0, region] { rankings[scope, default: ReferenceRanking(order: order)].upsert(p, score: score, seq: seq) }
            if audience.contains(p), !(friends[p] ?? []).isEmpty || true {
                let key = PlayerScope(player: p, scope: .max)
                if moverOld[key] == nil { moverOld[key] = friendsBefore ?? 0 }
            }
            for scope in [UInt32(0), region] {
                let b = before[scope]!, a = ranks(scope)
                let r0 = b[p], r1 = a[p]!
                if audience.contains(p), moverOld[PlayerScope(player: p, scope: scope)] == nil {
                    moverOld[PlayerScope(player: p, scope: scope)] = r0 ?? 0
                }
                for q in audience {
                    let wasIn = b[q].map { $0 <= depth } ?? false, isIn = a[q].map { $0 <= depth } ?? false
                    if wasIn != isIn, toggles[PlayerScope(player: q, scope: scope)] == nil {
                        toggles[PlayerScope(player: q, scope: scope)] = wasIn
                    }
                }
                // Passed: above the mover before (or mover absent), below it now.
                let passed = a.keys.filter { q in
                    q != p && b[q] != nil && (r0 == nil || b[q]! < r0!) && a[q]! > r1
                }
                for q in passed where audience.contains(q) && b[q]! <= depth { pass(q, scope, by: p, score: score) }
                if scope == 0 {
                    let passedWatchers = passed.filter { watchers.contains($0) && audience.contains($0) }.sorted { a[$0]! < a[$1]! }
                    for q in passedWatchers.prefix(watcherCap) { pass(q, 0, by: p, score: score) }
                    for f in friends[p] ?? [] where audience.contains(f) && passed.contains(f) { pass(f, .max, by: p, score: score) }
                }
            }
        }
        var notes: [Note] = []
        for (key, old) in moverOld {
            let now = key.scope == .max ? friendsRank(key.player)! : ranks(key.scope)[key.player]!
            notes.append(Note(kind: 0, recipient: key.player, scope: key.scope, oldRank: old, newRank: now,
                              score: rankings[0]!.row(of: key.player)!.score, by: 0, byScore: 0, count: 0))
        }
        for (key, v) in victims {
            let now = key.scope == .max ? friendsRank(key.player)! : ranks(key.scope)[key.player]!
            notes.append(Note(kind: 1, recipient: key.player, scope: key.scope, oldRank: 0, newRank: now,
                              score: rankings[0]!.row(of: key.player)!.score, by: v.passers.last!, byScore: v.lastScore,
                              count: v.passers.count))
        }
        for (key, wasIn) in toggles {
            let rank = ranks(key.scope)[key.player] ?? 0
            let isIn = rank != 0 && rank <= depth
            guard isIn != wasIn else { continue }
            notes.append(Note(kind: isIn ? 2 : 3, recipient: key.player, scope: key.scope, oldRank: 0, newRank: rank,
                              score: rankings[0]!.row(of: key.player)?.score ?? 0, by: 0, byScore: 0, count: 0))
        }
        var diffs: [UInt32: ([ReferenceRanking.Row], [ReferenceRanking.Row])] = [:]
        for scope in rankings.keys {
            let old = topBefore[scope] ?? [], new = top(scope)
            // Visible change only: a score that moved and came back within the batch is no diff;
            // a new member below the top K is one (the size changed).
            if old.map({ [Int64($0.player), $0.score] }) != new.map({ [Int64($0.player), $0.score] })
                || sizeBefore[scope] ?? 0 != rankings[scope]!.rows.count {
                diffs[scope] = (old, new)
            }
        }
        return (notes.sorted(), diffs)
    }

    struct PlayerScope: Hashable {
        var player: UInt32
        var scope: UInt32
    }
}
