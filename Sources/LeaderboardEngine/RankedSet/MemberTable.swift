// Player → (normalized score, seq) for one board window, in one of two layouts chosen by density:
// - hashed: open addressing with linear probing and backward-shift deletion (no tombstones), packed
//   20-byte slots (player, score, seq) so a lookup touches one cache line;
// - dense: 16-byte slots (score, seq) indexed directly by the player index, seq 0 meaning absent.
// Player indices are dense across the engine, so a window most players score in (all-time boards)
// is cheaper and faster dense (16 B per member, no probing); a sparse one (a daily window, a small
// board) stays hashed. The table switches when it grows or shrinks. Owned by the engine thread.

/// Member keys of one window. State lives behind a `let` pointer so lookups carry no dynamic
/// exclusivity checks. Precondition on every stored key: `seq ≥ 1` (the engine's seqs start at 1).
public final class MemberTable {
    struct Storage {
        var slots: UnsafeMutableRawPointer
        var capacity: Int
        var count = 0
        var dense = false
        /// Largest player index ever stored (the dense layout's minimum size).
        var maxPlayer: Int = -1
    }

    static let empty: UInt32 = .max
    static let hashedSlotBytes = 20
    static let denseSlotBytes = 16
    let storage: UnsafeMutablePointer<Storage>

    public init(minimumCapacity: Int = 16) {
        let capacity = max(16, minimumCapacity)
        storage = .allocate(capacity: 1)
        storage.initialize(to: Storage(slots: Self.allocateHashed(capacity), capacity: capacity))
    }

    deinit {
        storage.pointee.slots.deallocate()
        storage.deallocate()
    }

    private static func allocateHashed(_ capacity: Int) -> UnsafeMutableRawPointer {
        let slots = HugePageMemory.allocate(byteCount: capacity * hashedSlotBytes)
        for i in 0..<capacity { slots.storeBytes(of: empty, toByteOffset: i * hashedSlotBytes, as: UInt32.self) }
        return slots
    }

    private static func allocateDense(_ capacity: Int) -> UnsafeMutableRawPointer {
        let slots = HugePageMemory.allocate(byteCount: capacity * denseSlotBytes)
        slots.initializeMemory(as: UInt8.self, repeating: 0, count: capacity * denseSlotBytes)
        return slots
    }

    /// Number of members.
    public var count: Int { storage.pointee.count }
    /// Whether the direct-indexed layout is in use.
    public var isDense: Bool { storage.pointee.dense }
    /// Bytes held by the table.
    public var memoryBytes: Int { storage.pointee.capacity * (isDense ? Self.denseSlotBytes : Self.hashedSlotBytes) }

    @inline(__always) private var slots: UnsafeMutableRawPointer { storage.pointee.slots }
    @inline(__always) private var capacity: Int { storage.pointee.capacity }

    // MARK: Hashed layout

    @inline(__always) private func playerAt(_ i: Int) -> UInt32 {
        slots.load(fromByteOffset: i &* Self.hashedSlotBytes, as: UInt32.self)
    }
    @inline(__always) private func scoreAt(_ i: Int) -> Int64 {
        slots.loadUnaligned(fromByteOffset: i &* Self.hashedSlotBytes &+ 4, as: Int64.self)
    }
    @inline(__always) private func seqAt(_ i: Int) -> UInt64 {
        slots.loadUnaligned(fromByteOffset: i &* Self.hashedSlotBytes &+ 12, as: UInt64.self)
    }
    @inline(__always) private func write(_ i: Int, _ player: UInt32, _ score: Int64, _ seq: UInt64) {
        let at = i &* Self.hashedSlotBytes
        slots.storeBytes(of: player, toByteOffset: at, as: UInt32.self)
        slots.storeBytes(of: score, toByteOffset: at &+ 4, as: Int64.self)
        slots.storeBytes(of: seq, toByteOffset: at &+ 12, as: UInt64.self)
    }

