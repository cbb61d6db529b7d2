// Reading ranges out of the tree in rank order, and building a tree from sorted entries.

extension RankedTree {
    /// Calls `body(player, normalizedScore)` for entries from 0-based `offset` in rank order until
    /// `body` returns false or the entries run out. O(log n + k).
    public func scan(fromOffset offset: Int, _ body: (UInt32, Int64) -> Bool) {
        guard offset >= 0, offset < count else { return }
        var (leaf, i) = locate(offset: offset)
        scanLeaves(leaf: &leaf, offset: &i, body)
    }

    /// Calls `body(player, normalizedScore)` for entries whose key is ≥ `key`, in rank order,
    /// until `body` returns false. O(log n + k).
    public func scan(fromKey key: SetKey, _ body: (UInt32, Int64) -> Bool) {
        var node = leaf(holding: key)
        var i = leafLowerBound(node, key)
        scanLeaves(leaf: &node, offset: &i, body)
    }

    /// The leaf that holds (or would hold) `key`; changes nothing on the way down. With `path`,
    /// records the node and child slot of each level there (see `TreePath`).
    func leaf(holding key: SetKey, recording path: TreePath? = nil) -> UInt32 {
        var node = root
        path?.height = height
        for level in 0..<height {
            hintLines(inners.children(node), bytes: InnerPool.capacity * 4)
            let slot = childSlot(node, key)
            if let path {
                path.nodes[level] = node
                path.slots[level] = Int32(truncatingIfNeeded: slot)
            }
            node = inners.children(node)[slot]
        }
        return node
    }

    private func scanLeaves(leaf: inout UInt32, offset i: inout Int, _ body: (UInt32, Int64) -> Bool) {
        while leaf != LeafPool.none {
            let n = leaves.count(leaf)
            let s = leaves.scores(leaf), p = leaves.players(leaf)
            while i < n {
                if !body(p[i], s[i]) { return }
                i += 1
            }
            leaf = leaves.next(leaf)
            i = 0
        }
    }

    /// The entry at 0-based `offset` (< count): player and normalized score.
    public func entry(atOffset offset: Int) -> (player: UInt32, score: Int64) {
        let (leaf, i) = locate(offset: offset)
        return (leaves.players(leaf)[i], leaves.scores(leaf)[i])
    }

    /// Replaces the contents with `count` entries already in key order (strictly increasing
    /// keys), filling nodes to 7/8 so later inserts rarely split. `members` must already hold
    /// every entry's key. O(n).
    public func bulkLoad(count total: Int, player: (Int) -> UInt32, key: (Int) -> SetKey) {
        removeAll()
        guard total > 0 else { return }
        leaves.deallocateAll()
        let perLeaf = LeafPool.capacity * 7 / 8
        var level: [(node: UInt32, size: Int, first: SetKey)] = []
        level.reserveCapacity(total / perLeaf + 1)
        var previous = LeafPool.none
        var i = 0
        while i < total {
            let leaf = leaves.allocate()
            let n = min(perLeaf, total - i)
            let s = leaves.scores(leaf), p = leaves.players(leaf)
            for j in 0..<n {
                let k = key(i + j)
                s[j] = k.score
                p[j] = player(i + j)
                if k.seq > maxSeq { maxSeq = k.seq }
            }
            leaves.setCount(leaf, n)
            leaves.setPrev(leaf, previous)
            if previous != LeafPool.none { leaves.setNext(previous, leaf) } else { firstLeaf = leaf }
            previous = leaf
            level.append((leaf, n, key(i)))
            i += n
        }
        height = 0
        let perInner = InnerPool.capacity * 7 / 8
        while level.count > 1 {
            var upper: [(node: UInt32, size: Int, first: SetKey)] = []
            upper.reserveCapacity(level.count / perInner + 1)
            var j = 0
            while j < level.count {
                let node = inners.allocate()
                let n = min(perInner, level.count - j)
                var size = 0
                for k in 0..<n {
                    let child = level[j + k]
                    inners.children(node)[k] = child.node
                    inners.sizes(node)[k] = UInt32(child.size)
                    inners.setSeparator(node, k, child.first)
                    size += child.size
                }
                inners.setCount(node, n)
                upper.append((node, size, level[j].first))
                j += n
            }
            level = upper
            height += 1
        }
        root = level[0].node
        count = total
        if count >= header.pointee.leafHintsFrom { startLeafHints() }
    }
}

extension RankedTree {
    /// Walks to the leaf that holds `key` and hints every line of its record (see `BatchWarmer`),
    /// recording the path taken into `path` if given, for a later `insert` or `remove` of the key.
    func hintLeaf(of key: SetKey, recording path: TreePath? = nil) {
        hintLines(leaves.record(leaf(holding: key, recording: path)), bytes: LeafPool.stride)
    }
}

/// A root-to-leaf path (inner node and child slot per level) recorded for a key ahead of its
/// update. The tree may change in between (splits, merges, shifts); a descent along the path
/// re-checks each level against two separators and scans only where it no longer holds, so a
/// stale path costs a little time, never a wrong answer. Storage is owned by the path.
final class TreePath {
    let nodes: UnsafeMutablePointer<UInt32>
    let slots: UnsafeMutablePointer<Int32>
    var height = 0

    init() {
        nodes = .allocate(capacity: RankedTree.maxHeight)
        slots = .allocate(capacity: RankedTree.maxHeight)
    }

    deinit {
        nodes.deallocate()
        slots.deallocate()
    }
}
