// One byte budget over every player's resume buffer. Per-player limits bound each buffer, but
// with many players present (connected, or disconnected within the resume window) their sum
// could still reach players × `push.resume_bytes`; above `push.resume_total_bytes` the oldest
// buffered messages of all players go first, and a player who then resumes from before them
// gets a `reset`. Owned by the engine thread.

/// The order in which buffered messages were added, across players, and their totals.
struct ResumeBudget {
    /// Strong, not weak: a weak reference gives the box a side table, which sends every retain
    /// and release of it down the runtime's slow path (~1 % of the gateway's CPU when every
    /// event is a personal message). An expired player's box is emptied by `released` instead,
    /// so the entries still naming it are stale and hold only the empty box.
    private struct Entry {
        let box: ResumeBufferBox
        let pseq: UInt64
    }

    let limitBytes: Int
    /// Bytes and messages buffered in all resume buffers.
    private(set) var totalBytes = 0
    private(set) var totalMessages = 0
    /// Messages evicted to stay within the budget.
    private(set) var evictions = 0
    private var order: [Entry] = []
    private var head = 0

    init(limitBytes: Int) {
        self.limitBytes = limitBytes
    }

    /// Entries kept for ordering: the buffered messages plus stale ones not yet compacted
    /// (at most about twice the buffered ones).
    var trackedMessages: Int { order.count - head }

    /// Appends `message` to `box` under the player's own limits, then evicts the oldest messages
    /// of any player while over the budget.
    mutating func store(_ message: ResumeBuffer.Message, in box: ResumeBufferBox, maxCount: Int, maxBytes: Int) {
        let bytesBefore = box.buffer.bytes, countBefore = box.buffer.count
        box.buffer.append(message, maxCount: maxCount, maxBytes: maxBytes)
        totalBytes += box.buffer.bytes - bytesBefore
        totalMessages += box.buffer.count - countBefore
        if box.buffer.newestPseq == message.pseq { order.append(Entry(box: box, pseq: message.pseq)) }
        while totalBytes > limitBytes, head < order.count {
            let entry = order[head]
            head += 1
            // Only a buffer's oldest message can be this entry; anything else is already gone
            // (trimmed by its player's own limits, or the player expired).
            guard entry.box.buffer.oldestPseq == entry.pseq else { continue }
            totalBytes -= entry.box.buffer.dropOldest()
            totalMessages -= 1
            evictions += 1
        }
        compact()
    }

    /// A player's buffer is dropped (the player expired): its messages leave the budget, and the
    /// box is emptied (entries may still name it; they are stale now).
    mutating func released(_ box: ResumeBufferBox) {
        totalBytes -= box.buffer.bytes
        totalMessages -= box.buffer.count
        box.buffer = ResumeBuffer()
    }

    /// Drops stale entries at the front, and rebuilds the list once stale entries (messages
    /// trimmed by per-player limits behind a live one) outnumber the buffered messages, so the
    /// list stays proportional to what is buffered (amortized O(1) per message).
    private mutating func compact() {
        while head < order.count, isStale(order[head]) { head += 1 }
        if head == order.count {
            order.removeAll(keepingCapacity: true)
            head = 0
        } else if order.count - head > 2 * totalMessages + 1024 {
            order = order[head...].filter { !isStale($0) }
            head = 0
        } else if head > 1024 && head * 2 >= order.count {
            order.removeFirst(head)
            head = 0
        }
    }

    /// An entry whose message is no longer buffered: its player is gone (the box is empty), or its
    /// buffer's oldest message is newer (a player's buffer holds a contiguous run of its newest
    /// pseqs).
    private func isStale(_ entry: Entry) -> Bool {
        guard let oldest = entry.box.buffer.oldestPseq else { return true }
        return entry.pseq < oldest
    }
}
