// A counted B+tree over (normalized score, seq) keys with player payloads: the order-statistic
// index behind every ranked set. Leaves hold (score, player) only; a tie on score is resolved by
// the seq stored in the shared MemberTable, which must hold the current key of every entry.
// Owned by the engine thread.

/// Order-statistic B+tree. Ranks are 1-based (rank 1 = best); offsets are 0-based.
/// Every operation is O(log n). Inner nodes carry subtree sizes, so rank = prefix sums on the
/// root-to-leaf path.
///
/// Contract with `members`: whenever an entry for player p is in the tree, `members` holds p's
/// key. Update order is therefore: remove with the old key, update `members`, insert the new key.
public final class RankedTree {
    /// Scalar state behind a `let` pointer: no dynamic exclusivity checks on the hot path.
    struct Header {
        var root: UInt32
        /// Number of inner levels above the leaves (0: the root is a leaf).
        var height = 0
        var count = 0
        var firstLeaf: UInt32
        /// Largest seq ever inserted: a key with a larger seq sorts after every equal score, so
        /// the common insert needs no seq lookups for ties.
        var maxSeq: UInt64 = 0
        /// Player → 1 + the leaf last seen holding it (0: unknown), kept once the tree
        /// reaches `leafHintsFrom` entries (see `hintLeaf(ofPlayer:)`); nil before.
        var leafHints: UnsafeMutablePointer<UInt32>?
        var leafHintCapacity = 0
        var leafHintsFrom: Int
    }

    let leaves = LeafPool()
    let inners = InnerPool()
    let header: UnsafeMutablePointer<Header>
    unowned(unsafe) let members: MemberTable
    /// Root-to-leaf path of the last descent: inner node ids and child slots per level.
    let pathNode: UnsafeMutablePointer<UInt32>
    let pathSlot: UnsafeMutablePointer<Int>
    /// Scratch for splitting a full inner node (capacity + 1 children).
    let scratchChildren: UnsafeMutablePointer<UInt32>
    let scratchSizes: UnsafeMutablePointer<UInt32>
    let scratchSeps: UnsafeMutablePointer<SetKey>

    var root: UInt32 {
        @inline(__always) get { header.pointee.root }
        @inline(__always) set { header.pointee.root = newValue }
    }
    var height: Int {
        @inline(__always) get { header.pointee.height }
        @inline(__always) set { header.pointee.height = newValue }
    }
    /// Entries in the tree.
    public internal(set) var count: Int {
        @inline(__always) get { header.pointee.count }
        @inline(__always) set { header.pointee.count = newValue }
    }
    var firstLeaf: UInt32 {
        @inline(__always) get { header.pointee.firstLeaf }
        @inline(__always) set { header.pointee.firstLeaf = newValue }
    }
    var maxSeq: UInt64 {
        @inline(__always) get { header.pointee.maxSeq }
        @inline(__always) set { header.pointee.maxSeq = newValue }
    }

    static let maxHeight = 16
    static let leafMinimum = LeafPool.capacity / 4
    static let leafMergeLimit = LeafPool.capacity * 3 / 4
    static let innerMinimum = InnerPool.capacity / 4
    static let innerMergeLimit = InnerPool.capacity * 3 / 4

    /// Entries from which a tree keeps leaf hints: below it the tree mostly stays in cache, and
    /// 4 more bytes per member would take a 1 M-member set past 40 B per member.
    public static let defaultLeafHintsFrom = 2 << 20

    /// `members` must outlive the tree (it is the set's or the window's table). `leafHintsFrom`:
    /// see `defaultLeafHintsFrom` (`Int.max`: never).
    public init(members: MemberTable, leafHintsFrom: Int = RankedTree.defaultLeafHintsFrom) {
        self.members = members
        pathNode = .allocate(capacity: Self.maxHeight)
        pathSlot = .allocate(capacity: Self.maxHeight)
        scratchChildren = .allocate(capacity: InnerPool.capacity + 1)
        scratchSizes = .allocate(capacity: InnerPool.capacity + 1)
        scratchSeps = .allocate(capacity: InnerPool.capacity + 1)
        let first = leaves.allocate()
        header = .allocate(capacity: 1)
        header.initialize(to: Header(root: first, firstLeaf: first, leafHintsFrom: leafHintsFrom))
    }

