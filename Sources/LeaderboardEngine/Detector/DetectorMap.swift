// A batch-scoped map from a packed 64-bit key to a value, for the detector's per-(player, set)
// memory. Open addressing with linear probing over an index of entry positions; entries kept in
// insertion order. `removeAll` keeps capacity, so a steady stream of batches allocates nothing.
// Replaces `Dictionary<PlayerInSet, …>`, whose SipHash and resizing were ~15 % of the engine
// thread's time with many connected players.

struct DetectorMap<Value> {
    private(set) var keys: [UInt64] = []
    private(set) var values: [Value] = []
    /// The index slot of each entry (entries are never removed one by one, so slots stay put).
    private var slots: [Int32] = []
    /// Entry position per slot, -1 = empty. Its size is a power of two, at least 2 × count.
    private var index = [Int32](repeating: -1, count: 64)

    var isEmpty: Bool { keys.isEmpty }
    var count: Int { keys.count }

    @inline(__always)
    private static func home(_ key: UInt64, mask: Int) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 40) & mask
    }

    /// The entry position of `key`, or nil. O(1) expected.
    func position(of key: UInt64) -> Int? {
        let mask = index.count - 1
        var i = Self.home(key, mask: mask)
        while true {
            let e = index[i]
            if e < 0 { return nil }
            if keys[Int(e)] == key { return Int(e) }
            i = (i + 1) & mask
        }
    }

    /// The position of `key`, inserting `value` first when absent.
    @discardableResult
    mutating func position(of key: UInt64, inserting value: @autoclosure () -> Value) -> (position: Int, inserted: Bool) {
        if let p = position(of: key) { return (p, false) }
        if (keys.count + 1) * 2 > index.count { grow() }
        keys.append(key)
        values.append(value())
        slots.append(place(key, Int32(keys.count - 1)))
        return (keys.count - 1, true)
    }

    /// Mutates the value at an entry position.
    @inline(__always)
    mutating func update(at position: Int, _ body: (inout Value) -> Void) { body(&values[position]) }

    /// Forgets every entry, keeping the storage.
    mutating func removeAll() {
        guard !keys.isEmpty else { return }
        if keys.count * 8 < index.count {
            for slot in slots { index[Int(slot)] = -1 }
        } else {
            for i in index.indices { index[i] = -1 }
        }
        keys.removeAll(keepingCapacity: true)
        values.removeAll(keepingCapacity: true)
        slots.removeAll(keepingCapacity: true)
    }

    /// Puts `position` in the first free slot of `key`'s probe sequence; returns the slot.
    private mutating func place(_ key: UInt64, _ position: Int32) -> Int32 {
        let mask = index.count - 1
        var i = Self.home(key, mask: mask)
        while index[i] >= 0 { i = (i + 1) & mask }
        index[i] = position
        return Int32(i)
    }

    private mutating func grow() {
        index = [Int32](repeating: -1, count: index.count * 2)
        for (p, key) in keys.enumerated() { slots[p] = place(key, Int32(p)) }
    }
}
