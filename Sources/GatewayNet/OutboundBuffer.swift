// One connection's queued output: owned chunks and shared immutable buffers, flushed with
// gathered writev calls. Invariant: `queuedBytes` equals the unwritten bytes of all chunks
// (the head chunk counted from `headOffset`), and no queued chunk is empty.
import Glibc

/// Low and high watermarks for a connection's queued output, in bytes.
public struct WriteWatermarks: Sendable, Equatable {
    /// At or below this many queued bytes a connection that was above `high` is writable again.
    public var low: Int
    /// Above this many queued bytes the connection reports `isWritable == false`.
    public var high: Int

    public init(low: Int = 64 * 1024, high: Int = 256 * 1024) {
        precondition(low >= 0 && high >= low, "watermarks need 0 <= low <= high (got \(low), \(high))")
        self.low = low
        self.high = high
    }
}

/// What `OutboundBuffer.flush` achieved.
public enum FlushOutcome: Equatable, Sendable {
    /// Everything queued was written.
    case drained
    /// Bytes remain: the socket buffer is full (EAGAIN or a short write) or the per-call
    /// writev budget ran out. The caller arms EPOLLOUT and flushes again when writable.
    case pending
    /// The write failed (EPIPE, ECONNRESET, …); the connection must be closed.
    case failed(Errno)
}

/// A queue of byte chunks awaiting `writev`. Owned by one connection on one loop thread.
/// Not copyable: chunks are appended in place, so two copies would corrupt each other.
struct OutboundBuffer: ~Copyable {
    enum Chunk {
        /// A region (offset, count) of an owned chunk. Small copies (frame headers, prefixes)
        /// from many messages share one chunk even when shared slices sit between them. The
        /// flag: the region starts a message (see `beginMessage`).
        case owned(ByteChunk, Int, Int, Bool)
        /// A slice (offset, count) of shared bytes: many small messages encoded into one
        /// shared buffer per tick are queued without copying. Flag as above.
        case shared(SharedBytes, Int, Int, Bool)

        var base: UnsafeRawPointer {
            switch self {
            case .owned(let chunk, let offset, _, _): UnsafeRawPointer(chunk.base) + offset
            case .shared(let bytes, let offset, _, _): bytes.base + offset
            }
        }

        var count: Int {
            switch self {
            case .owned(_, _, let count, _): count
            case .shared(_, _, let count, _): count
            }
        }

        var startsMessage: Bool {
            switch self {
            case .owned(_, _, _, let starts): starts
            case .shared(_, _, _, let starts): starts
            }
        }
    }

    private var chunks: [Chunk] = []
    /// The owned chunk that receives copies (nil once everything queued was written, so an idle
    /// connection keeps no buffer).
    private var fillChunk: ByteChunk?
    /// Bytes of `chunks[0]` already written.
    private var headOffset = 0
    /// Unwritten bytes across all chunks.
    public private(set) var queuedBytes = 0
    public let watermarks: WriteWatermarks
    /// Sticky flag with hysteresis: set above `watermarks.high`, cleared at or below `low`.
    /// Last, with `nextStartsMessage`, so the buffer packs into 50 bytes inside a connection.
    public private(set) var isAboveHighWatermark = false
    /// The next append starts a message (set by `beginMessage`).
    private var nextStartsMessage = false

    public init(watermarks: WriteWatermarks = WriteWatermarks()) {
        self.watermarks = watermarks
    }

    public var isEmpty: Bool { queuedBytes == 0 }
    /// Distinct owned buffers behind the queued entries (for tests of memory behaviour).
    var ownedBufferCount: Int {
        var seen: [ObjectIdentifier] = []
        for case let .owned(chunk, _, _, _) in chunks where !seen.contains(ObjectIdentifier(chunk)) { seen.append(ObjectIdentifier(chunk)) }
        return seen.count
    }
    /// Whether a fill buffer is held (false once everything was written).
    var holdsFillBuffer: Bool { fillChunk != nil }
    /// Number of queued chunks (each becomes one iovec). O(1).
    public var chunkCount: Int { chunks.count }

