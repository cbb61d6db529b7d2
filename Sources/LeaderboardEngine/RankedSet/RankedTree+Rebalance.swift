// Shrinking the tree after a removal: a node that falls below a quarter full is merged into a
// sibling when both fit in three quarters of a node, otherwise it borrows one entry/child from
// a sibling. This keeps memory proportional to the entries whatever the deletion pattern.

extension RankedTree {
    func rebalanceLeaf(_ leaf: UInt32) {
        guard height > 0 else { return }
        let n = leaves.count(leaf)
        guard n < Self.leafMinimum else { return }
        let level = height - 1
        let parent = pathNode[level], slot = pathSlot[level]
        let siblings = inners.count(parent)
        let children = inners.children(parent), sizes = inners.sizes(parent)
        if n == 0 {
            removeChild(level: level, slot: slot)
            unlinkLeaf(leaf)
            rebalanceInner(level: level)
            return
        }
        if slot > 0 {
            let left = children[slot - 1]
            let ln = leaves.count(left)
            if ln + n <= Self.leafMergeLimit {
                (leaves.scores(left) + ln).update(from: leaves.scores(leaf), count: n)
                (leaves.players(left) + ln).update(from: leaves.players(leaf), count: n)
                leaves.setCount(left, ln + n)
                noteAllEntries(of: left)
                sizes[slot - 1] &+= UInt32(n)
                removeChild(level: level, slot: slot)
                unlinkLeaf(leaf)
                rebalanceInner(level: level)
                return
            }
        }
        if slot + 1 < siblings {
            let right = children[slot + 1]
            let rn = leaves.count(right)
            if n + rn <= Self.leafMergeLimit {
                (leaves.scores(leaf) + n).update(from: leaves.scores(right), count: rn)
                (leaves.players(leaf) + n).update(from: leaves.players(right), count: rn)
                leaves.setCount(leaf, n + rn)
                noteAllEntries(of: leaf)
                sizes[slot] &+= UInt32(rn)
                removeChild(level: level, slot: slot + 1)
                unlinkLeaf(right)
                rebalanceInner(level: level)
                return
            }
        }
        if slot > 0, leaves.count(children[slot - 1]) > Self.leafMinimum {
            let left = children[slot - 1]
            let ln = leaves.count(left)
            let s = leaves.scores(leaf), p = leaves.players(leaf)
            (s + 1).moveInitialize(from: s, count: n)
            (p + 1).moveInitialize(from: p, count: n)
            s[0] = leaves.scores(left)[ln - 1]
            p[0] = leaves.players(left)[ln - 1]
            noteLeaf(leaf, of: p[0])
            leaves.setCount(left, ln - 1)
            leaves.setCount(leaf, n + 1)
            sizes[slot - 1] &-= 1
            sizes[slot] &+= 1
            inners.setSeparator(parent, slot, leafKey(leaf, 0))
        } else if slot + 1 < siblings, leaves.count(children[slot + 1]) > Self.leafMinimum {
            let right = children[slot + 1]
            let rn = leaves.count(right)
            let rs = leaves.scores(right), rp = leaves.players(right)
            leaves.scores(leaf)[n] = rs[0]
            leaves.players(leaf)[n] = rp[0]
            noteLeaf(leaf, of: rp[0])
            rs.update(from: rs + 1, count: rn - 1)
            rp.update(from: rp + 1, count: rn - 1)
            leaves.setCount(right, rn - 1)
            leaves.setCount(leaf, n + 1)
            sizes[slot + 1] &-= 1
            sizes[slot] &+= 1
            inners.setSeparator(parent, slot + 1, leafKey(right, 0))
        }
    }

