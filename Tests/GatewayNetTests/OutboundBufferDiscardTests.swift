// OutboundBuffer.discardUnstartedMessages: after a short write at any byte, the stream keeps the
// message being written whole, drops the messages not started, and what is appended next (a
// close frame) follows right after — the stream stays well formed.
import Glibc
import Testing
@testable import GatewayNet

@Suite struct OutboundBufferDiscardTests {
    /// Five messages (owned header, shared body slice, owned suffix); returns each message's bytes.
    private func fill(_ buffer: inout OutboundBuffer, body: SharedBytes) -> [[UInt8]] {
        var messages: [[UInt8]] = []
        for i in 0..<5 {
            let header: [UInt8] = [0x81, UInt8(10 + i)]
            let suffix: [UInt8] = [0x0A, UInt8(i)]
            buffer.beginMessage()
            buffer.append(header)
            buffer.append(body, range: i * 10..<i * 10 + 30)
            buffer.append(suffix)
            messages.append(header + Array(body.withUnsafeBytes { Array($0[i * 10..<i * 10 + 30]) }) + suffix)
        }
        return messages
    }

    private func flush(_ buffer: inout OutboundBuffer, _ fake: FakeSystemCalls) -> FlushOutcome {
        let vectors = UnsafeMutableBufferPointer<iovec>.allocate(capacity: maxIOVectors)
        defer { vectors.deallocate() }
        return buffer.flush(fd: 3, syscalls: fake.syscalls, iovecs: vectors)
    }

    @Test func keepsTheMessageBeingWrittenAndDropsTheRestAtEveryByte() {
        let body = SharedBytes((0..<100).map { UInt8($0) })
        let close: [UInt8] = [0x88, 0x02, 0x03, 0xF5]
        var probe = OutboundBuffer()
        let messages = fill(&probe, body: body)
        let total = messages.reduce(0) { $0 + $1.count }
        for written in 1...total {
            let fake = FakeSystemCalls()
            var buffer = OutboundBuffer()
            _ = fill(&buffer, body: body)
            fake.script(writes: [.accept(written)])
            _ = flush(&buffer, fake)
            let dropped = buffer.discardUnstartedMessages()
            buffer.beginMessage()
            buffer.append(close)
            let outcome = flush(&buffer, fake)
            #expect(outcome == .drained, "written \(written)")
            // Whole messages up to the one the short write stopped in, then the close frame.
            var kept: [UInt8] = []
            for m in messages where kept.count < written { kept += m }
            #expect(fake.written(to: 3) == kept + close, "written \(written)")
            #expect(dropped == total - kept.count, "written \(written)")
        }
    }

    @Test func nothingWrittenYetDropsEverything() {
        var buffer = OutboundBuffer()
        let messages = fill(&buffer, body: SharedBytes(Array(repeating: 7, count: 100)))
        let dropped = buffer.discardUnstartedMessages()
        let empty = buffer.isEmpty && buffer.chunkCount == 0 && !buffer.isAboveHighWatermark
        #expect(dropped == messages.reduce(0) { $0 + $1.count })
        #expect(empty)
    }

    @Test func bytesAppendedWithoutAMessageStartStayWithTheMessageBefore() {
        let fake = FakeSystemCalls()
        var buffer = OutboundBuffer()
        buffer.beginMessage()
        buffer.append([1, 2, 3, 4])
        buffer.append([9, 9])          // no beginMessage: part of the first message
        buffer.beginMessage()
        buffer.append([5, 6, 7, 8])
        fake.script(writes: [.accept(2)])
        _ = flush(&buffer, fake)
        let dropped = buffer.discardUnstartedMessages()
        let outcome = flush(&buffer, fake)
        #expect(dropped == 4)
        #expect(outcome == .drained)
        #expect(fake.written(to: 3) == [1, 2, 3, 4, 9, 9])
    }

    @Test func droppingBelowTheLowWatermarkMakesTheBufferWritableAgain() {
        var buffer = OutboundBuffer(watermarks: WriteWatermarks(low: 100, high: 1000))
        for _ in 0..<20 {
            buffer.beginMessage()
            buffer.append(Array(repeating: 1, count: 100))
        }
        let above = buffer.isAboveHighWatermark
        buffer.discardUnstartedMessages()
        let writable = !buffer.isAboveHighWatermark && buffer.queuedBytes == 0
        #expect(above)
        #expect(writable)
    }
}
