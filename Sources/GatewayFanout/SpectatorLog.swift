// The recent board diffs of one spectator stream on one loop, shared by every session that
// spectates it. A session keeps only the id of the last diff it took (its cursor); a tick costs
// the loop one append per stream instead of one queued item per spectator, and a session that
// waited several ticks for its turn takes them all in one write. A session whose cursor fell
// behind what the log keeps gets the stream's latest snapshot instead: spectator diffs coalesce
// by construction. Entries are framing-ready queue items holding their own copy of the diff, not
// the tick's whole buffer, so a quiet stream's log never keeps old ticks alive: its memory is its
// last diffs. Owned by the loop.
import GatewayNet

public final class SpectatorLog {
    /// The stream the log belongs to (carried by its items).
    public let stream: StreamKey
    /// Entries kept at most (the oldest go first).
    public let capacity: Int
    private var entries: [OutboundQueue.Item] = []
    private var head = 0
    /// Highest sequence dropped from the log (0: none yet).
    public private(set) var droppedThrough: UInt64 = 0

    public init(stream: StreamKey, capacity: Int = 64) {
        precondition(capacity > 0, "SpectatorLog needs room for one entry")
        self.stream = stream
        self.capacity = capacity
    }

    /// Sequence of the newest entry (0 when empty).
    public var newest: UInt64 { head < entries.count ? entries[entries.count - 1].sequence : 0 }
    /// Entries held.
    public var count: Int { entries.count - head }

    /// Appends a copy of `bytes[range]` as the diff (or snapshot) with id `sequence`, which must
    /// exceed every earlier one (older ones are ignored).
    public func append(sequence: UInt64, copying bytes: SharedBytes, range: Range<Int>, kind: MessageKind, enqueuedAt: UInt64) {
        guard sequence > newest, sequence > droppedThrough else { return }
        let copy = bytes.withUnsafeBytes { SharedBytes(copying: UnsafeRawBufferPointer(rebasing: $0[range])) }
        entries.append(OutboundQueue.Item(bytes: copy, range: 0..<copy.count, kind: kind, priority: .p3, sequence: sequence,
                                          isPersonal: false, stream: stream, enqueuedAt: enqueuedAt))
        if entries.count - head > capacity {
            droppedThrough = entries[head].sequence
            head += 1
            // Drop the dead prefix once it is as long as the live part (amortized O(1)).
            if head >= capacity {
                entries.removeSubrange(0..<head)
                head = 0
            }
        }
    }

    /// The entries after `cursor`, oldest first, ready to frame; nil when some of them were
    /// already dropped (the reader needs a snapshot).
    public func entries(after cursor: UInt64) -> ArraySlice<OutboundQueue.Item>? {
        if cursor < droppedThrough { return nil }
        // Usually only the last few are new: search back from the end.
        var i = entries.count
        while i > head && entries[i - 1].sequence > cursor { i -= 1 }
        return entries[i..<entries.count]
    }
}
