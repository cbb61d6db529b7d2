// ByteChunkPool with OutboundBuffer: a drained connection hands its burst-start chunk back and the
// next burst on the loop reuses it; a chunk with bytes still queued, or larger than the pool's
// size, is never pooled; the pool keeps at most its limit; the bytes written stay exact.
import Glibc
import Testing
@testable import GatewayNet

private func withIOVecs<R>(_ body: (UnsafeMutableBufferPointer<iovec>) -> R) -> R {
    let vectors = UnsafeMutableBufferPointer<iovec>.allocate(capacity: maxIOVectors)
    defer { vectors.deallocate() }
    return body(vectors)
}

private func append(_ bytes: [UInt8], to buffer: inout OutboundBuffer, pool: ByteChunkPool) {
    bytes.withUnsafeBytes { buffer.append(copying: $0, pool: pool) }
}

@Suite struct ByteChunkPoolTests {
    @Test func aDrainedBurstReturnsItsChunkAndTheNextBurstReusesIt() {
        let fake = FakeSystemCalls()
        let pool = ByteChunkPool(chunkCapacity: 64, limit: 4)
        var first = OutboundBuffer(), second = OutboundBuffer()
        append([1, 2, 3], to: &first, pool: pool)
        first.append(SharedBytes([9, 9]))
        append([4], to: &first, pool: pool)
        let outcome = withIOVecs { first.flush(fd: 1, syscalls: fake.syscalls, iovecs: $0, maxWritevCalls: 16, pool: pool) }
        #expect(outcome == .drained && fake.written(to: 1) == [1, 2, 3, 9, 9, 4])
        #expect(pool.count == 1 && !first.holdsFillBuffer)
        // The next burst, on another connection of the loop, starts in that chunk, emptied.
        append([7, 8], to: &second, pool: pool)
        #expect(pool.count == 0)
        _ = withIOVecs { second.flush(fd: 2, syscalls: fake.syscalls, iovecs: $0, maxWritevCalls: 16, pool: pool) }
        #expect(fake.written(to: 2) == [7, 8] && pool.count == 1)
    }

    @Test func aChunkWithBytesStillQueuedIsNotPooled() {
        let fake = FakeSystemCalls()
        let pool = ByteChunkPool(chunkCapacity: 64, limit: 4)
        var buffer = OutboundBuffer()
        append(Array(1...10), to: &buffer, pool: pool)
        fake.script(writes: [.accept(4)])
        let partial = withIOVecs { buffer.flush(fd: 3, syscalls: fake.syscalls, iovecs: $0, maxWritevCalls: 16, pool: pool) }
        #expect(partial == .pending && pool.count == 0)
        // A pooled chunk handed out meanwhile must not be this one: the rest is written intact.
        var other = OutboundBuffer()
        append([0xEE, 0xEE], to: &other, pool: pool)
        let rest = withIOVecs { buffer.flush(fd: 3, syscalls: fake.syscalls, iovecs: $0, maxWritevCalls: 16, pool: pool) }
        #expect(rest == .drained && fake.written(to: 3) == Array(1...10) && pool.count == 1)
    }

    @Test func largeWritesAndClosedConnectionsRespectTheChunkSizeAndTheLimit() {
        let fake = FakeSystemCalls()
        let pool = ByteChunkPool(chunkCapacity: 64, limit: 2)
        var big = OutboundBuffer()
        append(Array(repeating: 5, count: 100), to: &big, pool: pool)   // larger than a pool chunk
        _ = withIOVecs { big.flush(fd: 4, syscalls: fake.syscalls, iovecs: $0, maxWritevCalls: 16, pool: pool) }
        #expect(pool.count == 0)
        var a = OutboundBuffer(), b = OutboundBuffer(), c = OutboundBuffer()   // not copyable: no array
        append([1], to: &a, pool: pool)
        append([2], to: &b, pool: pool)
        append([3], to: &c, pool: pool)
        a.removeAll(pool: pool)   // closed connections hand their chunks back too
        b.removeAll(pool: pool)
        c.removeAll(pool: pool)
        #expect(pool.count == 2)
    }
}
