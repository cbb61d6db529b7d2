// Idempotency: event ids seen within a time window, with the answer they got, so a retried
// submission is applied once and answered the same. Bounded by count and age; owned by the
// engine thread. Rebuilt by log replay (apply is deterministic) and carried in snapshots.
//
// Layout: entries live in a ring in arrival order (= expiry order, since `now` only grows), so
// expiry and eviction pop the oldest; an open-addressing index maps (64-bit hash tag | ring
// position) and is probed without touching the entries until a tag matches. No per-lookup
// allocation and no String hashing beyond one pass over the id's bytes.

public final class EventDeduplicator {
    public struct Entry: Equatable, Sendable {
        public var expires: Int64
        public var changes: [WindowChange]
        public var lateWindows: [WindowKind]

        public init(expires: Int64, changes: [WindowChange], lateWindows: [WindowKind]) {
            self.expires = expires
            self.changes = changes
            self.lateWindows = lateWindows
        }
    }

    private struct Slot {
        var id: String
        var hash: UInt64
        var entry: Entry
    }

    public let windowMillis: Int64
    public let capacity: Int
    private var ring: [Slot] = []
    /// Ring position of the oldest live entry, and how many are live.
    private var head = 0
    public private(set) var count = 0
    /// Index slots: hash tag in the high 32 bits, ring position in the low 32; `empty` = unused.
    private var index: [UInt64] = [UInt64](repeating: empty, count: 64)
    private static let empty = UInt64.max

    public init(windowMillis: Int64, capacity: Int) {
        self.windowMillis = windowMillis
        self.capacity = max(1, capacity)
    }

    @inline(__always)
    private static func hash(_ id: String) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in id.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01B3 }
        h ^= h >> 29
        h &*= 0xBF58_476D_1CE4_E5B9
        return h ^ (h >> 32)
    }

    /// Index slot holding `id` (with its ring position), or nil.
    private func find(_ id: String, _ h: UInt64) -> (slot: Int, position: Int)? {
        let mask = index.count - 1
        let tag = h & 0xFFFF_FFFF_0000_0000
        var i = Int(truncatingIfNeeded: h) & mask
        while true {
            let v = index[i]
            if v == Self.empty { return nil }
            if v & 0xFFFF_FFFF_0000_0000 == tag {
                let position = Int(v & 0xFFFF_FFFF)
                if ring[position].id == id { return (i, position) }
            }
            i = (i + 1) & mask
        }
    }

    /// The remembered answer for `id`, if seen within the window before `now`.
    public func lookup(_ id: String, now: Int64) -> Entry? {
        guard count > 0, let (_, position) = find(id, Self.hash(id)) else { return nil }
        let entry = ring[position].entry
        return entry.expires > now ? entry : nil
    }

    /// Remembers `id` until `now + window`, forgetting the oldest ids beyond capacity.
    public func record(_ id: String, now: Int64, changes: [WindowChange], lateWindows: [WindowKind]) {
        insert(id, Entry(expires: now + windowMillis, changes: changes, lateWindows: lateWindows))
    }

    /// Restores an entry from a snapshot (in expiry order).
    public func restore(_ id: String, _ entry: Entry) { insert(id, entry) }

    private func insert(_ id: String, _ entry: Entry) {
        let h = Self.hash(id)
        if let (_, position) = find(id, h) {
            ring[position].entry = entry
            return
        }
        if count == capacity { dropOldest() }
        if (count + 1) * 2 > index.count { reindex(index.count * 2) }
        let position: Int
        if ring.count < capacity {
            ring.append(Slot(id: id, hash: h, entry: entry))
            position = ring.count - 1
            // While the ring is still growing, positions are in arrival order from 0.
        } else {
            position = (head + count) % capacity
            ring[position] = Slot(id: id, hash: h, entry: entry)
        }
        count += 1
        place(h, position)
    }

    private func place(_ h: UInt64, _ position: Int) {
        let mask = index.count - 1
        var i = Int(truncatingIfNeeded: h) & mask
        while index[i] != Self.empty { i = (i + 1) & mask }
        index[i] = (h & 0xFFFF_FFFF_0000_0000) | UInt64(position)
    }

    private func reindex(_ size: Int) {
        index = [UInt64](repeating: Self.empty, count: size)
        for k in 0..<count {
            let position = (head + k) % max(ring.count, 1)
            place(ring[position].hash, position)
        }
    }

    /// Forgets ids whose window ended at or before `now`.
    public func expire(now: Int64) {
        while count > 0, ring[head].entry.expires <= now { dropOldest() }
    }

    private func dropOldest() {
        let slot = ring[head]
        if let (i, _) = find(slot.id, slot.hash) { removeIndexSlot(i) }
        ring[head].entry.changes = []
        ring[head].entry.lateWindows = []
        head = (head + 1) % ring.count
        count -= 1
        if count == 0 {
            ring.removeAll(keepingCapacity: true)
            head = 0
        }
    }

    /// Backward-shift deletion from the linear-probing index.
    private func removeIndexSlot(_ hole0: Int) {
        let mask = index.count - 1
        var hole = hole0
        var i = hole
        while true {
            i = (i + 1) & mask
            let v = index[i]
            if v == Self.empty { break }
            let home = Int(truncatingIfNeeded: ring[Int(v & 0xFFFF_FFFF)].hash) & mask
            let movable = hole <= i ? (home <= hole || home > i) : (home <= hole && home > i)
            if movable {
                index[hole] = v
                hole = i
            }
        }
        index[hole] = Self.empty
    }

    /// Live entries in expiry order, for snapshots.
    public func liveEntries() -> [(String, Entry)] {
        (0..<count).map { k in
            let slot = ring[(head + k) % ring.count]
            return (slot.id, slot.entry)
        }
    }
}
