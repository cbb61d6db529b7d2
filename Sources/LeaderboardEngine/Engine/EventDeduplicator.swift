// Idempotency: event ids seen within a time window, with the answer they got, so a retried
// submission is applied once and answered the same. Bounded by count and age; owned by the
// engine thread. Rebuilt by log replay (apply is deterministic) and carried in snapshots.

public final class EventDeduplicator {
    public struct Entry: Equatable, Sendable {
        public var expires: Int64
        public var changes: [WindowChange]
        public var lateWindows: [WindowKind]
    }

    public let windowMillis: Int64
    public let capacity: Int
    private var entries: [String: Entry] = [:]
    /// Ids in insertion (= expiry) order; `head` is the oldest live position.
    private var queue: [String] = []
    private var head = 0

    public init(windowMillis: Int64, capacity: Int) {
        self.windowMillis = windowMillis
        self.capacity = max(1, capacity)
    }

    public var count: Int { entries.count }

    /// The remembered answer for `id`, if seen within the window before `now`.
    public func lookup(_ id: String, now: Int64) -> Entry? {
        guard let e = entries[id], e.expires > now else { return nil }
        return e
    }

    /// Remembers `id` until `now + window`, forgetting the oldest ids beyond capacity.
    public func record(_ id: String, now: Int64, changes: [WindowChange], lateWindows: [WindowKind]) {
        insert(id, Entry(expires: now + windowMillis, changes: changes, lateWindows: lateWindows))
    }

    /// Restores an entry from a snapshot (in expiry order).
    public func restore(_ id: String, _ entry: Entry) { insert(id, entry) }

    private func insert(_ id: String, _ entry: Entry) {
        if entries.updateValue(entry, forKey: id) == nil { queue.append(id) }
        while entries.count > capacity { dropOldest() }
    }

    /// Forgets ids whose window ended at or before `now`.
    public func expire(now: Int64) {
        while head < queue.count, let e = entries[queue[head]], e.expires <= now { dropOldest() }
        // Skip ids already dropped (re-recorded ids keep their first queue position).
        while head < queue.count, entries[queue[head]] == nil { head += 1 }
        compact()
    }

    private func dropOldest() {
        while head < queue.count {
            let id = queue[head]
            head += 1
            if entries.removeValue(forKey: id) != nil { break }
        }
        compact()
    }

    private func compact() {
        if head > 4096 && head * 2 > queue.count {
            queue.removeFirst(head)
            head = 0
        }
    }

    /// Live entries in expiry order, for snapshots.
    public func liveEntries() -> [(String, Entry)] {
        queue[head...].compactMap { id in entries[id].map { (id, $0) } }
    }
}
