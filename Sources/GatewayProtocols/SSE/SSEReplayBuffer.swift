// Per-stream ring of recent pre-encoded SSE events, bounded by count and by bytes, so a client
// reconnecting with Last-Event-ID gets exactly what it missed — or `.gap` and a fresh snapshot.
// Invariant: held ids are strictly increasing; `precedingID` is the newest id no longer held.

/// Bounded replay history of one event stream. Owned by one I/O loop (not thread-safe).
///
/// Layout: while the array is shorter than `maxEvents`, the live entries are its tail
/// `[head, ring.count)` (evictions advance `head`, appends go to the end); once it reaches
/// `maxEvents` it is a classic ring and appends overwrite the slot after the newest entry.
public struct SSEReplayBuffer: Sendable {
    /// One stored event: its id and its encoded bytes (opaque to the buffer).
    public struct Entry: Equatable, Sendable {
        public var id: UInt64
        public var bytes: [UInt8]

        public init(id: UInt64, bytes: [UInt8]) {
            self.id = id
            self.bytes = bytes
        }
    }

    public enum ReplayResult: Equatable, Sendable {
        /// Exactly the events after the requested id, oldest first (possibly none).
        case events([Entry])
        /// The id cannot be resumed from: evicted, never issued, or newer than the stream.
        /// The caller sends a `reset` snapshot instead.
        case gap
    }

    /// Most events held.
    public let maxEvents: Int
    /// Most event bytes held (sum of `bytes.count`).
    public let maxBytes: Int

    /// Ring storage: logical index i lives at `(head + i) % maxEvents` once the ring is full.
    private var ring: [Entry] = []
    private var head = 0
    public private(set) var count = 0
    /// Sum of the held entries' byte counts.
    public private(set) var byteCount = 0
    /// Id of the newest event that was appended and is no longer held (nil if none). Resuming
    /// from exactly this id needs every held event and nothing else, so it is not a gap.
    private var precedingID: UInt64?

    /// - Precondition: both bounds are positive.
    public init(maxEvents: Int, maxBytes: Int) {
        precondition(maxEvents > 0 && maxBytes > 0, "replay buffer bounds must be positive")
        self.maxEvents = maxEvents
        self.maxBytes = maxBytes
    }

    /// Id of the oldest held event, nil when empty.
    public var oldestID: UInt64? { count == 0 ? nil : entry(at: 0).id }
    /// Id of the newest held event, nil when empty.
    public var newestID: UInt64? { count == 0 ? nil : entry(at: count - 1).id }

    /// Appends the next event of the stream, evicting the oldest until both bounds hold. An
    /// event larger than `maxBytes` is not held at all (it and everything before it become
    /// unreplayable). Amortised O(1) plus evictions.
    /// - Precondition: `id` is greater than every id appended before (programmer error).
    public mutating func append(id: UInt64, bytes: [UInt8]) {
        if let newest = newestID ?? precedingID {
            precondition(id > newest, "SSE event ids must increase (\(id) after \(newest))")
        }
        guard bytes.count <= maxBytes else {
            removeAll()
            precedingID = id
            return
        }
        while count == maxEvents || byteCount + bytes.count > maxBytes {
            evictOldest()
        }
        let entry = Entry(id: id, bytes: bytes)
        if ring.count < maxEvents {
            ring.append(entry)  // ring not yet full: head is 0 and logical order is array order
        } else {
            ring[physicalIndex(count)] = entry
        }
        count += 1
        byteCount += bytes.count
    }

    /// The events after `lastEventID`. O(log n) to find the position, O(k) to copy k entries
    /// (the byte arrays themselves are shared, not copied).
    public func replay(after lastEventID: UInt64) -> ReplayResult {
        if lastEventID == precedingID { return .events(entries(from: 0)) }
        guard let position = logicalIndex(of: lastEventID) else { return .gap }
        return .events(entries(from: position + 1))
    }

    /// Drops every held event; they become unreplayable.
    public mutating func removeAll() {
        if let newest = newestID { precedingID = newest }
        ring.removeAll(keepingCapacity: true)
        head = 0
        count = 0
        byteCount = 0
    }

    private mutating func evictOldest() {
        let oldest = entry(at: 0)
        precedingID = oldest.id
        byteCount -= oldest.bytes.count
        ring[head] = Entry(id: 0, bytes: [])  // release the bytes now, not at overwrite time
        head = (head + 1) % ring.count
        count -= 1
        if count == 0 {
            head = 0
            ring.removeAll(keepingCapacity: true)
        }
    }

    private func physicalIndex(_ logical: Int) -> Int { (head + logical) % ring.count }

    private func entry(at logical: Int) -> Entry { ring[physicalIndex(logical)] }

    private func entries(from logical: Int) -> [Entry] {
        guard logical < count else { return [] }
        return (logical..<count).map { entry(at: $0) }
    }

    /// Binary search over the (increasing) held ids.
    private func logicalIndex(of id: UInt64) -> Int? {
        var low = 0
        var high = count
        while low < high {
            let middle = (low + high) / 2
            let candidate = entry(at: middle).id
            if candidate == id { return middle }
            if candidate < id { low = middle + 1 } else { high = middle }
        }
        return nil
    }
}
