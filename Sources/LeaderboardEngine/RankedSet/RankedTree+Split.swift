// Growth of the tree: inserting into a leaf and splitting full leaves and inner nodes upward
// along the path recorded by the last descent.

extension RankedTree {
    /// Writes (key, player) at `offset` of `leaf`, splitting it when full. The sizes on the path
    /// already count the new entry.
    func insertIntoLeaf(_ leaf: UInt32, _ offset: Int, _ key: SetKey, _ player: UInt32) {
        let n = leaves.count(leaf)
        let s = leaves.scores(leaf), p = leaves.players(leaf)
        if n < LeafPool.capacity {
            (s + offset + 1).moveInitialize(from: s + offset, count: n - offset)
            (p + offset + 1).moveInitialize(from: p + offset, count: n - offset)
            s[offset] = key.score
            p[offset] = player
            leaves.setCount(leaf, n + 1)
            return
        }
        let right = leaves.allocate()
        let rs = leaves.scores(right), rp = leaves.players(right)
        // Appending past the end of the last leaf (scores arriving in order) keeps the left leaf
        // full instead of half empty, so in-order loads pack leaves completely.
        let isAppend = offset == n && leaves.next(leaf) == LeafPool.none
        let keep = isAppend ? n : (n + 1) / 2
        if offset < keep {
            // New entry goes left: move [keep-1, n) right, then insert left.
            let moved = n - (keep - 1)
            rs.update(from: s + keep - 1, count: moved)
            rp.update(from: p + keep - 1, count: moved)
            leaves.setCount(right, moved)
            (s + offset + 1).moveInitialize(from: s + offset, count: keep - 1 - offset)
            (p + offset + 1).moveInitialize(from: p + offset, count: keep - 1 - offset)
            s[offset] = key.score
            p[offset] = player
            leaves.setCount(leaf, keep)
        } else {
            let moved = n - keep
            let at = offset - keep
            rs.update(from: s + keep, count: at)
            rp.update(from: p + keep, count: at)
            rs[at] = key.score
            rp[at] = player
            (rs + at + 1).update(from: s + offset, count: n - offset)
            (rp + at + 1).update(from: p + offset, count: n - offset)
            leaves.setCount(right, moved + 1)
            leaves.setCount(leaf, keep)
        }
        let after = leaves.next(leaf)
        leaves.setNext(right, after)
        leaves.setPrev(right, leaf)
        leaves.setNext(leaf, right)
        if after != LeafPool.none { leaves.setPrev(after, right) }
        // The right leaf's first entry may be the new one, whose seq `members` already holds.
        let separator = offset == keep ? key : leafKey(right, 0)
        insertChild(level: height - 1, child: right, separator: separator,
                    leftSize: leaves.count(leaf), rightSize: leaves.count(right))
    }

    /// Adds `child` right after the node at `pathSlot[level]` of `pathNode[level]`, after that
    /// node was split. `level == -1` means the split node was the root.
    func insertChild(level: Int, child: UInt32, separator: SetKey, leftSize: Int, rightSize: Int) {
        if level < 0 {
            let newRoot = inners.allocate()
            inners.children(newRoot)[0] = root
            inners.sizes(newRoot)[0] = UInt32(leftSize)
            inners.children(newRoot)[1] = child
            inners.sizes(newRoot)[1] = UInt32(rightSize)
            inners.setSeparator(newRoot, 1, separator)
            inners.setCount(newRoot, 2)
            root = newRoot
            height += 1
            return
        }
        let node = pathNode[level]
        let slot = pathSlot[level]
        let n = inners.count(node)
        let children = inners.children(node), sizes = inners.sizes(node)
        let ss = inners.sepScores(node), sq = inners.sepSeqs(node)
        sizes[slot] = UInt32(leftSize)
        let at = slot + 1
        if n < InnerPool.capacity {
            (children + at + 1).moveInitialize(from: children + at, count: n - at)
            (sizes + at + 1).moveInitialize(from: sizes + at, count: n - at)
            (ss + at + 1).moveInitialize(from: ss + at, count: n - at)
            (sq + at + 1).moveInitialize(from: sq + at, count: n - at)
            children[at] = child
            sizes[at] = UInt32(rightSize)
            ss[at] = separator.score
            sq[at] = separator.seq
            inners.setCount(node, n + 1)
            return
        }
        // Split a full inner node: gather n + 1 children in scratch, keep the first half.
        for i in 0..<n {
            let j = i < at ? i : i + 1
            scratchChildren[j] = children[i]
            scratchSizes[j] = sizes[i]
            scratchSeps[j] = SetKey(score: ss[i], seq: sq[i])
        }
        scratchChildren[at] = child
        scratchSizes[at] = UInt32(rightSize)
        scratchSeps[at] = separator
        let total = n + 1
        let keep = total / 2
        let sibling = inners.allocate()
        let sc = inners.children(sibling), sz = inners.sizes(sibling)
        for i in 0..<total {
            if i < keep {
                children[i] = scratchChildren[i]
                sizes[i] = scratchSizes[i]
                inners.setSeparator(node, i, scratchSeps[i])
            } else {
                sc[i - keep] = scratchChildren[i]
                sz[i - keep] = scratchSizes[i]
                inners.setSeparator(sibling, i - keep, scratchSeps[i])
            }
        }
        inners.setCount(node, keep)
        inners.setCount(sibling, total - keep)
        insertChild(level: level - 1, child: sibling, separator: scratchSeps[keep],
                    leftSize: inners.total(node), rightSize: inners.total(sibling))
    }
}