    @inline(__always)
    private func home(_ player: UInt32, capacity: Int) -> Int {
        // Fibonacci hashing, then multiply-shift into [0, capacity).
        let h = (UInt64(player) &* 0x9E37_79B9_7F4A_7C15) >> 32
        return Int((h &* UInt64(capacity)) >> 32)
    }

    /// The hashed slot holding `player`, or nil. O(1) expected.
    @inline(__always)
    private func hashedSlot(of player: UInt32) -> Int? {
        let capacity = self.capacity
        var i = home(player, capacity: capacity)
        while true {
            let k = playerAt(i)
            if k == player { return i }
            if k == Self.empty { return nil }
            i &+= 1
            if i == capacity { i = 0 }
        }
    }

    // MARK: Dense layout

    @inline(__always) private func denseScore(_ p: Int) -> Int64 {
        slots.load(fromByteOffset: p &* Self.denseSlotBytes, as: Int64.self)
    }
    @inline(__always) private func denseSeq(_ p: Int) -> UInt64 {
        slots.load(fromByteOffset: p &* Self.denseSlotBytes &+ 8, as: UInt64.self)
    }
    @inline(__always) private func denseWrite(_ p: Int, _ score: Int64, _ seq: UInt64) {
        slots.storeBytes(of: score, toByteOffset: p &* Self.denseSlotBytes, as: Int64.self)
        slots.storeBytes(of: seq, toByteOffset: p &* Self.denseSlotBytes &+ 8, as: UInt64.self)
    }

    // MARK: Lookup

    /// The member's key, or nil when absent.
    @inline(__always)
    public func key(of player: UInt32) -> SetKey? {
        if storage.pointee.dense {
            let p = Int(player)
            guard p < capacity else { return nil }
            let seq = denseSeq(p)
            return seq == 0 ? nil : SetKey(score: denseScore(p), seq: seq)
        }
        guard let s = hashedSlot(of: player) else { return nil }
        return SetKey(score: scoreAt(s), seq: seqAt(s))
    }

    /// Hints the cache line `key(of: player)` reads first (see `BatchWarmer`).
    @inline(__always)
    func hintKey(of player: UInt32) {
        if storage.pointee.dense {
            let p = Int(player)
            if p < capacity { hintCacheLine(slots + p &* Self.denseSlotBytes) }
        } else {
            hintCacheLine(slots + home(player, capacity: capacity) &* Self.hashedSlotBytes)
        }
    }

    /// The seq of a player that must be present (orders tied leaf entries).
    @inline(__always)
    func seq(ofPresent player: UInt32) -> UInt64 {
        if storage.pointee.dense { return denseSeq(Int(player)) }
        let capacity = self.capacity
        var i = home(player, capacity: capacity)
        while playerAt(i) != player {
            i &+= 1
            if i == capacity { i = 0 }
        }
        return seqAt(i)
    }

    // MARK: Changes

    /// Inserts or overwrites the member's key (`key.seq` ≥ 1).
    public func set(_ player: UInt32, _ key: SetKey) {
        precondition(player != Self.empty, "player index out of range")
        precondition(key.seq != 0, "seq 0 marks an absent member")
        let p = Int(player)
        if storage.pointee.dense {
            if p >= capacity { growDense(toInclude: p) }
            if storage.pointee.dense {
                if denseSeq(p) == 0 { storage.pointee.count += 1 }
                denseWrite(p, key.score, key.seq)
                storage.pointee.maxPlayer = max(storage.pointee.maxPlayer, p)
                return
            }
        }
        if let s = hashedSlot(of: player) {
            write(s, player, key.score, key.seq)
            return
        }
        storage.pointee.maxPlayer = max(storage.pointee.maxPlayer, p)
        if (count + 1) * 20 > capacity * 17 {
            growHashed()
            if storage.pointee.dense {
                set(player, key)
                return
            }
        }
        let capacity = self.capacity
        var i = home(player, capacity: capacity)
        while playerAt(i) != Self.empty {
            i &+= 1
            if i == capacity { i = 0 }
        }
        write(i, player, key.score, key.seq)
        storage.pointee.count += 1
    }

