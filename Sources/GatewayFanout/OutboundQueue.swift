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

    /// One FIFO per priority. Four fields rather than an array of arrays: an idle connection's
    /// queue then owns no heap memory at all (empty arrays share one static buffer).
    private var lane0 = Lane(), lane1 = Lane(), lane2 = Lane(), lane3 = Lane()
    /// Bytes queued across all priorities.
    public private(set) var bytes = 0
    public private(set) var count = 0

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

    public var isEmpty: Bool { count == 0 }

    public mutating func push(_ item: Item) {
        switch item.priority {
        case .p0: lane0.items.append(item)
        case .p1: lane1.items.append(item)
        case .p2: lane2.items.append(item)
        case .p3: lane3.items.append(item)
        }
        bytes += item.cost
        count += 1
    }

    /// The next item: the oldest of the highest priority.
    public mutating func pop() -> Item? {
        let item: Item
        if !lane0.isEmpty { item = lane0.pop() }
        else if !lane1.isEmpty { item = lane1.pop() }
        else if !lane2.isEmpty { item = lane2.pop() }
        else if !lane3.isEmpty { item = lane3.pop() }
        else { return nil }
        bytes -= item.cost
        count -= 1
        return item
    }

    /// Enqueue time of the oldest queued personal or social message (P1/P2), if any.
    public var oldestPersonalEnqueuedAt: UInt64? {
        switch (lane1.first?.enqueuedAt, lane2.first?.enqueuedAt) {
        case let (a?, b?): min(a, b)
        case let (a?, nil): a
        case let (nil, b?): b
        case (nil, nil): nil
        }
    }

    /// Replaces the queued spectator messages of each stream by one snapshot of its latest state
    /// (when `latest` has one; a stream without a snapshot keeps its diffs, which are not
    /// cumulative). Returns how many queued diffs were replaced.
    public mutating func coalesceSpectators(latest: (StreamKey) -> FanoutBatch.Snapshot?, now: UInt64) -> Int {
        guard !lane3.isEmpty else { return 0 }
        var kept: [Item] = []
        var replaced: [StreamKey: FanoutBatch.Snapshot] = [:]
        var dropped = 0
        for item in lane3.live {
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
        for item in lane3.live { bytes -= item.cost }
        count -= lane3.items.count - lane3.head
        lane3 = Lane(items: kept, head: 0)
        for item in kept { bytes += item.cost }
        count += kept.count
        return dropped
    }

    /// Drops everything (the connection closed).
    public mutating func removeAll() {
        lane0 = Lane(); lane1 = Lane(); lane2 = Lane(); lane3 = Lane()
        bytes = 0
        count = 0
    }
}
