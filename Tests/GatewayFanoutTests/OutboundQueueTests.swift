// The per-connection priority queue: order, accounting, coalescing of spectator diffs.
import Testing
import GatewayNet
@testable import GatewayFanout
import LeaderboardEngine

@Suite struct OutboundQueueTests {
    let body = SharedBytes(Array(repeating: 0x20, count: 100))
    let streamA = StreamKey(board: 0, window: .alltime, scope: .global)
    let streamB = StreamKey(board: 0, window: .daily, scope: .global)

    func item(_ p: Priority, _ seq: UInt64, stream: StreamKey? = nil, at: UInt64 = 0, kind: MessageKind = .board) -> OutboundQueue.Item {
        OutboundQueue.Item(bytes: body, range: 0..<body.count, kind: kind, priority: p, sequence: seq,
                           isPersonal: p == .p1 || p == .p2, stream: stream, enqueuedAt: at)
    }

    @Test func popsByPriorityThenArrival() {
        var q = OutboundQueue()
        q.push(item(.p3, 1, stream: streamA))
        q.push(item(.p1, 2))
        q.push(item(.p0, 3))
        q.push(item(.p2, 4))
        q.push(item(.p1, 5))
        var order: [UInt64] = []
        while let i = q.pop() { order.append(i.sequence) }
        #expect(order == [3, 2, 5, 4, 1])
        #expect(q.bytes == 0 && q.count == 0)
    }

    @Test func accountsBytesAndTheOldestPersonalMessage() {
        var q = OutboundQueue()
        q.push(item(.p3, 1, stream: streamA, at: 5))
        #expect(q.oldestPersonalEnqueuedAt == nil)
        q.push(item(.p2, 2, at: 9))
        q.push(item(.p1, 3, at: 12))
        #expect(q.oldestPersonalEnqueuedAt == 9)
        #expect(q.bytes == 3 * (100 + 48))
        _ = q.pop()
        #expect(q.oldestPersonalEnqueuedAt == 9)
    }

    @Test func coalescingReplacesEachStreamsDiffsByOneSnapshotAndKeepsPersonalMessages() {
        var q = OutboundQueue()
        for id in 1...5 { q.push(item(.p3, UInt64(id), stream: streamA)) }
        q.push(item(.p1, 100))
        for id in 1...3 { q.push(item(.p3, UInt64(id), stream: streamB)) }
        let snapshotA = FanoutBatch.Snapshot(bytes: SharedBytes(Array("\"type\":\"snapshot\"}".utf8)), eventID: 5)
        // Stream B has no snapshot yet: its diffs stay (they are not cumulative).
        let dropped = q.coalesceSpectators(latest: { $0 == streamA ? snapshotA : nil }, now: 1)
        #expect(dropped == 5)
        var items: [OutboundQueue.Item] = []
        while let i = q.pop() { items.append(i) }
        #expect(items.map(\.kind) == [.board, .snapshot, .board, .board, .board])
        #expect(items[0].sequence == 100)
        #expect(items[1].sequence == 5)
        #expect(items.dropFirst(2).map(\.sequence) == [1, 2, 3])
    }

    @Test func aSnapshotOlderThanQueuedDiffsDoesNotReplaceThem() {
        var q = OutboundQueue()
        q.push(item(.p3, 7, stream: streamA))
        let stale = FanoutBatch.Snapshot(bytes: SharedBytes([0x7D]), eventID: 6)
        #expect(q.coalesceSpectators(latest: { _ in stale }, now: 1) == 0)
        #expect(q.pop()?.sequence == 7)
    }

    @Test func longQueuesStayCorrectAcrossCompaction() {
        var q = OutboundQueue()
        for i in 0..<1000 { q.push(item(.p1, UInt64(i))) }
        var got: [UInt64] = []
        for _ in 0..<600 { got.append(q.pop()!.sequence) }
        for i in 1000..<1100 { q.push(item(.p1, UInt64(i))) }
        while let i = q.pop() { got.append(i.sequence) }
        #expect(got == (0..<1100).map(UInt64.init))
    }
}
