// A player's recent personal messages for `resume`: a ring bounded by count and by bytes, so
// memory per present player stays bounded whatever the message rate, and trimming is O(1).
import GatewayFanout

struct ResumeBuffer {
    struct Message {
        var pseq: UInt64
        var kind: MessageKind
        var priority: Priority
        var body: [UInt8]
    }

    private var ring: [Message] = []
    private var head = 0
    private(set) var count = 0
    private(set) var bytes = 0

    /// Appends a message, then drops the oldest while over `maxCount` messages or `maxBytes`.
    mutating func append(_ message: Message, maxCount: Int, maxBytes: Int) {
        guard maxCount > 0, message.body.count <= maxBytes else { return }
        if ring.count < maxCount {
            if head != 0 { normalize() }
            ring.append(message)
        } else {
            if count == maxCount { dropOldest() }
            ring[slot(count)] = message
        }
        count += 1
        bytes += message.body.count
        while bytes > maxBytes || count > maxCount { dropOldest() }
    }

    /// Drops the oldest message; returns its size in bytes (0 when empty).
    @discardableResult
    mutating func dropOldest() -> Int {
        guard count > 0 else { return 0 }
        let dropped = ring[head].body.count
        bytes -= dropped
        ring[head].body = []
        head = slot(1)
        count -= 1
        if count == 0 {
            ring.removeAll()
            head = 0
        }
        return dropped
    }

    /// Reorders the ring so the oldest is at index 0 (before it grows).
    private mutating func normalize() {
        let live = (0..<count).map { ring[slot($0)] }
        ring = live
        head = 0
    }

    /// Messages with pseq after `after`, oldest first.
    func messages(after: UInt64) -> [Message] {
        (0..<count).map { ring[slot($0)] }.filter { $0.pseq > after }
    }

    /// The oldest buffered pseq, if any.
    var oldestPseq: UInt64? { count > 0 ? ring[head].pseq : nil }
    /// The newest buffered pseq, if any.
    var newestPseq: UInt64? { count > 0 ? ring[slot(count - 1)].pseq : nil }

    /// Ring index of the message `offset` places after the oldest (`offset < ring.count`): a
    /// compare instead of a division, on the path of every personal message.
    @inline(__always)
    private func slot(_ offset: Int) -> Int {
        let i = head + offset
        return i >= ring.count ? i - ring.count : i
    }
}

/// Heap box for a player's resume buffer, allocated only once the player gets a message.
final class ResumeBufferBox {
    var buffer = ResumeBuffer()
}
