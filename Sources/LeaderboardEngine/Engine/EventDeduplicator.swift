// Idempotency: event ids seen within a time window, with the answer they got, so a retried
// submission is applied once and answered the same. Bounded by count and age; owned by the
// engine thread. Rebuilt by log replay (apply is deterministic) and carried in snapshots.
//
// Layout: entries live in a ring of `capacity` slots in arrival order (= expiry order, since
// `now` only grows), so expiry and eviction pop the oldest. Their rank changes live in one FIFO
// in the same order, compacted to 48 bytes each (a `WindowChange` takes 72). An open-addressing
// index holds (32-bit hash tag | ring position + 1; 0 = empty); a slot's home is derived from its
// tag, so probing and backward-shift deletion never touch the ring, and a lookup reads an entry
// only when its tag matches. State sits behind a `let` pointer: no dynamic exclusivity checks on
// the per-event path.
//
// Nothing here is O(entries) after construction: the index is sized for `capacity` up front
// (zeroed memory the kernel maps on first touch), and the ring and the change FIFO are chunks
// allocated as they fill and, for the FIFO, freed as the entries owning them leave. The first
// version grew arrays by doubling and compacted the FIFO with a front removal: with event ids at
// 100k events/s those copies of hundreds of megabytes stalled ticks for up to a second.
import Glibc

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
        /// Logical index of the entry's first change in the FIFO (logical indices only grow).
        var changesStart: Int
        var changesCount: Int
        /// Usually empty (no allocation).
        var lateWindows: [WindowKind]
    }

    /// A `WindowChange` as remembered: the same fields in 48 bytes.
    private struct StoredChange {
        var periodStart: Int64
        var oldRank: Int64
        var newRank: Int64
        var oldScore: Int64
        var newScore: Int64
        var scope: UInt32
        var window: WindowKind
        var flags: UInt8

        private static let hasOldRank: UInt8 = 1
        private static let hasOldScore: UInt8 = 2

        init(_ c: WindowChange) {
            periodStart = c.periodStart
            oldRank = Int64(c.oldRank ?? 0)
            newRank = Int64(c.newRank)
            oldScore = c.oldScore ?? 0
            newScore = c.newScore
            scope = c.scope.raw
            window = c.window
            flags = (c.oldRank == nil ? 0 : Self.hasOldRank) | (c.oldScore == nil ? 0 : Self.hasOldScore)
        }

        var change: WindowChange {
            WindowChange(window: window, periodStart: periodStart, scope: ScopeKey(raw: scope),
                         oldRank: flags & Self.hasOldRank != 0 ? Int(oldRank) : nil, newRank: Int(newRank),
                         oldScore: flags & Self.hasOldScore != 0 ? oldScore : nil, newScore: newScore)
        }
    }

    private struct State {
        /// Ring chunks of `slotsPerChunk` slots, allocated on first use; live slots initialized.
        var ring: [UnsafeMutablePointer<Slot>?]
        /// Ring position of the oldest live entry, and how many are live.
        var head = 0
        var count = 0
        /// `indexMask + 1` slots: hash tag in the high 32 bits, ring position + 1 in the low 32.
        let index: UnsafeMutablePointer<UInt64>
        let indexMask: Int
        /// The change FIFO: `changes[0]` holds logical indices `changesBase ..< changesBase +
        /// changesPerChunk`; the next change gets logical index `changesEnd`.
        var changes: [UnsafeMutablePointer<StoredChange>] = []
        var changesBase = 0
        var changesEnd = 0
        /// A freed FIFO chunk kept for the next one (no allocator round trip per chunk).
        var spareChunk: UnsafeMutablePointer<StoredChange>?
        /// The last id `lookup` did not find, and its hash: `record` of that id skips the probe.
        var missedID: String?
        var missedHash: UInt64 = 0
    }

    public let windowMillis: Int64
    public let capacity: Int
    private static let slotsPerChunk = 4096
    private static let changesPerChunk = 4096
    private static let tagMask: UInt64 = 0xFFFF_FFFF_0000_0000
    private let state: UnsafeMutablePointer<State>

    /// Number of remembered ids.
    public var count: Int { state.pointee.count }

    public init(windowMillis: Int64, capacity: Int) {
        self.windowMillis = windowMillis
        self.capacity = max(1, capacity)
        // At most half full at capacity, so probes stay short.
        var slots = 64
        while slots < 2 * self.capacity { slots *= 2 }
        guard let zeroed = calloc(slots, MemoryLayout<UInt64>.stride) else {
            fatalError("engine.dedupe_capacity \(capacity): cannot reserve its \(slots * 8)-byte index")
        }
        // Every lookup and every eviction probes a random slot of this 16 MiB (at the default
        // capacity) index: on 4 KiB pages nearly each one also missed the TLB.
        HugePageMemory.advise(zeroed, byteCount: slots * MemoryLayout<UInt64>.stride)
        let chunks = (self.capacity + Self.slotsPerChunk - 1) / Self.slotsPerChunk
        state = .allocate(capacity: 1)
        state.initialize(to: State(ring: Array(repeating: nil, count: chunks),
                                   index: zeroed.bindMemory(to: UInt64.self, capacity: slots), indexMask: slots - 1))
    }

    deinit {
        let s = state
        for k in 0..<s.pointee.count { slot((s.pointee.head + k) % capacity).deinitialize(count: 1) }
        for chunk in s.pointee.ring { chunk?.deallocate() }
        for chunk in s.pointee.changes { chunk.deallocate() }
        s.pointee.spareChunk?.deallocate()
        free(s.pointee.index)
        s.deinitialize(count: 1)
        s.deallocate()
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

    @inline(__always)
    private func slot(_ position: Int) -> UnsafeMutablePointer<Slot> {
        state.pointee.ring[position / Self.slotsPerChunk].unsafelyUnwrapped + position % Self.slotsPerChunk
    }

    /// Ring position of `id`, or nil.
    private func find(_ id: String, _ h: UInt64) -> Int? {
        let s = state
        let index = s.pointee.index, mask = s.pointee.indexMask
        let tag = h & Self.tagMask
        var i = Self.home(h, mask: mask)
        while true {
            let v = index[i]
            if v == 0 { return nil }
            if v & Self.tagMask == tag {
                let position = Int(v & 0xFFFF_FFFF) - 1
                if slot(position).pointee.id == id { return position }
            }
            i = (i + 1) & mask
        }
    }

    /// The remembered answer for `id`, if seen within the window before `now`.
    public func lookup(_ id: String, now: Int64) -> Entry? {
        let h = Self.hash(id)
        guard count > 0, let position = find(id, h) else {
            state.pointee.missedID = id
            state.pointee.missedHash = h
            return nil
        }
        let slot = slot(position).pointee
        guard slot.expires > now else { return nil }
        return Entry(expires: slot.expires, changes: changes(of: slot), lateWindows: slot.lateWindows)
    }

    private func changes(of slot: Slot) -> [WindowChange] {
        let s = state
        return (0..<slot.changesCount).map { k in
            let offset = slot.changesStart + k - s.pointee.changesBase
            return s.pointee.changes[offset / Self.changesPerChunk][offset % Self.changesPerChunk].change
        }
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
        let s = state
        let h: UInt64
        if let missed = s.pointee.missedID, missed == id {
            // `lookup` just failed to find it, and nothing was inserted since.
            h = s.pointee.missedHash
        } else {
            h = Self.hash(id)
            if count > 0, find(id, h) != nil { return }
        }
        s.pointee.missedID = nil
        if count == capacity { dropOldest() }
        let start = s.pointee.changesEnd
        for change in changes { appendChange(StoredChange(change)) }
        let position = (s.pointee.head + s.pointee.count) % capacity
        let chunk = position / Self.slotsPerChunk
        if s.pointee.ring[chunk] == nil { s.pointee.ring[chunk] = .allocate(capacity: Self.slotsPerChunk) }
        slot(position).initialize(to: Slot(id: id, hash: h, expires: expires, changesStart: start,
                                           changesCount: changes.count, lateWindows: lateWindows))
        s.pointee.count += 1
        place(h, position)
    }

    private func appendChange(_ change: StoredChange) {
        let s = state
        let offset = s.pointee.changesEnd - s.pointee.changesBase
        if offset == s.pointee.changes.count * Self.changesPerChunk {
            let chunk = s.pointee.spareChunk ?? .allocate(capacity: Self.changesPerChunk)
            s.pointee.spareChunk = nil
            s.pointee.changes.append(chunk)
        }
        (s.pointee.changes[offset / Self.changesPerChunk] + offset % Self.changesPerChunk).initialize(to: change)
        s.pointee.changesEnd += 1
    }

    private func place(_ h: UInt64, _ position: Int) {
        let s = state
        let index = s.pointee.index, mask = s.pointee.indexMask
        var i = Self.home(h, mask: mask)
        while index[i] != 0 { i = (i + 1) & mask }
        index[i] = (h & Self.tagMask) | UInt64(position + 1)
    }

    /// Forgets ids whose window ended at or before `now`.
    public func expire(now: Int64) {
        while count > 0, slot(state.pointee.head).pointee.expires <= now { dropOldest() }
    }

    private func dropOldest() {
        removeOldestSlot()
        // Free the FIFO chunks that only the dropped entries used.
        let s = state
        let liveStart = count > 0 ? slot(s.pointee.head).pointee.changesStart : s.pointee.changesEnd
        while !s.pointee.changes.isEmpty && s.pointee.changesBase + Self.changesPerChunk <= liveStart {
            let chunk = s.pointee.changes.removeFirst()
            if s.pointee.spareChunk == nil { s.pointee.spareChunk = chunk } else { chunk.deallocate() }
            s.pointee.changesBase += Self.changesPerChunk
        }
    }

    /// Removes the oldest entry from the index and the ring.
    private func removeOldestSlot() {
        let s = state
        let head = s.pointee.head
        let oldest = slot(head)
        let index = s.pointee.index, mask = s.pointee.indexMask
        // The oldest entry's index slot: the one on its probe path holding its ring position.
        var i = Self.home(oldest.pointee.hash, mask: mask)
        while index[i] != 0 {
            if Int(index[i] & 0xFFFF_FFFF) == head + 1 {
                removeIndexSlot(i)
                break
            }
            i = (i + 1) & mask
        }
        oldest.deinitialize(count: 1)
        s.pointee.head = (head + 1) % capacity
        s.pointee.count -= 1
    }

    /// Backward-shift deletion from the linear-probing index.
    private func removeIndexSlot(_ hole0: Int) {
        let s = state
        let index = s.pointee.index, mask = s.pointee.indexMask
        var hole = hole0
        var i = hole
        while true {
            i = (i + 1) & mask
            let v = index[i]
            if v == 0 { break }
            let home = Self.home(v, mask: mask)
            let movable = hole <= i ? (home <= hole || home > i) : (home <= hole && home > i)
            if movable {
                index[hole] = v
                hole = i
            }
        }
        index[hole] = 0
    }

    /// Live entries in expiry order, for snapshots.
    public func liveEntries() -> [(String, Entry)] {
        let s = state
        return (0..<s.pointee.count).map { k in
            let slot = slot((s.pointee.head + k) % capacity).pointee
            return (slot.id, Entry(expires: slot.expires, changes: changes(of: slot), lateWindows: slot.lateWindows))
        }
    }
}
