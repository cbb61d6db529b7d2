// One connection's messages waiting for its socket, by priority: P0 control, P1 personal,
// P2 social, P3 spectator. FIFO within a priority. Bytes are accounted so backpressure can
// coalesce spectator diffs (soft limit) and disconnect (hard limit) instead of growing without
// bound. Owned by the connection's loop.
import GatewayNet

public struct OutboundQueue {
    public struct Item {
        public var bytes: SharedBytes
        public var range: Range<Int>
        public var kind: MessageKind
        public var priority: Priority
        /// pseq (personal) or stream event id (spectator); 0 when none.
        public var sequence: UInt64
        /// The message carries a pseq (personal stream position).
        public var isPersonal: Bool
        public var stream: StreamKey?
        /// Loop monotonic time (ns) when queued.
        public var enqueuedAt: UInt64

        public init(bytes: SharedBytes, range: Range<Int>, kind: MessageKind, priority: Priority, sequence: UInt64,
                    isPersonal: Bool, stream: StreamKey?, enqueuedAt: UInt64) {
            self.bytes = bytes
            self.range = range
            self.kind = kind
            self.priority = priority
            self.sequence = sequence
            self.isPersonal = isPersonal
            self.stream = stream
            self.enqueuedAt = enqueuedAt
        }

        /// Bytes this item costs: body plus a framing allowance (prefix and header).
        public var cost: Int { range.count + 48 }
    }

    /// One FIFO per priority, allocated with the first message and released when the queue
    /// drains: an idle connection's queue is one nil reference (8 B instead of 80 B inline).
    /// Copy-on-write, so the queue keeps value semantics.
    private var storage: Storage?

    final class Storage {
        var lane0 = Lane(), lane1 = Lane(), lane2 = Lane(), lane3 = Lane()
        var bytes = 0
        var count = 0

        init() {}

        func copy() -> Storage {
            let other = Storage()
            (other.lane0, other.lane1, other.lane2, other.lane3) = (lane0, lane1, lane2, lane3)
            (other.bytes, other.count) = (bytes, count)
            return other
        }
    }

    struct Lane {
        var items: [Item] = []
        var head = 0
        var isEmpty: Bool { head == items.count }
        var first: Item? { head < items.count ? items[head] : nil }

        mutating func pop() -> Item {
            let item = items[head]
            head += 1
            if head == items.count {
                items.removeAll(keepingCapacity: items.count < 64)
                head = 0
            } else if head >= 256 && head * 2 >= items.count {
                items.removeFirst(head)
                head = 0
            }
            return item
        }

        var live: ArraySlice<Item> { items[head...] }
    }

    public init() {}

    /// Bytes queued across all priorities.
    public var bytes: Int { storage?.bytes ?? 0 }
    public var count: Int { storage?.count ?? 0 }
    public var isEmpty: Bool { storage == nil }

    /// The storage, unique to this queue (created or copied when needed).
    private mutating func uniqueStorage() -> Storage {
        // Check uniqueness before binding the storage to a local: a local reference made the
        // check fail now and then and copy the lanes (seen in profiles of the fan-out benchmark).
        if isKnownUniquelyReferenced(&storage) { return storage.unsafelyUnwrapped }
        let fresh = storage?.copy() ?? Storage()
        storage = fresh
        return fresh
    }

    public mutating func push(_ item: Item) {
        let s = uniqueStorage()
        switch item.priority {
        case .p0: s.lane0.items.append(item)
        case .p1: s.lane1.items.append(item)
        case .p2: s.lane2.items.append(item)
        case .p3: s.lane3.items.append(item)
        }
        s.bytes += item.cost
        s.count += 1
    }

    /// The next item: the oldest of the highest priority.
    public mutating func pop() -> Item? {
        guard storage != nil else { return nil }
        let s = uniqueStorage()
        let item: Item
        if !s.lane0.isEmpty { item = s.lane0.pop() }
        else if !s.lane1.isEmpty { item = s.lane1.pop() }
        else if !s.lane2.isEmpty { item = s.lane2.pop() }
        else if !s.lane3.isEmpty { item = s.lane3.pop() }
        else { return nil }
        s.bytes -= item.cost
        s.count -= 1
        if s.count == 0 { storage = nil }
        return item
    }

    /// Enqueue time of the oldest queued personal or social message (P1/P2), if any.
    public var oldestPersonalEnqueuedAt: UInt64? {
        guard let s = storage else { return nil }
        switch (s.lane1.first?.enqueuedAt, s.lane2.first?.enqueuedAt) {
        case let (a?, b?): return min(a, b)
        case let (a?, nil): return a
        case let (nil, b?): return b
        case (nil, nil): return nil
        }
    }

    /// Replaces the queued spectator messages of each stream by one snapshot of its latest state
    /// (when `latest` has one; a stream without a snapshot keeps its diffs, which are not
    /// cumulative). Returns how many queued diffs were replaced.
    public mutating func coalesceSpectators(latest: (StreamKey) -> FanoutBatch.Snapshot?, now: UInt64) -> Int {
        guard let current = storage, !current.lane3.isEmpty else { return 0 }
        let s = uniqueStorage()
        var kept: [Item] = []
        var replaced: [StreamKey: FanoutBatch.Snapshot] = [:]
        var dropped = 0
        for item in s.lane3.live {
            if let stream = item.stream, let snapshot = replaced[stream] ?? latest(stream), snapshot.eventID >= item.sequence {
                if replaced[stream] == nil {
                    replaced[stream] = snapshot
                    kept.append(Item(bytes: snapshot.bytes, range: 0..<snapshot.bytes.count, kind: .snapshot, priority: .p3,
                                     sequence: snapshot.eventID, isPersonal: false, stream: stream, enqueuedAt: now))
                }
                dropped += 1
            } else {
                kept.append(item)
            }
        }
        for item in s.lane3.live { s.bytes -= item.cost }
        s.count -= s.lane3.items.count - s.lane3.head
        s.lane3 = Lane(items: kept, head: 0)
        for item in kept { s.bytes += item.cost }
        s.count += kept.count
        return dropped
    }

    /// Drops everything (the connection closed).
    public mutating func removeAll() {
        storage = nil
    }
}
