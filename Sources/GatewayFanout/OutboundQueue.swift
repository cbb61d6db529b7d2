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

    private var lanes: [[Item]] = [[], [], [], []]
    private var heads = [0, 0, 0, 0]
    /// Bytes queued across all priorities.
    public private(set) var bytes = 0
    public private(set) var count = 0

    public init() {}

    public var isEmpty: Bool { count == 0 }

    public mutating func push(_ item: Item) {
        lanes[item.priority.rawValue].append(item)
        bytes += item.cost
        count += 1
    }

    /// The next item: the oldest of the highest priority.
    public mutating func pop() -> Item? {
        for p in 0..<4 where heads[p] < lanes[p].count {
            let item = lanes[p][heads[p]]
            heads[p] += 1
            if heads[p] == lanes[p].count {
                lanes[p].removeAll(keepingCapacity: lanes[p].count < 64)
                heads[p] = 0
            } else if heads[p] >= 256 && heads[p] * 2 >= lanes[p].count {
                lanes[p].removeFirst(heads[p])
                heads[p] = 0
            }
            bytes -= item.cost
            count -= 1
            return item
        }
        return nil
    }

    /// Enqueue time of the oldest queued personal or social message (P1/P2), if any.
    public var oldestPersonalEnqueuedAt: UInt64? {
        var oldest: UInt64?
        for p in [1, 2] where heads[p] < lanes[p].count {
            let t = lanes[p][heads[p]].enqueuedAt
            oldest = min(oldest ?? t, t)
        }
        return oldest
    }

    /// Replaces the queued spectator messages of each stream by one snapshot of its latest state
    /// (when `latest` has one; a stream without a snapshot keeps its diffs, which are not
    /// cumulative). Returns how many queued messages were dropped.
    public mutating func coalesceSpectators(latest: (StreamKey) -> FanoutBatch.Snapshot?, now: UInt64) -> Int {
        let p = Priority.p3.rawValue
        guard heads[p] < lanes[p].count else { return 0 }
        var kept: [Item] = []
        var replaced: [StreamKey: FanoutBatch.Snapshot] = [:]
        var dropped = 0
        for item in lanes[p][heads[p]...] {
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
        for item in lanes[p][heads[p]...] { bytes -= item.cost }
        count -= lanes[p].count - heads[p]
        lanes[p] = kept
        heads[p] = 0
        for item in kept { bytes += item.cost }
        count += kept.count
        return max(0, dropped - replaced.count)
    }

    /// Drops everything (the connection closed).
    public mutating func removeAll() {
        lanes = [[], [], [], []]
        heads = [0, 0, 0, 0]
        bytes = 0
        count = 0
    }
}
