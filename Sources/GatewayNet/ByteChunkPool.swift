// Output chunks that drained connections gave back, reused by the next connection on the same
// loop whose output queue starts a burst. Fan-out gives most connections one frame prefix
// per tick; without reuse each took a fresh chunk and freed it after the writev, and a tick's
// hundreds of same-size frees overflow glibc's per-thread cache (7 blocks per size), so they went
// through its bins (malloc and free on the I/O threads were 3.5–5 % of the gateway's samples in
// the latency benchmark; ~2 % with the pool). Bounded: an idle loop keeps at most `limit` chunks.
// Owned by one loop thread. The chunks have the standard size: 512-byte ones cut the fan-out
// benchmark's throughput (spectators take many prefixes per write and needed a second chunk).

/// A loop's free list of burst-start chunks (`chunkCapacity` bytes each), at most `limit` kept.
final class ByteChunkPool {
    let chunkCapacity: Int
    let limit: Int
    private var free: [ByteChunk] = []

    init(chunkCapacity: Int = ByteChunk.standardCapacity, limit: Int = 256) {
        self.chunkCapacity = chunkCapacity
        self.limit = limit
        free.reserveCapacity(limit)
    }

    /// Chunks held for reuse.
    var count: Int { free.count }

    /// An empty chunk of `chunkCapacity` bytes: a returned one when there is one.
    func take() -> ByteChunk {
        free.popLast() ?? ByteChunk(capacity: chunkCapacity)
    }

    /// Keeps `chunk` for reuse (emptied) when it has the pool's size and there is room. The
    /// caller must hold the only reference.
    func give(_ chunk: ByteChunk) {
        guard chunk.capacity == chunkCapacity, free.count < limit else { return }
        chunk.reset()
        free.append(chunk)
    }
}