    /// Removes the member; returns its key if it was present.
    @discardableResult
    public func remove(_ player: UInt32) -> SetKey? {
        if storage.pointee.dense {
            let p = Int(player)
            guard p < capacity, denseSeq(p) != 0 else { return nil }
            let removed = SetKey(score: denseScore(p), seq: denseSeq(p))
            denseWrite(p, 0, 0)
            storage.pointee.count -= 1
            // Mostly empty now: the hashed layout is smaller.
            if count * 4 < capacity && capacity > 1024 { rebuild(dense: false) }
            return removed
        }
        guard var hole = hashedSlot(of: player) else { return nil }
        let removed = SetKey(score: scoreAt(hole), seq: seqAt(hole))
        let capacity = self.capacity
        // Backward-shift deletion: move later entries of the cluster into the hole when their
        // home slot does not lie cyclically within (hole, i].
        var i = hole
        while true {
            i += 1
            if i == capacity { i = 0 }
            let k = playerAt(i)
            if k == Self.empty { break }
            let h = home(k, capacity: capacity)
            let movable = hole <= i ? (h <= hole || h > i) : (h <= hole && h > i)
            if movable {
                write(hole, k, scoreAt(i), seqAt(i))
                hole = i
            }
        }
        slots.storeBytes(of: Self.empty, toByteOffset: hole * Self.hashedSlotBytes, as: UInt32.self)
        storage.pointee.count -= 1
        return removed
    }

    /// Removes every member and shrinks to the minimum (hashed) capacity.
    public func removeAll() {
        storage.pointee.slots.deallocate()
        storage.pointee = Storage(slots: Self.allocateHashed(16), capacity: 16)
    }

    /// Calls `body` for every member in table order (not rank order).
    public func forEach(_ body: (UInt32, SetKey) -> Void) {
        if storage.pointee.dense {
            for p in 0..<capacity where denseSeq(p) != 0 { body(UInt32(p), SetKey(score: denseScore(p), seq: denseSeq(p))) }
            return
        }
        for i in 0..<capacity where playerAt(i) != Self.empty {
            body(playerAt(i), SetKey(score: scoreAt(i), seq: seqAt(i)))
        }
    }

    // MARK: Layout changes

    /// Hashed table full: grow it by 1.5×, or switch to dense when members are at least 60 % of
    /// the player indices seen (then dense costs less than hashed at its average load).
    private func growHashed() {
        let span = storage.pointee.maxPlayer + 1
        if (count + 1) * 10 >= span * 6 {
            rebuild(dense: true)
        } else {
            rebuild(dense: false, capacity: capacity + capacity / 2)
        }
    }

    /// A player index past the dense array: extend it by at least a quarter, or go back to hashed
    /// when members would be under 40 % of the slots.
    private func growDense(toInclude p: Int) {
        let wanted = max(p + 1, capacity + capacity / 4)
        if (count + 1) * 10 < wanted * 4 {
            rebuild(dense: false)
        } else {
            rebuild(dense: true, capacity: wanted)
        }
    }

    /// Re-lays out every member; `capacity` defaults to what the layout needs for `count`.
    private func rebuild(dense: Bool, capacity requested: Int? = nil) {
        var members: [(UInt32, SetKey)] = []
        members.reserveCapacity(count)
        forEach { members.append(($0, $1)) }
        let old = storage.pointee
        let maxPlayer = old.maxPlayer
        if dense {
            let capacity = requested ?? max(16, (maxPlayer + 1) + (maxPlayer + 1) / 4)
            storage.pointee = Storage(slots: Self.allocateDense(capacity), capacity: capacity, count: 0, dense: true, maxPlayer: maxPlayer)
        } else {
            let capacity = requested ?? max(16, members.count * 2 + 16)
            storage.pointee = Storage(slots: Self.allocateHashed(capacity), capacity: capacity, count: 0, dense: false, maxPlayer: maxPlayer)
        }
        old.slots.deallocate()
        for (p, k) in members { set(p, k) }
    }
}
