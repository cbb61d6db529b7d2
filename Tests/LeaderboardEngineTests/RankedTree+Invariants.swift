// Structural invariants of the counted B+tree, checked from the test target.
@testable import LeaderboardEngine

extension RankedTree {
    /// Walks the whole tree and returns the first violated invariant, or nil.
    /// Checks: sizes equal real subtree counts, separators bound their children, keys strictly
    /// increase across the leaf chain, the chain visits every leaf once, leaves agree with members.
    func invariantViolation() -> String? {
        var leafOrder: [UInt32] = []
        func walk(_ node: UInt32, depth: Int, low: SetKey?, high: SetKey?) -> (Int, String?) {
            if depth == height {
                leafOrder.append(node)
                let n = leaves.count(node)
                if n > LeafPool.capacity { return (0, "leaf \(node) over capacity") }
                if node != root && n == 0 { return (0, "empty non-root leaf \(node)") }
                for i in 0..<n {
                    let k = leafKey(node, i)
                    guard members.key(of: leaves.players(node)[i]) == k else { return (0, "leaf entry disagrees with members") }
                    if let low, k < low { return (0, "key below separator in leaf \(node)") }
                    if let high, !(k < high) { return (0, "key not below next separator in leaf \(node)") }
                }
                return (n, nil)
            }
            let n = inners.count(node)
            if n < 1 || n > InnerPool.capacity { return (0, "inner \(node) has \(n) children") }
            if node == root && n < 2 { return (0, "root with one child") }
            var total = 0
            for i in 0..<n {
                let lo = i == 0 ? low : inners.separator(node, i)
                let hi = i + 1 < n ? inners.separator(node, i + 1) : high
                if let lo, let hi, !(lo < hi) { return (0, "separators out of order in \(node)") }
                let (size, error) = walk(inners.children(node)[i], depth: depth + 1, low: lo, high: hi)
                if let error { return (0, error) }
                if size != Int(inners.sizes(node)[i]) { return (0, "size of child \(i) of \(node) is \(inners.sizes(node)[i]), real \(size)") }
                total += size
            }
            return (total, nil)
        }
        let (total, error) = walk(root, depth: 0, low: nil, high: nil)
        if let error { return error }
        if total != count { return "count \(count) but tree holds \(total)" }
        var chain: [UInt32] = []
        var leaf = firstLeaf
        while leaf != LeafPool.none {
            chain.append(leaf)
            if chain.count > leafOrder.count { return "leaf chain longer than tree" }
            leaf = leaves.next(leaf)
        }
        if chain != leafOrder { return "leaf chain differs from tree order" }
        var previous: SetKey?
        for leaf in chain {
            for i in 0..<leaves.count(leaf) {
                let k = leafKey(leaf, i)
                if let previous, !(previous < k) { return "keys not strictly increasing" }
                previous = k
            }
        }
        return nil
    }
}
