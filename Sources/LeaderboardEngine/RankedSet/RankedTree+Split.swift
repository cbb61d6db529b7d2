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
            noteLeaf(leaf, of: player)
            return
        }
        if height > 0, shiftIntoSibling(leaf, offset, key, player) { return }
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
        noteLeaf(leaf, of: player)
        noteAllEntries(of: right)
        let separator = offset == keep ? key : leafKey(right, 0)
        insertChild(level: height - 1, child: right, separator: separator,
                    leftSize: leaves.count(leaf), rightSize: leaves.count(right))
    }

    /// Makes room in a full leaf by moving entries to a sibling under the same parent that has
    /// at least a quarter of a leaf free (B*-tree style), then inserts. Splitting only when both
    /// neighbours are nearly full keeps leaves ~80 % full under random inserts instead of ~69 %,
    /// which is most of the memory per member. Returns false when no sibling has room.
    private func shiftIntoSibling(_ leaf: UInt32, _ offset: Int, _ key: SetKey, _ player: UInt32) -> Bool {
        let level = height - 1
        let parent = pathNode[level], slot = pathSlot[level]
        let siblings = inners.count(parent)
        let children = inners.children(parent), sizes = inners.sizes(parent)
        let n = LeafPool.capacity
        let room = n / 4
        let s = leaves.scores(leaf), p = leaves.players(leaf)
        if slot + 1 < siblings, n - leaves.count(children[slot + 1]) >= room {
            let right = children[slot + 1]
            let rn = leaves.count(right)
            let k = (n - rn) / 2
            let rs = leaves.scores(right), rp = leaves.players(right)
            (rs + k).moveInitialize(from: rs, count: rn)
            (rp + k).moveInitialize(from: rp, count: rn)
            rs.update(from: s + n - k, count: k)
            rp.update(from: p + n - k, count: k)
            let kept = n - k
            leaves.setCount(leaf, kept)
            leaves.setCount(right, rn + k)
            inners.setSeparator(parent, slot + 1, leafKey(right, 0))
            if offset <= kept {
                insertIntoLeaf(leaf, offset, key, player)
            } else {
                insertIntoLeaf(right, offset - kept, key, player)
            }
            noteAllEntries(of: right)
            sizes[slot] = UInt32(leaves.count(leaf))
            sizes[slot + 1] = UInt32(leaves.count(right))
            return true
        }
        if slot > 0, n - leaves.count(children[slot - 1]) >= room {
            let left = children[slot - 1]
            let ln = leaves.count(left)
            let k = (n - ln) / 2
            (leaves.scores(left) + ln).update(from: s, count: k)
            (leaves.players(left) + ln).update(from: p, count: k)
            s.update(from: s + k, count: n - k)
            p.update(from: p + k, count: n - k)
            leaves.setCount(left, ln + k)
            leaves.setCount(leaf, n - k)
            if offset <= k {
                insertIntoLeaf(left, ln + offset, key, player)
            } else {
                insertIntoLeaf(leaf, offset - k, key, player)
            }
            noteAllEntries(of: left)
            inners.setSeparator(parent, slot, leafKey(leaf, 0))
            sizes[slot - 1] = UInt32(leaves.count(left))
            sizes[slot] = UInt32(leaves.count(leaf))
            return true
        }
        return false
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
