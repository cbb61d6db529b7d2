// The per-player resume ring: bounded by count and bytes, oldest dropped first, in order.
import Testing
@testable import Gateway
import GatewayFanout

@Suite struct ResumeBufferTests {
    func message(_ pseq: UInt64, bytes: Int = 10) -> ResumeBuffer.Message {
        .init(pseq: pseq, kind: .rank, priority: .p1, body: Array(repeating: 0x20, count: bytes))
    }

    @Test func keepsTheNewestWithinTheCountLimitInOrder() {
        var b = ResumeBuffer()
        for p in 1...1000 { b.append(message(UInt64(p)), maxCount: 64, maxBytes: 1 << 20) }
        #expect(b.count == 64)
        #expect(b.oldestPseq == 937)
        #expect(b.messages(after: 990).map(\.pseq) == Array(991...1000))
        #expect(b.messages(after: 0).map(\.pseq) == Array(937...1000))
    }

    @Test func dropsOldestToStayWithinTheByteLimit() {
        var b = ResumeBuffer()
        for p in 1...50 { b.append(message(UInt64(p), bytes: 100), maxCount: 1000, maxBytes: 1000) }
        #expect(b.bytes <= 1000)
        #expect(b.count == 10)
        #expect(b.oldestPseq == 41)
        b.append(message(51, bytes: 5000), maxCount: 1000, maxBytes: 1000)   // larger than the limit: not kept
        #expect(b.messages(after: 50).isEmpty)
    }
}
