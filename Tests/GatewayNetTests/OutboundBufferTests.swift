// OutboundBuffer against scripted writev: partial writes at every boundary, EAGAIN, EINTR,
// errors, IOV_MAX gathering, shared chunks, byte accounting and watermarks.
import Glibc
import Testing
@testable import GatewayNet

/// Scratch iovecs as the loop provides them.
private func withIOVecs<R>(_ count: Int = maxIOVectors, _ body: (UnsafeMutableBufferPointer<iovec>) -> R) -> R {
    let vectors = UnsafeMutableBufferPointer<iovec>.allocate(capacity: count)
    defer { vectors.deallocate() }
    return body(vectors)
}

private func bytes(_ count: Int, seed: UInt8) -> [UInt8] {
    (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ Int(seed)) }
}

/// A mix of owned, coalesced, large and shared chunks; returns the expected byte stream.
private func fillMixed(_ buffer: inout OutboundBuffer) -> [UInt8] {
    let pieces: [[UInt8]] = [bytes(1, seed: 1), bytes(7, seed: 2), bytes(64, seed: 3)]
    var expected: [UInt8] = []
    for piece in pieces {
        buffer.append(piece)
        expected += piece
    }
    let shared = SharedBytes(bytes(100, seed: 4))
    buffer.append(shared)
    expected += bytes(100, seed: 4)
    let large = bytes(3000, seed: 5)
    buffer.append(large)
    expected += large
    buffer.append(bytes(5, seed: 6))
    expected += bytes(5, seed: 6)
    return expected
}

@Suite struct OutboundBufferTests {
    @Test func smallCopiesBetweenSharedSlicesShareOneBufferAndIdleHoldsNone() {
        let fake = FakeSystemCalls()
        var buffer = OutboundBuffer()
        let body = SharedBytes(Array(repeating: 0x61, count: 200))
        var expected: [UInt8] = []
        for i in 0..<40 {
            let header: [UInt8] = [0x81, UInt8(i)]
            buffer.append(header)
            buffer.append(body, range: 10..<60)
            expected += header + Array(repeating: 0x61, count: 50)
        }
        // 40 two-byte headers between shared slices: one owned buffer, not one per header.
        let owned = buffer.ownedBufferCount, entries = buffer.chunkCount
        #expect(owned == 1)
        #expect(entries == 80)
        let outcome = withIOVecs { buffer.flush(fd: 5, syscalls: fake.syscalls, iovecs: $0) }
        #expect(outcome == .drained)
        #expect(fake.written(to: 5) == expected)
        let holds = buffer.holdsFillBuffer
        #expect(!holds)
    }

    @Test func drainsEverythingInOrderWhenTheSocketTakesAll() {
        let fake = FakeSystemCalls()
        var buffer = OutboundBuffer()
        let expected = fillMixed(&buffer)
        #expect(buffer.queuedBytes == expected.count)
        let outcome = withIOVecs { buffer.flush(fd: 7, syscalls: fake.syscalls, iovecs: $0) }
        #expect(outcome == .drained)
        #expect(fake.written(to: 7) == expected)
        #expect(buffer.queuedBytes == 0 && buffer.isEmpty && buffer.chunkCount == 0)
        #expect(fake.vectorCounts == [4])  // 1+7+64 coalesced, shared, large, 5 bytes
    }

    @Test func resumesCorrectlyAfterAShortWriteAtEveryByteBoundary() {
        var probe = OutboundBuffer()
        let total = fillMixed(&probe).count
        for boundary in 1..<total {
            let fake = FakeSystemCalls()
            var buffer = OutboundBuffer()
            let expected = fillMixed(&buffer)
            fake.script(writes: [.accept(boundary)])
            let first = withIOVecs { buffer.flush(fd: 3, syscalls: fake.syscalls, iovecs: $0) }
            #expect(first == .pending, "boundary \(boundary)")
            #expect(buffer.queuedBytes == total - boundary, "boundary \(boundary)")
            let second = withIOVecs { buffer.flush(fd: 3, syscalls: fake.syscalls, iovecs: $0) }
            #expect(second == .drained, "boundary \(boundary)")
            #expect(fake.written(to: 3) == expected, "boundary \(boundary)")
        }
    }

