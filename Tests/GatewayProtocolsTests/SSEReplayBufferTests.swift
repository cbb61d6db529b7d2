// SSEReplayBuffer: exact replay after an id, gaps (too old, unknown, future), eviction by count
// and by bytes, wrap-around, and the boundary id just before the oldest held event.
import Testing
@testable import GatewayProtocols

struct SSEReplayBufferTests {
    private static func entry(_ id: UInt64, size: Int = 1) -> SSEReplayBuffer.Entry {
        SSEReplayBuffer.Entry(id: id, bytes: [UInt8](repeating: UInt8(truncatingIfNeeded: id), count: size))
    }

    private static func filled(_ ids: [UInt64], maxEvents: Int = 100, maxBytes: Int = 1 << 20, size: Int = 1) -> SSEReplayBuffer {
        var buffer = SSEReplayBuffer(maxEvents: maxEvents, maxBytes: maxBytes)
        for id in ids { buffer.append(id: id, bytes: entry(id, size: size).bytes) }
        return buffer
    }

    @Test func emptyBufferHasNoIdsAndEveryResumeIsAGap() {
        let buffer = SSEReplayBuffer(maxEvents: 4, maxBytes: 100)
        #expect(buffer.oldestID == nil)
        #expect(buffer.newestID == nil)
        #expect(buffer.replay(after: 0) == .gap)
    }

    @Test func replaysExactlyTheEventsAfterTheGivenId() {
        let buffer = Self.filled([10, 11, 12, 13])
        #expect(buffer.replay(after: 10) == .events([Self.entry(11), Self.entry(12), Self.entry(13)]))
        #expect(buffer.replay(after: 12) == .events([Self.entry(13)]))
        #expect(buffer.replay(after: 13) == .events([]), "up to date")
    }

    @Test func unknownFutureAndTooOldIdsAreGaps() {
        let buffer = Self.filled([10, 20, 30])
        #expect(buffer.replay(after: 15) == .gap, "never issued")
        #expect(buffer.replay(after: 31) == .gap, "in the future")
        #expect(buffer.replay(after: 5) == .gap, "older than anything held")
    }

    @Test func evictsByCountAndWrapsAround() {
        let buffer = Self.filled(Array(1...10), maxEvents: 4)
        #expect(buffer.count == 4)
        #expect(buffer.oldestID == 7)
        #expect(buffer.newestID == 10)
        #expect(buffer.replay(after: 8) == .events([Self.entry(9), Self.entry(10)]))
        #expect(buffer.replay(after: 5) == .gap)
    }

    @Test func resumingFromTheLastEvictedIdIsNotAGap() {
        // 6 is gone but everything after it is still held: an exact boundary, not a gap.
        let buffer = Self.filled(Array(1...10), maxEvents: 4)
        #expect(buffer.replay(after: 6) == .events([7, 8, 9, 10].map { Self.entry($0) }))
    }

    @Test func evictsByBytes() {
        var buffer = SSEReplayBuffer(maxEvents: 100, maxBytes: 10)
        buffer.append(id: 1, bytes: Self.entry(1, size: 4).bytes)
        buffer.append(id: 2, bytes: Self.entry(2, size: 4).bytes)
        #expect(buffer.byteCount == 8)
        buffer.append(id: 3, bytes: Self.entry(3, size: 2).bytes)  // exactly 10: nothing evicted
        #expect(buffer.count == 3)
        #expect(buffer.byteCount == 10)
        buffer.append(id: 4, bytes: Self.entry(4, size: 3).bytes)  // 13 → evict 1 → 9
        #expect(buffer.oldestID == 2)
        #expect(buffer.byteCount == 9)
        #expect(buffer.replay(after: 1) == .events([Self.entry(2, size: 4), Self.entry(3, size: 2), Self.entry(4, size: 3)]))
    }

    @Test func eventLargerThanTheByteLimitIsNotHeld() {
        var buffer = Self.filled([1, 2], maxBytes: 10, size: 2)
        buffer.append(id: 3, bytes: [UInt8](repeating: 0, count: 11))
        #expect(buffer.count == 0)
        #expect(buffer.replay(after: 3) == .events([]), "a client that saw it is up to date")
        #expect(buffer.replay(after: 2) == .gap)
        buffer.append(id: 4, bytes: [4])
        #expect(buffer.replay(after: 3) == .events([SSEReplayBuffer.Entry(id: 4, bytes: [4])]))
    }

    @Test func matchesAReferenceModelUnderRandomAppends() {
        let seed: UInt64 = 0x2E9_1A7
        var random = WebSocketTestRandom(seed: seed)
        var buffer = SSEReplayBuffer(maxEvents: 7, maxBytes: 40)
        var model: [SSEReplayBuffer.Entry] = []
        var evictedNewest: UInt64?
        var nextID: UInt64 = 1
        for step in 0..<2_000 {
            nextID += UInt64.random(in: 1...3, using: &random)
            let entry = SSEReplayBuffer.Entry(id: nextID, bytes: random.bytes(Int.random(in: 0...12, using: &random)))
            buffer.append(id: entry.id, bytes: entry.bytes)
            model.append(entry)
            while model.count > 7 || model.reduce(0, { $0 + $1.bytes.count }) > 40 {
                evictedNewest = model.removeFirst().id
            }
            let probe = nextID - UInt64.random(in: 0...30, using: &random).clamped(to: nextID)
            let expected: SSEReplayBuffer.ReplayResult
            if let index = model.firstIndex(where: { $0.id == probe }) {
                expected = .events(Array(model[(index + 1)...]))
            } else if probe == evictedNewest {
                expected = .events(model)
            } else {
                expected = .gap
            }
            #expect(buffer.replay(after: probe) == expected, "seed \(seed) step \(step) probe \(probe)")
            #expect(buffer.oldestID == model.first?.id && buffer.newestID == model.last?.id, "seed \(seed) step \(step)")
        }
    }
}

extension UInt64 {
    fileprivate func clamped(to limit: UInt64) -> UInt64 { Swift.min(self, limit) }
}
