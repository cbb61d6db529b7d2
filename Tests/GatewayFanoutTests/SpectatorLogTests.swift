// The per-loop log of a spectator stream's recent diffs: readers take what follows their cursor,
// and learn when the log already dropped part of it (they need a snapshot then).
import Testing
import GatewayNet
@testable import GatewayFanout
import LeaderboardEngine

@Suite struct SpectatorLogTests {
    let body = SharedBytes(Array(repeating: 0x20, count: 10))
    let stream = StreamKey(board: 0, window: .alltime, scope: .global)

    func makeLog(capacity: Int) -> SpectatorLog { SpectatorLog(stream: stream, capacity: capacity) }

    /// Appends a diff with id `sequence`.
    func add(_ log: SpectatorLog, _ sequence: UInt64) {
        log.append(sequence: sequence, copying: body, range: 0..<body.count, kind: .board, enqueuedAt: sequence)
    }

    @Test func readersTakeTheEntriesAfterTheirCursorInOrder() {
        let log = makeLog(capacity: 8)
        #expect(log.newest == 0 && log.entries(after: 0)?.isEmpty == true)
        for s in UInt64(101)...105 { add(log, s) }
        #expect(log.newest == 105 && log.count == 5)
        #expect(log.entries(after: 100)?.map(\.sequence) == [101, 102, 103, 104, 105])
        #expect(log.entries(after: 103)?.map(\.sequence) == [104, 105])
        #expect(log.entries(after: 105)?.isEmpty == true)
        // A cursor from before the stream's first kept entry, with nothing dropped yet, is fine.
        #expect(log.entries(after: 7)?.count == 5)
    }

    @Test func entriesBeyondTheCapacityAreDroppedAndReadersBehindThemAreTold() {
        let log = makeLog(capacity: 8)
        for s in UInt64(1)...20 { add(log, s) }
        #expect(log.count == 8 && log.droppedThrough == 12)
        #expect(log.entries(after: 11) == nil, "entry 12 is gone")
        #expect(log.entries(after: 12)?.map(\.sequence) == Array(13...20))
        #expect(log.entries(after: 17)?.map(\.sequence) == [18, 19, 20])
    }

    @Test func aLongRunKeepsExactlyTheNewestEntries() {
        let log = makeLog(capacity: 5)
        for s in UInt64(1)...1_003 {
            add(log, s)
            let kept = log.entries(after: log.droppedThrough)?.map(\.sequence) ?? []
            #expect(kept == Array((s > 4 ? s - 4 : 1)...s), "after \(s)")
        }
    }

    @Test func appendedDiffsAreCopiesOfTheirRangeNotTheWholeTickBuffer() {
        let tick = SharedBytes(Array("personal…{\"type\":\"board\"}…more personal".utf8))
        let range = 12..<30
        let log = makeLog(capacity: 4)
        log.append(sequence: 9, copying: tick, range: range, kind: .board, enqueuedAt: 1)
        let kept = log.entries(after: 0)?.first
        #expect(kept?.bytes !== tick, "the log must not keep the tick's buffer alive")
        #expect(kept?.range == 0..<range.count)
        #expect(kept?.stream == stream && kept?.priority == .p3 && kept?.sequence == 9)
        let body = kept?.bytes.withUnsafeBytes { Array($0) }
        #expect(body == tick.withUnsafeBytes { Array($0[range]) })
    }

    @Test func staleOrRepeatedEntriesAreIgnored() {
        let log = makeLog(capacity: 2)
        add(log, 5)
        add(log, 5)
        add(log, 4)
        #expect(log.count == 1)
        add(log, 6)
        add(log, 7)
        add(log, 3)
        #expect(log.entries(after: log.droppedThrough)?.map(\.sequence) == [6, 7])
    }
}