    deinit {
        releaseLeafHints()
        leaves.destroy()
        inners.destroy()
        header.deallocate()
        pathNode.deallocate()
        pathSlot.deallocate()
        scratchChildren.deallocate()
        scratchSizes.deallocate()
        scratchSeps.deallocate()
    }

    /// Bytes held by the nodes and the leaf hints (not counting `members`).
    public var memoryBytes: Int { leaves.memoryBytes + inners.memoryBytes + header.pointee.leafHintCapacity * 4 }

    /// Removes every entry and releases node memory.
    public func removeAll() {
        leaves.deallocateAll()
        inners.deallocateAll()
        let first = leaves.allocate()
        let from = header.pointee.leafHintsFrom
        releaseLeafHints()
        header.pointee = Header(root: first, firstLeaf: first, leafHintsFrom: from)
    }

    // MARK: Search primitives

    /// Child slot of an inner node whose subtree may hold `key`: the last slot i with
    /// separator(i) ≤ key (slot 0 when none).
    @inline(__always)
    func childSlot(_ node: UInt32, _ key: SetKey) -> Int {
        let n = inners.count(node)
        let ss = inners.sepScores(node), sq = inners.sepSeqs(node)
        // Separators are sorted: count those with a smaller score in one branch-free pass (the
        // loads are independent, so a cold node costs about one memory latency), then step over
        // equal scores by seq.
        var i = 1 &+ Self.countBelow(key.score, in: ss + 1, count: n &- 1)
        while i < n && ss[i] == key.score && sq[i] <= key.seq { i &+= 1 }
        return i &- 1
    }

    /// Number of values below `score` in `values[0..<count]`, 8 lanes at a time. The loads are
    /// independent, so a cold node costs about one memory latency instead of the chain of
    /// dependent misses a binary search takes.
    @inline(__always)
    static func countBelow(_ score: Int64, in values: UnsafeMutablePointer<Int64>, count: Int) -> Int {
        let raw = UnsafeRawPointer(values)
        let probe = SIMD8<Int64>(repeating: score)
        var lanes = SIMD8<Int64>()
        var j = 0
        while j &+ 8 <= count {
            let v = raw.loadUnaligned(fromByteOffset: j &* 8, as: SIMD8<Int64>.self)
            lanes &-= unsafeBitCast(v .< probe, to: SIMD8<Int64>.self)
            j &+= 8
        }
        var total = Int(lanes.wrappedSum())
        while j < count {
            total &+= values[j] < score ? 1 : 0
            j &+= 1
        }
        return total
    }

    /// Sum of `sizes[0..<slot]` of an inner node, over all 64 slots masked by index (the loads
    /// can start before `slot` is known).
    @inline(__always)
    static func sizesBefore(_ slot: Int, _ sizes: UnsafeMutablePointer<UInt32>) -> Int {
        let raw = UnsafeRawPointer(sizes)
        let limit = SIMD16<UInt32>(repeating: UInt32(truncatingIfNeeded: slot))
        var index = SIMD16<UInt32>(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)
        var lanes = SIMD16<UInt32>()
        for j in Swift.stride(from: 0, to: InnerPool.capacity, by: 16) {
            let v = raw.loadUnaligned(fromByteOffset: j &* 4, as: SIMD16<UInt32>.self)
            lanes &+= v & unsafeBitCast(index .< limit, to: SIMD16<UInt32>.self)
            index &+= 16
        }
        return Int(lanes.wrappedSum())
    }

