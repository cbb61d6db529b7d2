// Owned output bytes of one connection, appended in place until full.
// Invariant: the storage never moves, so pointers handed to writev stay valid while queued.

/// Owned, append-only bytes queued on one connection. Fixed capacity, so the address handed
/// to `writev` never moves; a write that does not fit starts a new chunk.
final class ByteChunk {
    let base: UnsafeMutableRawPointer
    let capacity: Int
    private(set) var count = 0

    /// Default capacity: small frames coalesce into one chunk (one iovec) per flush.
    static let standardCapacity = 2048

    init(capacity: Int) {
        self.capacity = max(capacity, 1)
        base = UnsafeMutableRawPointer.allocate(byteCount: self.capacity, alignment: 16)
    }

    deinit { base.deallocate() }

    var freeSpace: Int { capacity - count }

    /// Forgets the contents (for reuse by `ByteChunkPool`).
    func reset() { count = 0 }

    /// Appends all of `bytes`. Precondition: `bytes.count <= freeSpace`.
    func append(_ bytes: UnsafeRawBufferPointer) {
        precondition(bytes.count <= freeSpace, "ByteChunk overflow")
        guard let source = bytes.baseAddress, bytes.count > 0 else { return }
        (base + count).copyMemory(from: source, byteCount: bytes.count)
        count += bytes.count
    }

    /// Lets `body` write up to `limit` bytes after the current end; returns what it wrote.
    func append(upTo limit: Int, _ body: (UnsafeMutableRawBufferPointer) -> Int) -> Int {
        precondition(limit <= freeSpace, "ByteChunk overflow")
        let written = body(UnsafeMutableRawBufferPointer(start: base + count, count: limit))
        precondition(written >= 0 && written <= limit, "writer reported \(written) of \(limit) bytes")
        count += written
        return written
    }
}