    @Test func survivesSeededRandomShortWrites() {
        let seed = testSeed()
        var random = SeededGenerator(seed: seed)
        for round in 0..<50 {
            let fake = FakeSystemCalls()
            var buffer = OutboundBuffer()
            var expected: [UInt8] = []
            for index in 0..<Int.random(in: 1...300, using: &random) {
                let piece = bytes(Int.random(in: 1...5000, using: &random), seed: UInt8(truncatingIfNeeded: index))
                if Bool.random(using: &random) { buffer.append(SharedBytes(piece)) } else { buffer.append(piece) }
                expected += piece
            }
            var flushes = 0
            while !buffer.isEmpty && flushes < 100_000 {
                flushes += 1
                fake.script(writes: [Bool.random(using: &random) ? .fail(.wouldBlock) : .accept(Int.random(in: 1...9000, using: &random))])
                let outcome = withIOVecs(Int.random(in: 1...16, using: &random)) {
                    buffer.flush(fd: 1, syscalls: fake.syscalls, iovecs: $0, maxWritevCalls: 1)
                }
                #expect(outcome != .failed(.wouldBlock), "seed \(seed) round \(round)")
            }
            #expect(buffer.isEmpty == true, "seed \(seed) round \(round)")
            #expect(fake.written(to: 1) == expected, "seed \(seed) round \(round)")
        }
    }

    @Test func eagainLeavesEverythingQueuedUntilWritable() {
        let fake = FakeSystemCalls()
        var buffer = OutboundBuffer()
        let expected = fillMixed(&buffer)
        fake.script(writes: [.fail(.wouldBlock)])
        let blocked = withIOVecs { buffer.flush(fd: 9, syscalls: fake.syscalls, iovecs: $0) }
        #expect(blocked == .pending)
        #expect(buffer.queuedBytes == expected.count)
        #expect(fake.written(to: 9).isEmpty)
        let writable = withIOVecs { buffer.flush(fd: 9, syscalls: fake.syscalls, iovecs: $0) }
        #expect(writable == .drained)
        #expect(fake.written(to: 9) == expected)
    }

    @Test func retriesInterruptedWritesWithinOneFlush() {
        let fake = FakeSystemCalls()
        var buffer = OutboundBuffer()
        let expected = fillMixed(&buffer)
        fake.script(writes: [.fail(.interrupted), .fail(.interrupted)])
        let outcome = withIOVecs { buffer.flush(fd: 2, syscalls: fake.syscalls, iovecs: $0) }
        #expect(outcome == .drained)
        #expect(fake.vectorCounts.count == 3)
        #expect(fake.written(to: 2) == expected)
    }

    @Test func endlessInterruptsStillEndTheFlush() {
        let fake = FakeSystemCalls()
        var buffer = OutboundBuffer()
        buffer.append([1, 2, 3])
        fake.script(writes: Array(repeating: .fail(.interrupted), count: 100))
        let outcome = withIOVecs { buffer.flush(fd: 2, syscalls: fake.syscalls, iovecs: $0, maxWritevCalls: 8) }
        #expect(outcome == .pending)
        #expect(fake.vectorCounts.count == 8)
    }

    @Test(arguments: [Errno.brokenPipe, Errno.connectionReset])
    func peerErrorsFailTheFlush(error: Errno) {
        let fake = FakeSystemCalls()
        var buffer = OutboundBuffer()
        buffer.append([1, 2, 3])
        fake.script(writes: [.fail(error)])
        let outcome = withIOVecs { buffer.flush(fd: 4, syscalls: fake.syscalls, iovecs: $0) }
        #expect(outcome == .failed(error))
        #expect(buffer.queuedBytes == 3)
    }

    @Test func gathersAtMostIOVMaxVectorsPerWritev() {
        let fake = FakeSystemCalls()
        var buffer = OutboundBuffer()
        var expected: [UInt8] = []
        for index in 0..<2500 {
            let piece = bytes(10, seed: UInt8(truncatingIfNeeded: index))
            buffer.append(SharedBytes(piece))
            expected += piece
        }
        #expect(buffer.chunkCount == 2500)
        let outcome = withIOVecs { buffer.flush(fd: 5, syscalls: fake.syscalls, iovecs: $0) }
        #expect(outcome == .drained)
        #expect(fake.vectorCounts == [1024, 1024, 452])
        #expect(fake.written(to: 5) == expected)
    }

