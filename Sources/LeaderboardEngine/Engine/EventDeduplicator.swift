// Idempotency: event ids seen within a time window, with the answer they got, so a retried
// submission is applied once and answered the same. Bounded by count and age; owned by the
// engine thread. Rebuilt by log replay (apply is deterministic) and carried in snapshots.
//
// Layout: entries live in a ring in arrival order (= expiry order, since `now` only grows), so
// expiry and eviction pop the oldest. Their rank changes live in one FIFO array in the same
// order (no array per entry). An open-addressing index holds (32-bit hash tag | ring position);
// a slot's home is derived from its tag, so probing and backward-shift deletion never touch the
// ring, and a lookup reads an entry only when its tag matches. State sits behind a `let`
// pointer: no dynamic exclusivity checks on the per-event path.

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
        var expires: Int64
        /// Logical index of the entry's first change in `changes` (see `changesBase`).
        var changesStart: Int
        var changesCount: Int
        /// Usually empty (no allocation).
        var lateWindows: [WindowKind]
    }

    private struct State {
        var ring: [Slot] = []
        /// Ring position of the oldest live entry, and how many are live.
        var head = 0
        var count = 0
        /// Index slots: hash tag in the high 32 bits, ring position in the low 32; `empty` = unused.
        var index = [UInt64](repeating: EventDeduplicator.empty, count: 64)
        /// Changes of the live entries in arrival order; `changes[i]` has logical index
        /// `changesBase + i` (logical indices only grow, so entries keep theirs while the array
        /// is compacted at the front).
        var changes: [WindowChange] = []
        var changesBase = 0
    }

    public let windowMillis: Int64
    public let capacity: Int
    private static let empty = UInt64.max
    private let state: UnsafeMutablePointer<State>

    /// Number of remembered ids.
    public var count: Int { state.pointee.count }

    public init(windowMillis: Int64, capacity: Int) {
        self.windowMillis = windowMillis
        self.capacity = max(1, capacity)
        state = .allocate(capacity: 1)
        state.initialize(to: State())
    }

    deinit {
        state.deinitialize(count: 1)
        state.deallocate()
    }

    @inline(__always)
    private static func hash(_ id: String) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in id.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01B3 }
        h ^= h >> 29
        h &*= 0xBF58_476D_1CE4_E5B9
        return h ^ (h >> 32)
    }

    /// First index slot to probe for an index value or hash with this tag.
    @inline(__always)
    private static func home(_ tagged: UInt64, mask: Int) -> Int { Int(truncatingIfNeeded: tagged >> 32) & mask }

    /// Ring position of `id`, or nil.
    private func find(_ id: String, _ h: UInt64) -> Int? {
        let s = state
        let mask = s.pointee.index.count - 1
        let tag = h & 0xFFFF_FFFF_0000_0000
        var i = Self.home(h, mask: mask)
        while true {
            let v = s.pointee.index[i]
            if v == Self.empty { return nil }
            if v & 0xFFFF_FFFF_0000_0000 == tag {
                let position = Int(v & 0xFFFF_FFFF)
                if s.pointee.ring[position].id == id { return position }
            }
            i = (i + 1) & mask
        }
    }

    /// The remembered answer for `id`, if seen within the window before `now`.
    public func lookup(_ id: String, now: Int64) -> Entry? {
        guard count > 0, let position = find(id, Self.hash(id)) else { return nil }
        let slot = state.pointee.ring[position]
        guard slot.expires > now else { return nil }
        return Entry(expires: slot.expires, changes: changes(of: slot), lateWindows: slot.lateWindows)
    }

    private func changes(of slot: Slot) -> [WindowChange] {
        let start = slot.changesStart - state.pointee.changesBase
        return Array(state.pointee.changes[start..<start + slot.changesCount])
    }

    /// Remembers `id` until `now + window` with its answer, forgetting the oldest ids beyond
    /// capacity. An id that is already remembered keeps its first answer (the engine looks ids
    /// up before recording them, so it never records one twice).
    public func record(_ id: String, now: Int64, changes: ArraySlice<WindowChange>, lateWindows: [WindowKind]) {
        insert(id, expires: now + windowMillis, changes: changes, lateWindows: lateWindows)
    }

    public func record(_ id: String, now: Int64, changes: [WindowChange], lateWindows: [WindowKind]) {
        record(id, now: now, changes: changes[...], lateWindows: lateWindows)
    }

    /// Restores an entry from a snapshot (in expiry order).
    public func restore(_ id: String, _ entry: Entry) {
        insert(id, expires: entry.expires, changes: entry.changes[...], lateWindows: entry.lateWindows)
    }

    private func insert(_ id: String, expires: Int64, changes: ArraySlice<WindowChange>, lateWindows: [WindowKind]) {
        let h = Self.hash(id)
        if count > 0, find(id, h) != nil { return }
        if count == capacity { dropOldest() }
        let s = state
        if (s.pointee.count + 1) * 2 > s.pointee.index.count { reindex(s.pointee.index.count * 2) }
        let slot = Slot(id: id, hash: h, expires: expires, changesStart: s.pointee.changesBase + s.pointee.changes.count,
                        changesCount: changes.count, lateWindows: lateWindows)
        s.pointee.changes.append(contentsOf: changes)
        let position: Int
        if s.pointee.ring.count < capacity {
            // While the ring is still growing, positions are in arrival order from 0.
            s.pointee.ring.append(slot)
            position = s.pointee.ring.count - 1
        } else {
            position = (s.pointee.head + s.pointee.count) % capacity
            s.pointee.ring[position] = slot
        }
        s.pointee.count += 1
        place(h, position)
    }

    private func place(_ h: UInt64, _ position: Int) {
        let s = state
        let mask = s.pointee.index.count - 1
        var i = Self.home(h, mask: mask)
        while s.pointee.index[i] != Self.empty { i = (i + 1) & mask }
        s.pointee.index[i] = (h & 0xFFFF_FFFF_0000_0000) | UInt64(position)
    }

    private func reindex(_ size: Int) {
        let s = state
        s.pointee.index = [UInt64](repeating: Self.empty, count: size)
        for k in 0..<s.pointee.count {
            let position = (s.pointee.head + k) % max(s.pointee.ring.count, 1)
            place(s.pointee.ring[position].hash, position)
        }
    }

    /// Forgets ids whose window ended at or before `now`.
    public func expire(now: Int64) {
        while count > 0, state.pointee.ring[state.pointee.head].expires <= now { dropOldest() }
    }

    private func dropOldest() {
        let s = state
        let head = s.pointee.head
        let h = s.pointee.ring[head].hash
        // The oldest entry's index slot: the one on its probe path holding its ring position.
        let mask = s.pointee.index.count - 1
        var i = Self.home(h, mask: mask)
        while s.pointee.index[i] != Self.empty {
            if Int(s.pointee.index[i] & 0xFFFF_FFFF) == head {
                removeIndexSlot(i)
                break
            }
            i = (i + 1) & mask
        }
        s.pointee.ring[head].lateWindows = []
        s.pointee.head = (head + 1) % s.pointee.ring.count
        s.pointee.count -= 1
        if s.pointee.count == 0 {
            s.pointee.ring.removeAll(keepingCapacity: true)
            s.pointee.head = 0
            s.pointee.changesBase += s.pointee.changes.count
            s.pointee.changes.removeAll(keepingCapacity: true)
        } else {
            releaseChanges(before: s.pointee.ring[s.pointee.head].changesStart)
        }
    }

    /// Drops changes with a logical index below `start` once they are a large part of the array.
    private func releaseChanges(before start: Int) {
        let s = state
        let dead = start - s.pointee.changesBase
        guard dead >= 1024, dead * 2 >= s.pointee.changes.count else { return }
        s.pointee.changes.removeFirst(dead)
        s.pointee.changesBase = start
    }

    /// Backward-shift deletion from the linear-probing index.
    private func removeIndexSlot(_ hole0: Int) {
        let s = state
        let mask = s.pointee.index.count - 1
        var hole = hole0
        var i = hole
        while true {
            i = (i + 1) & mask
            let v = s.pointee.index[i]
            if v == Self.empty { break }
            let home = Self.home(v, mask: mask)
            let movable = hole <= i ? (home <= hole || home > i) : (home <= hole && home > i)
            if movable {
                s.pointee.index[hole] = v
                hole = i
            }
        }
        s.pointee.index[hole] = Self.empty
    }

    /// Live entries in expiry order, for snapshots.
    public func liveEntries() -> [(String, Entry)] {
        let s = state
        return (0..<s.pointee.count).map { k in
            let slot = s.pointee.ring[(s.pointee.head + k) % s.pointee.ring.count]
            return (slot.id, Entry(expires: slot.expires, changes: changes(of: slot), lateWindows: slot.lateWindows))
        }
    }
}