    /// Copies `bytes` into the queue, into the current fill chunk when it has room (extending
    /// the tail entry when it is that chunk's last region; a burst that fits starts in a chunk
    /// from `pool`). O(n).
    mutating func append(copying bytes: UnsafeRawBufferPointer, pool: ByteChunkPool? = nil) {
        guard bytes.count > 0 else { return }
        _ = append(reserving: bytes.count, pool: pool) { destination in
            destination.copyMemory(from: bytes)
            return bytes.count
        }
    }

    /// Copies the array's bytes into the queue. O(n).
    public mutating func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { append(copying: $0) }
    }

    /// Lets an encoder write up to `capacity` bytes straight into the queue (no intermediate
    /// buffer). `body` returns how many bytes it wrote (0...capacity); the return value repeats it.
    /// A burst (nothing queued) that fits a chunk of `pool` starts in one of its chunks, which goes
    /// back to `pool` once everything was written.
    @discardableResult
    mutating func append(reserving capacity: Int, pool: ByteChunkPool? = nil,
                         _ body: (UnsafeMutableRawBufferPointer) -> Int) -> Int {
        guard capacity > 0 else { return 0 }
        let chunk: ByteChunk
        if let fill = fillChunk, fill.freeSpace >= capacity {
            chunk = fill
        } else if chunks.isEmpty, let pool, capacity <= pool.chunkCapacity {
            chunk = pool.take()
            fillChunk = chunk
        } else {
            chunk = ByteChunk(capacity: max(capacity, ByteChunk.standardCapacity))
            fillChunk = chunk
        }
        let offset = chunk.count
        let written = chunk.append(upTo: capacity, body)
        guard written > 0 else { return 0 }
        let starts = nextStartsMessage
        nextStartsMessage = false
        if !starts, case let .owned(tail, tailOffset, tailCount, tailStarts)? = chunks.last, tail === chunk,
           tailOffset + tailCount == offset {
            chunks[chunks.count - 1] = .owned(tail, tailOffset, tailCount + written, tailStarts)
        } else {
            chunks.append(.owned(chunk, offset, written, starts))
        }
        accountAppended(written)
        return written
    }

    /// Queues a reference to `bytes` without copying. O(1).
    public mutating func append(_ bytes: SharedBytes) {
        append(bytes, range: 0..<bytes.count)
    }

    /// Queues a reference to `bytes[range]` without copying. O(1).
    public mutating func append(_ bytes: SharedBytes, range: Range<Int>) {
        precondition(range.lowerBound >= 0 && range.upperBound <= bytes.count, "slice outside the shared bytes")
        guard !range.isEmpty else { return }
        chunks.append(.shared(bytes, range.lowerBound, range.count, nextStartsMessage))
        nextStartsMessage = false
        accountAppended(range.count)
    }

    /// Marks the next appended bytes as the start of a message (a frame, an event): the
    /// boundaries `discardUnstartedMessages` may cut at. The start gets its own entry.
    public mutating func beginMessage() {
        nextStartsMessage = true
    }

    /// Drops the queued messages not one byte of which was written yet, keeping the rest of a
    /// message partly written (so the stream stays well formed and what follows comes next).
    /// Bytes appended without `beginMessage` count as part of the message before them. Returns
    /// the bytes dropped.
    @discardableResult
    public mutating func discardUnstartedMessages() -> Int {
        guard !chunks.isEmpty else { return 0 }
        var keep = 0
        if headOffset != 0 || !chunks[0].startsMessage {
            keep = 1
            while keep < chunks.count && !chunks[keep].startsMessage { keep += 1 }
        }
        guard keep < chunks.count else { return 0 }
        var dropped = 0
        for chunk in chunks[keep...] { dropped += chunk.count }
        if keep == 0 {
            removeAll()
        } else {
            chunks.removeSubrange(keep...)
            queuedBytes -= dropped
            if isAboveHighWatermark && queuedBytes <= watermarks.low { isAboveHighWatermark = false }
        }
        return dropped
    }

    /// Drops everything queued (used when the connection closes), handing an unshared fill chunk
    /// back to `pool`.
    mutating func removeAll(pool: ByteChunkPool? = nil) {
        chunks = []
        recycleFillChunk(into: pool)
        headOffset = 0
        queuedBytes = 0
        isAboveHighWatermark = false
        nextStartsMessage = false
    }

    /// Writes queued bytes to `fd` with up to `maxWritevCalls` writev calls of at most
    /// `iovecs.count` vectors each (the caller's reusable scratch, ≤ `maxIOVectors`).
    /// EINTR is retried (and counts towards the budget); a short write or EAGAIN stops with
    /// `.pending`. Complexity: O(chunks written).
    /// Once everything was written, the fill chunk goes back to `pool`.
    mutating func flush(
        fd: Int32, syscalls: SystemCalls, iovecs: UnsafeMutableBufferPointer<iovec>, maxWritevCalls: Int = 16,
        pool: ByteChunkPool? = nil
    ) -> FlushOutcome {
        precondition(iovecs.count > 0, "flush needs at least one iovec of scratch")
        var calls = 0
        while !chunks.isEmpty {
            if calls == maxWritevCalls { return .pending }
            calls += 1
            let (vectorCount, offered) = gather(into: iovecs)
            let written: Int
            do {
                written = try syscalls.writev(fd, UnsafeBufferPointer(rebasing: iovecs[0..<vectorCount]))
            } catch {
                if error == .interrupted { continue }
                if error == .wouldBlock { return .pending }
                return .failed(error)
            }
            consume(written, pool: pool)
            if written < offered { return .pending }
        }
        return .drained
    }

    /// Fills `iovecs` from the head of the queue; returns (vectors used, bytes offered).
    private func gather(into iovecs: UnsafeMutableBufferPointer<iovec>) -> (Int, Int) {
        let vectorCount = min(iovecs.count, chunks.count)
        var offered = 0
        for index in 0..<vectorCount {
            let chunk = chunks[index]
            let skip = index == 0 ? headOffset : 0
            let length = chunk.count - skip
            iovecs[index] = iovec(iov_base: UnsafeMutableRawPointer(mutating: chunk.base + skip), iov_len: length)
            offered += length
        }
        return (vectorCount, offered)
    }

    /// Marks `count` bytes from the head as written, releasing finished chunks.
    private mutating func consume(_ count: Int, pool: ByteChunkPool?) {
        precondition(count >= 0 && count <= queuedBytes, "writev reported \(count) of \(queuedBytes) bytes")
        var remaining = count
        var finished = 0
        var offset = headOffset
        while remaining > 0 {
            let available = chunks[finished].count - offset
            if remaining < available {
                offset += remaining
                remaining = 0
            } else {
                remaining -= available
                finished += 1
                offset = 0
            }
        }
        headOffset = offset
        if finished > 0 { releaseHead(finished, pool: pool) }
        queuedBytes -= count
        if isAboveHighWatermark && queuedBytes <= watermarks.low { isAboveHighWatermark = false }
    }

    private mutating func releaseHead(_ finished: Int, pool: ByteChunkPool?) {
        if finished == chunks.count {
            // Everything written: an idle connection keeps neither the vector nor a buffer (the
            // next burst allocates the vector again and takes its fill chunk from the pool).
            chunks = []
            recycleFillChunk(into: pool)
        } else {
            chunks.removeFirst(finished)
        }
    }

    /// Drops the fill chunk, handing it to `pool` when nothing else references it.
    private mutating func recycleFillChunk(into pool: ByteChunkPool?) {
        if let pool, isKnownUniquelyReferenced(&fillChunk), let chunk = fillChunk {
            fillChunk = nil
            pool.give(chunk)
        } else {
            fillChunk = nil
        }
    }

    private mutating func accountAppended(_ count: Int) {
        queuedBytes += count
        if queuedBytes > watermarks.high { isAboveHighWatermark = true }
    }
}