    @Test func writevBudgetEndsAFlushWithBytesPending() {
        let fake = FakeSystemCalls()
        var buffer = OutboundBuffer()
        for _ in 0..<2500 { buffer.append(SharedBytes(bytes(10, seed: 0))) }
        let outcome = withIOVecs { buffer.flush(fd: 5, syscalls: fake.syscalls, iovecs: $0, maxWritevCalls: 2) }
        #expect(outcome == .pending)
        #expect(buffer.queuedBytes == 452 * 10)
        #expect(buffer.chunkCount == 452)
    }

    @Test func sharedBytesReachTwoConnectionsWithoutCopies() {
        let fake = FakeSystemCalls()
        let frame = SharedBytes(bytes(64, seed: 9))
        let frameAddress = frame.withUnsafeBytes { UInt(bitPattern: $0.baseAddress) }
        var first = OutboundBuffer()
        var second = OutboundBuffer()
        first.append(frame)
        second.append(frame)
        fake.script(writes: [.accept(10)])
        let partial = withIOVecs { first.flush(fd: 1, syscalls: fake.syscalls, iovecs: $0) }
        #expect(partial == .pending)
        let both = withIOVecs { first.flush(fd: 1, syscalls: fake.syscalls, iovecs: $0) }
        let other = withIOVecs { second.flush(fd: 2, syscalls: fake.syscalls, iovecs: $0) }
        #expect(both == .drained && other == .drained)
        #expect(fake.written(to: 1) == bytes(64, seed: 9))
        #expect(fake.written(to: 2) == bytes(64, seed: 9))
        // Each writev pointed into the shared storage itself (the resumed one 10 bytes in).
        #expect(fake.vectorBases == [frameAddress, frameAddress + 10, frameAddress])
    }

    @Test func smallWritesCoalesceIntoOneVector() {
        let fake = FakeSystemCalls()
        var buffer = OutboundBuffer()
        for index in 0..<100 { buffer.append(bytes(16, seed: UInt8(index))) }
        #expect(buffer.chunkCount == 1)
        #expect(buffer.queuedBytes == 1600)
        _ = withIOVecs { buffer.flush(fd: 1, syscalls: fake.syscalls, iovecs: $0) }
        #expect(fake.vectorCounts == [1])
    }

    @Test func reservedWritesLandInTheQueueDirectly() {
        let fake = FakeSystemCalls()
        var buffer = OutboundBuffer()
        buffer.append([1, 2])
        let written = buffer.append(reserving: 10) { space in
            for index in 0..<4 { space[index] = UInt8(10 + index) }
            return 4
        }
        #expect(written == 4)
        #expect(buffer.queuedBytes == 6 && buffer.chunkCount == 1)
        _ = withIOVecs { buffer.flush(fd: 1, syscalls: fake.syscalls, iovecs: $0) }
        #expect(fake.written(to: 1) == [1, 2, 10, 11, 12, 13])
    }

    @Test func watermarksSwitchWithHysteresis() {
        let fake = FakeSystemCalls()
        var buffer = OutboundBuffer(watermarks: WriteWatermarks(low: 100, high: 200))
        buffer.append(bytes(150, seed: 0))
        #expect(buffer.isAboveHighWatermark == false)
        buffer.append(SharedBytes(bytes(100, seed: 1)))
        #expect(buffer.isAboveHighWatermark && buffer.queuedBytes == 250)
        fake.script(writes: [.accept(100)])
        _ = withIOVecs { buffer.flush(fd: 1, syscalls: fake.syscalls, iovecs: $0) }
        #expect(buffer.queuedBytes == 150)
        #expect(buffer.isAboveHighWatermark == true, "between the watermarks the state does not change")
        fake.script(writes: [.accept(50)])
        _ = withIOVecs { buffer.flush(fd: 1, syscalls: fake.syscalls, iovecs: $0) }
        #expect(buffer.queuedBytes == 100)
        #expect(buffer.isAboveHighWatermark == false, "at the low watermark the connection is writable again")
    }

    @Test func removeAllDropsQueuedBytesAndResetsAccounting() {
        var buffer = OutboundBuffer(watermarks: WriteWatermarks(low: 1, high: 2))
        buffer.append([1, 2, 3, 4])
        #expect(buffer.isAboveHighWatermark == true)
        buffer.removeAll()
        #expect(buffer.queuedBytes == 0 && buffer.chunkCount == 0 && !buffer.isAboveHighWatermark)
    }
}
