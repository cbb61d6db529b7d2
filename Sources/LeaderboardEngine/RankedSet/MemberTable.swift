// Player → (normalized score, seq) for one board window: open addressing with linear probing and
// backward-shift deletion (no tombstones). Slots are packed 20-byte records (player, score, seq)
// so a lookup touches one cache line. Owned by the engine thread.

/// Hash table from player index to the member's key. Capacity is any integer (home slots are
/// mapped with a multiply-shift "fast range"), grown by 1.5× at 85 % load, so the table stays
/// between ~57 % and 85 % full. State lives behind a `let` pointer so lookups carry no dynamic
/// exclusivity checks.
public final class MemberTable {
    struct Storage {
        var slots: UnsafeMutableRawPointer
        var capacity: Int
        var count = 0
    }

    static let empty: UInt32 = .max
    static let slotBytes = 20
    let storage: UnsafeMutablePointer<Storage>

    public init(minimumCapacity: Int = 16) {
        let capacity = max(16, minimumCapacity)
        storage = .allocate(capacity: 1)
        storage.initialize(to: Storage(slots: Self.allocateSlots(capacity), capacity: capacity))
    }

    deinit {
        storage.pointee.slots.deallocate()
        storage.deallocate()
    }

    private static func allocateSlots(_ capacity: Int) -> UnsafeMutableRawPointer {
        let slots = UnsafeMutableRawPointer.allocate(byteCount: capacity * slotBytes, alignment: 64)
        for i in 0..<capacity { slots.storeBytes(of: empty, toByteOffset: i * slotBytes, as: UInt32.self) }
        return slots
    }

    /// Number of members.
    public var count: Int { storage.pointee.count }
    /// Bytes held by the table.
    public var memoryBytes: Int { storage.pointee.capacity * Self.slotBytes }

    @inline(__always) private var slots: UnsafeMutableRawPointer { storage.pointee.slots }
    @inline(__always) private var capacity: Int { storage.pointee.capacity }

    @inline(__always) private func playerAt(_ i: Int) -> UInt32 {
        slots.load(fromByteOffset: i &* Self.slotBytes, as: UInt32.self)
    }
    @inline(__always) private func scoreAt(_ i: Int) -> Int64 {
        slots.loadUnaligned(fromByteOffset: i &* Self.slotBytes &+ 4, as: Int64.self)
    }
    @inline(__always) private func seqAt(_ i: Int) -> UInt64 {
        slots.loadUnaligned(fromByteOffset: i &* Self.slotBytes &+ 12, as: UInt64.self)
    }
    @inline(__always) private func write(_ i: Int, _ player: UInt32, _ score: Int64, _ seq: UInt64) {
        let at = i &* Self.slotBytes
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

    /// The slot holding `player`, or nil. O(1) expected.
    @inline(__always)
    func slot(of player: UInt32) -> Int? {
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

    /// The member's key, or nil when absent.
    @inline(__always)
    public func key(of player: UInt32) -> SetKey? {
        guard let s = slot(of: player) else { return nil }
        return SetKey(score: scoreAt(s), seq: seqAt(s))
    }

    /// The seq of a player that must be present (orders tied leaf entries).
    @inline(__always)
    func seq(ofPresent player: UInt32) -> UInt64 {
        let capacity = self.capacity
        var i = home(player, capacity: capacity)
        while playerAt(i) != player {
            i &+= 1
            if i == capacity { i = 0 }
        }
        return seqAt(i)
    }

    /// Inserts or overwrites the member's key.
    public func set(_ player: UInt32, _ key: SetKey) {
        precondition(player != Self.empty, "player index out of range")
        if let s = slot(of: player) {
            write(s, player, key.score, key.seq)
            return
        }
        if (count + 1) * 20 > capacity * 17 { grow() }
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
        guard var hole = slot(of: player) else { return nil }
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
        slots.storeBytes(of: Self.empty, toByteOffset: hole * Self.slotBytes, as: UInt32.self)
        storage.pointee.count -= 1
        return removed
    }

    /// Removes every member and shrinks to the minimum capacity.
    public func removeAll() {
        storage.pointee.slots.deallocate()
        storage.pointee = Storage(slots: Self.allocateSlots(16), capacity: 16)
    }

    /// Calls `body` for every member in table order (not rank order).
    public func forEach(_ body: (UInt32, SetKey) -> Void) {
        for i in 0..<capacity where playerAt(i) != Self.empty {
            body(playerAt(i), SetKey(score: scoreAt(i), seq: seqAt(i)))
        }
    }

    private func grow() {
        let old = storage.pointee
        let capacity = old.capacity + old.capacity / 2
        storage.pointee = Storage(slots: Self.allocateSlots(capacity), capacity: capacity, count: old.count)
        for j in 0..<old.capacity {
            let at = j * Self.slotBytes
            let player = old.slots.load(fromByteOffset: at, as: UInt32.self)
            guard player != Self.empty else { continue }
            var i = home(player, capacity: capacity)
            while playerAt(i) != Self.empty {
                i += 1
                if i == capacity { i = 0 }
            }
            write(i, player, old.slots.loadUnaligned(fromByteOffset: at + 4, as: Int64.self),
                  old.slots.loadUnaligned(fromByteOffset: at + 12, as: UInt64.self))
        }
        old.slots.deallocate()
    }
}
