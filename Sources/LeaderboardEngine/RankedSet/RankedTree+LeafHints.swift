// Leaf hints: for a large tree, the leaf each player's entry was last placed in. A rank query
// or a removal has to read the member key (a cache miss), walk the inner levels and then read the
// leaf (another miss); with the hint, the leaf's lines are requested as soon as the player is
// known, so the leaf arrives while the inner levels are walked. A hint is never trusted for an
// answer: a stale one (the entry moved, the leaf was freed and reused) only fetches useless lines.
// The table is an anonymous mapping holding leaf + 1 (0: unknown), so it starts as zero pages and
// goes straight back to the system when it grows (a heap block would stay in the process).
import Glibc

extension RankedTree {
    /// Records that `leaf` holds `player`'s entry (no effect before hints are kept).
    @inline(__always)
    func noteLeaf(_ leaf: UInt32, of player: UInt32) {
        guard header.pointee.leafHints != nil else { return }
        let p = Int(player)
        if p >= header.pointee.leafHintCapacity { growLeafHints(toInclude: p) }
        header.pointee.leafHints.unsafelyUnwrapped[p] = leaf &+ 1
    }

    /// Records the leaf of every entry of `leaf` (after entries moved into it).
    func noteAllEntries(of leaf: UInt32) {
        guard header.pointee.leafHints != nil else { return }
        let p = leaves.players(leaf)
        for i in 0..<leaves.count(leaf) { noteLeaf(leaf, of: p[i]) }
    }

    /// Requests the lines of the leaf last noted for `player`, if any.
    @inline(__always)
    public func hintLeaf(ofPlayer player: UInt32) {
        guard let hints = header.pointee.leafHints, Int(player) < header.pointee.leafHintCapacity else { return }
        let noted = hints[Int(player)]
        // Only ids inside the pool's chunks have an address (a freed leaf's memory stays mapped).
        guard noted != 0, Int(noted) <= leaves.directory.pointee.used else { return }
        let leaf = noted &- 1
        hintLines(leaves.record(leaf), bytes: LeafPool.stride)
    }

    /// Starts keeping hints: sized for the largest player present, every entry noted once (O(n)).
    /// The table is indexed by player, so a tree holding few of the players below its largest
    /// index (a region, the watchers, a quiet daily window) keeps none: it would cost more than
    /// 4 bytes per member. Such a tree looks again once it has grown by a quarter.
    func startLeafHints() {
        var maxPlayer = 0
        var leaf = firstLeaf
        while leaf != LeafPool.none {
            let p = leaves.players(leaf)
            for i in 0..<leaves.count(leaf) { maxPlayer = max(maxPlayer, Int(p[i])) }
            leaf = leaves.next(leaf)
        }
        let capacity = maxPlayer + 1
        guard count * 10 >= capacity * 7 else {
            header.pointee.leafHintsFrom = count + max(1, count / 4)
            return
        }
        header.pointee.leafHints = Self.mapHints(capacity)
        header.pointee.leafHintCapacity = capacity
        leaf = firstLeaf
        while leaf != LeafPool.none {
            noteAllEntries(of: leaf)
            leaf = leaves.next(leaf)
        }
    }

    private func growLeafHints(toInclude player: Int) {
        let old = header.pointee.leafHints.unsafelyUnwrapped
        let oldCapacity = header.pointee.leafHintCapacity
        // Player indices are dense and grow steadily: a quarter more at a time (as the member
        // table grows) keeps the slack and the bytes per member small; copies stay amortized O(1).
        let capacity = max(player + 1, oldCapacity + oldCapacity / 4)
        let hints = Self.mapHints(capacity)
        hints.update(from: old, count: oldCapacity)
        Self.unmapHints(old, capacity: oldCapacity)
        header.pointee.leafHints = hints
        header.pointee.leafHintCapacity = capacity
    }

    /// Drops the table (the tree is emptied or freed).
    func releaseLeafHints() {
        guard let hints = header.pointee.leafHints else { return }
        Self.unmapHints(hints, capacity: header.pointee.leafHintCapacity)
        header.pointee.leafHints = nil
        header.pointee.leafHintCapacity = 0
    }

    /// The leaf noted for `player` (tests).
    func noted(_ player: UInt32) -> UInt32? {
        guard let hints = header.pointee.leafHints, Int(player) < header.pointee.leafHintCapacity,
              hints[Int(player)] != 0 else { return nil }
        return hints[Int(player)] &- 1
    }

    /// A zero-filled table of `capacity` entries in its own mapping, advised for huge pages.
    private static func mapHints(_ capacity: Int) -> UnsafeMutablePointer<UInt32> {
        let bytes = capacity * 4
        let raw = mmap(nil, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
        guard let raw, raw != MAP_FAILED else { fatalError("RankedTree: cannot map \(bytes) bytes of leaf hints") }
        HugePageMemory.advise(raw, byteCount: bytes)
        return raw.assumingMemoryBound(to: UInt32.self)
    }

    private static func unmapHints(_ hints: UnsafeMutablePointer<UInt32>, capacity: Int) {
        munmap(hints, capacity * 4)
    }
}