    func rebalanceInner(level: Int) {
        let node = pathNode[level]
        if level == 0 {
            while height > 0, inners.count(root) == 1 {
                let only = inners.children(root)[0]
                inners.release(root)
                root = only
                height -= 1
            }
            return
        }
        let n = inners.count(node)
        guard n < Self.innerMinimum else { return }
        let parent = pathNode[level - 1], slot = pathSlot[level - 1]
        let siblings = inners.count(parent)
        let children = inners.children(parent), sizes = inners.sizes(parent)
        if slot > 0 {
            let left = children[slot - 1]
            if inners.count(left) + n <= Self.innerMergeLimit {
                appendChildren(of: node, to: left, firstSeparator: inners.separator(parent, slot))
                sizes[slot - 1] &+= sizes[slot]
                removeChild(level: level - 1, slot: slot)
                inners.release(node)
                rebalanceInner(level: level - 1)
                return
            }
        }
        if slot + 1 < siblings {
            let right = children[slot + 1]
            if n + inners.count(right) <= Self.innerMergeLimit {
                appendChildren(of: right, to: node, firstSeparator: inners.separator(parent, slot + 1))
                sizes[slot] &+= sizes[slot + 1]
                removeChild(level: level - 1, slot: slot + 1)
                inners.release(right)
                rebalanceInner(level: level - 1)
                return
            }
        }
        if slot > 0, inners.count(children[slot - 1]) > Self.innerMinimum {
            let left = children[slot - 1]
            let ln = inners.count(left)
            let moved = inners.children(left)[ln - 1], movedSize = inners.sizes(left)[ln - 1]
            let movedSeparator = inners.separator(left, ln - 1)
            shiftChildrenRight(node)
            inners.children(node)[0] = moved
            inners.sizes(node)[0] = movedSize
            inners.setSeparator(node, 1, inners.separator(parent, slot))
            inners.setSeparator(parent, slot, movedSeparator)
            inners.setCount(left, ln - 1)
            sizes[slot - 1] &-= movedSize
            sizes[slot] &+= movedSize
        } else if slot + 1 < siblings, inners.count(children[slot + 1]) > Self.innerMinimum {
            let right = children[slot + 1]
            let moved = inners.children(right)[0], movedSize = inners.sizes(right)[0]
            inners.children(node)[n] = moved
            inners.sizes(node)[n] = movedSize
            inners.setSeparator(node, n, inners.separator(parent, slot + 1))
            inners.setCount(node, n + 1)
            inners.setSeparator(parent, slot + 1, inners.separator(right, 1))
            shiftChildrenLeft(right, from: 1)
            sizes[slot + 1] &-= movedSize
            sizes[slot] &+= movedSize
        }
    }

    /// Removes child `slot` of `pathNode[level]` with its separator and size.
    func removeChild(level: Int, slot: Int) {
        shiftChildrenLeft(pathNode[level], from: slot + 1)
    }

    /// Moves children [from, n) of `node` one slot left (dropping slot from - 1).
    private func shiftChildrenLeft(_ node: UInt32, from: Int) {
        let n = inners.count(node)
        let c = inners.children(node), z = inners.sizes(node)
        let ss = inners.sepScores(node), sq = inners.sepSeqs(node)
        let moved = n - from
        (c + from - 1).update(from: c + from, count: moved)
        (z + from - 1).update(from: z + from, count: moved)
        (ss + from - 1).update(from: ss + from, count: moved)
        (sq + from - 1).update(from: sq + from, count: moved)
        inners.setCount(node, n - 1)
    }

    private func shiftChildrenRight(_ node: UInt32) {
        let n = inners.count(node)
        let c = inners.children(node), z = inners.sizes(node)
        let ss = inners.sepScores(node), sq = inners.sepSeqs(node)
        (c + 1).moveInitialize(from: c, count: n)
        (z + 1).moveInitialize(from: z, count: n)
        (ss + 1).moveInitialize(from: ss, count: n)
        (sq + 1).moveInitialize(from: sq, count: n)
        inners.setCount(node, n + 1)
    }

    private func appendChildren(of source: UInt32, to target: UInt32, firstSeparator: SetKey) {
        let tn = inners.count(target), sn = inners.count(source)
        (inners.children(target) + tn).update(from: inners.children(source), count: sn)
        (inners.sizes(target) + tn).update(from: inners.sizes(source), count: sn)
        (inners.sepScores(target) + tn).update(from: inners.sepScores(source), count: sn)
        (inners.sepSeqs(target) + tn).update(from: inners.sepSeqs(source), count: sn)
        inners.setSeparator(target, tn, firstSeparator)
        inners.setCount(target, tn + sn)
    }

    private func unlinkLeaf(_ leaf: UInt32) {
        let before = leaves.prev(leaf), after = leaves.next(leaf)
        if before != LeafPool.none { leaves.setNext(before, after) } else { firstLeaf = after }
        if after != LeafPool.none { leaves.setPrev(after, before) }
        leaves.release(leaf)
    }
}
