// Batched upserts into one ranked set. A random upsert in a large set is a chain of dependent
// cache misses (member key → old leaf, new leaf); applied one by one the chains run in sequence.
// Here a software pipeline hints, while update i is applied, the member key of update
// i + memberDistance and the two leaves (old key's and new key's) of update i + leafDistance, so
// the misses of different updates overlap (the same idea as `BatchWarmer`, for one set).

/// One score to set in a batch.
public struct SetUpdate: Equatable, Sendable {
    public var player: UInt32
    public var score: Int64

    public init(player: UInt32, score: Int64) {
        self.player = player
        self.score = score
    }
}

extension RankedSet {
    /// How far ahead of the update being applied its member key is hinted.
    static let memberDistance = 4
    /// How far ahead the old and new leaves are located and hinted.
    static let leafDistance = 2

    /// Applies `updates` in order, with the same results and final state as calling
    /// `upsert(_:score:seq:)` for each, update i taking seq `firstSeq + i`; writes each update's
    /// move to `moves[i]` (`moves.count` ≥ `updates.count`).
    public func upsert(batch updates: UnsafeBufferPointer<SetUpdate>, firstSeq: UInt64, moves: UnsafeMutableBufferPointer<RankMove>) {
        precondition(moves.count >= updates.count, "RankedSet.upsert(batch:): moves too short")
        let n = updates.count
        // The old and new key's paths of the updates in flight, by index mod `ring`: recorded
        // while their leaves are hinted, followed by the update where they still hold.
        let ring = Self.leafDistance + 1
        let oldPaths = (0..<ring).map { _ in TreePath() }, newPaths = (0..<ring).map { _ in TreePath() }
        for i in 0..<min(n, Self.memberDistance) { members.hintKey(of: updates[i].player) }
        for i in 0..<min(n, Self.leafDistance) { hintLeaves(of: updates[i], old: oldPaths[i % ring], new: newPaths[i % ring]) }
        for i in 0..<n {
            if i &+ Self.memberDistance < n { members.hintKey(of: updates[i &+ Self.memberDistance].player) }
            let ahead = i &+ Self.leafDistance
            if ahead < n { hintLeaves(of: updates[ahead], old: oldPaths[ahead % ring], new: newPaths[ahead % ring]) }
            let u = updates[i]
            moves[i] = upsert(u.player, score: u.score, seq: firstSeq &+ UInt64(i), oldPath: oldPaths[i % ring], newPath: newPaths[i % ring])
        }
    }

    /// Hints the leaf that holds the player's current entry and the leaf its new score goes to,
    /// recording both paths. Reads only; a hint or path made stale by an earlier update of the
    /// batch only fetches a useless line or costs a scan.
    @inline(__always)
    private func hintLeaves(of update: SetUpdate, old oldPath: TreePath, new newPath: TreePath) {
        let normalized = order.normalize(update.score)
        oldPath.height = 0
        newPath.height = 0
        if let old = members.key(of: update.player) {
            if old.score == normalized { return }
            tree.hintLeaf(of: old, recording: oldPath)
        }
        tree.hintLeaf(of: SetKey(score: normalized, seq: .max), recording: newPath)
    }
}