    /// Whether `slot` is still the child slot of `node` for `key` (what `childSlot` would
    /// return): separator(slot) ≤ key < separator(slot + 1), bounds checked. Two separator reads
    /// instead of a scan.
    @inline(__always)
    func slotHolds(_ node: UInt32, _ slot: Int, _ key: SetKey) -> Bool {
        let n = inners.count(node)
        guard slot >= 0 && slot < n else { return false }
        let ss = inners.sepScores(node), sq = inners.sepSeqs(node)
        if slot > 0 && (ss[slot] > key.score || (ss[slot] == key.score && sq[slot] > key.seq)) { return false }
        if slot + 1 < n && (ss[slot + 1] < key.score || (ss[slot + 1] == key.score && sq[slot + 1] <= key.seq)) { return false }
        return true
    }

    /// Offset in `leaf` of the first entry not less than `key`.
    @inline(__always)
    func leafLowerBound(_ leaf: UInt32, _ key: SetKey) -> Int {
        let n = leaves.count(leaf)
        let s = leaves.scores(leaf)
        let lo = Self.countBelow(key.score, in: s, count: n)
        if lo == n || s[lo] != key.score { return lo }
        // A run of equal scores: find its end, then order by seq within it.
        var end = lo &+ 1
        while end < n && s[end] == key.score { end &+= 1 }
        if key.seq > maxSeq { return end }
        let p = leaves.players(leaf)
        var l = lo
        var h = end
        while l < h {
            let mid = (l &+ h) >> 1
            if members.seq(ofPresent: p[mid]) < key.seq { l = mid &+ 1 } else { h = mid }
        }
        return l
    }

    /// Offset in `leaf` of `player`, whose entry (at `key`) must be in this leaf. Scans the run of
    /// equal scores by player id, so it needs no member-table lookups (cheaper than
    /// `leafLowerBound` for a key known to be present).
    @inline(__always)
    func leafOffset(_ leaf: UInt32, _ key: SetKey, player: UInt32) -> Int {
        let n = leaves.count(leaf)
        let s = leaves.scores(leaf), p = leaves.players(leaf)
        var i = Self.countBelow(key.score, in: s, count: n)
        while i < n && p[i] != player && s[i] == key.score { i &+= 1 }
        precondition(i < n && p[i] == player, "RankedTree: entry not present")
        return i
    }

    /// Key of the entry at `offset` in `leaf`.
    @inline(__always)
    func leafKey(_ leaf: UInt32, _ offset: Int) -> SetKey {
        SetKey(score: leaves.scores(leaf)[offset], seq: members.seq(ofPresent: leaves.players(leaf)[offset]))
    }

    // MARK: Insert and remove

    /// Walks from the root to the leaf that holds (or would hold) `key`, recording the path in
    /// `pathNode`/`pathSlot` and adding `delta` (wrapping: `UInt32.max` subtracts one) to every
    /// subtree size on it. Returns the leaf and the number of entries in the leaves before it.
    @inline(__always)
    func descend(to key: SetKey, adding delta: UInt32, along path: TreePath? = nil) -> (leaf: UInt32, before: Int) {
        var node = root
        var before = 0
        for level in 0..<height {
            // The child slot comes from a scan of the separators; meanwhile the children and sizes
            // (adjacent, two arrays of 4-byte slots) that the slot selects start arriving.
            hintLines(inners.children(node), bytes: InnerPool.capacity * 8)
            // A path recorded earlier (see `TreePath`) saves the scan where it still holds.
            let slot: Int
            if let path, level < path.height, path.nodes[level] == node, slotHolds(node, Int(path.slots[level]), key) {
                slot = Int(path.slots[level])
            } else {
                slot = childSlot(node, key)
            }
            let sizes = inners.sizes(node)
            before &+= Self.sizesBefore(slot, sizes)
            if delta != 0 { sizes[slot] &+= delta }
            pathNode[level] = node
            pathSlot[level] = slot
            node = inners.children(node)[slot]
        }
        // The leaf's header and scores are read first; its players (the entry's id, or the tail
        // that an insert or removal shifts) are hinted now so they do not wait behind them.
        hintLines(leaves.record(node), bytes: LeafPool.stride)
        return (node, before)
    }

    /// Hints every cache line of `bytes` bytes from `start` (records are not line-aligned, so the
    /// first and last lines may be partial).
    @inline(__always)
    func hintLines(_ start: UnsafeRawPointer, bytes: Int) {
        let first = UInt(bitPattern: start)
        var line = first & ~63
        while line < first &+ UInt(bytes) {
            hintCacheLine(UnsafeRawPointer(bitPattern: line).unsafelyUnwrapped)
            line &+= 64
        }
    }

    /// Inserts `player` at `key`; the key must not be present. Returns the new 1-based rank.
    @discardableResult
    public func insert(_ key: SetKey, player: UInt32) -> Int {
        insert(key, player: player, along: nil)
    }

    /// `insert`, along a path recorded for this key earlier (used where it still holds).
    @discardableResult
    func insert(_ key: SetKey, player: UInt32, along path: TreePath?) -> Int {
        let (leaf, before) = descend(to: key, adding: 1, along: path)
        let offset = leafLowerBound(leaf, key)
        insertIntoLeaf(leaf, offset, key, player)
        count &+= 1
        if header.pointee.leafHints == nil && count >= header.pointee.leafHintsFrom { startLeafHints() }
        if key.seq > maxSeq { maxSeq = key.seq }
        return before &+ offset &+ 1
    }

    /// Removes the entry at `key`, which must be present. Returns the 1-based rank it had.
    /// Passing the entry's `player` finds it in its leaf by id instead of by member-table seqs.
    @discardableResult
    public func remove(_ key: SetKey, player: UInt32? = nil) -> Int {
        remove(key, player: player, along: nil)
    }

    /// `remove`, along a path recorded for this key earlier (used where it still holds).
    @discardableResult
    func remove(_ key: SetKey, player: UInt32?, along path: TreePath?) -> Int {
        let (leaf, before) = descend(to: key, adding: .max, along: path)
        let offset = player.map { leafOffset(leaf, key, player: $0) } ?? leafLowerBound(leaf, key)
        let n = leaves.count(leaf)
        precondition(offset < n && leaves.scores(leaf)[offset] == key.score, "RankedTree.remove: key not present")
        let s = leaves.scores(leaf), p = leaves.players(leaf)
        (s + offset).update(from: s + offset + 1, count: n - offset - 1)
        (p + offset).update(from: p + offset + 1, count: n - offset - 1)
        leaves.setCount(leaf, n - 1)
        count &-= 1
        rebalanceLeaf(leaf)
        return before &+ offset &+ 1
    }

    /// Number of entries with a key strictly less than `key` (0-based offset where `key` would go).
    public func countLess(than key: SetKey) -> Int {
        let (leaf, before) = descend(to: key, adding: 0)
        return before &+ leafLowerBound(leaf, key)
    }

    /// 1-based rank of `player`, whose entry is at `key` (it must be present). Same answer as
    /// `countLess(than: key) + 1`, without member-table lookups for ties.
    public func rank(of key: SetKey, player: UInt32) -> Int {
        let (leaf, before) = descend(to: key, adding: 0)
        return before &+ leafOffset(leaf, key, player: player) &+ 1
    }

    /// Leaf and offset of the entry at 0-based `offset` (which must be < count).
    func locate(offset: Int) -> (leaf: UInt32, offset: Int) {
        var node = root
        var remaining = offset
        for _ in 0..<height {
            let sizes = inners.sizes(node)
            var slot = 0
            while remaining >= Int(sizes[slot]) {
                remaining -= Int(sizes[slot])
                slot += 1
            }
            node = inners.children(node)[slot]
        }
        return (node, remaining)
    }
}
