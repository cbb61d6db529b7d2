// The log forms of the snapshot and close reports: one readable line with the facts.
import Testing
@testable import LeaderboardStorage

@Suite struct EngineSnapshotReportDescriptionTests {
    let report = EngineSnapshotReport(path: "/var/lib/overtake/snapshot-0000000000000042.snap", seq: 42, payloadBytes: 1234,
                                      members: 17, exportNanoseconds: 1_250_000, writeNanoseconds: 40_000,
                                      deletedSnapshots: ["a"], removedSegments: ["b", "c"], segmentRemovalError: nil)

    @Test func aCommittedSnapshotReadsAsOneLine() {
        #expect("\(SnapshotOutcome.committed(report))"
            == "committed snapshot-0000000000000042.snap at seq 42: 17 members, 1234 B; export 1.3 ms, write 0.0 ms; "
            + "removed 1 old snapshots and 2 log segments")
    }

    @Test func theCloseReportNamesTheLastSeqAndTheFinalSnapshot() {
        #expect("\(EngineStoreCloseReport(lastSeq: 7, finalSnapshot: nil))" == "last durable seq 7; final snapshot: none needed")
        #expect("\(EngineStoreCloseReport(lastSeq: 42, finalSnapshot: .committed(report)))".hasPrefix(
            "last durable seq 42; final snapshot: committed snapshot-0000000000000042.snap at seq 42"))
    }

    @Test func millisecondsRoundToOneDecimal() {
        #expect(EngineSnapshotReport.millis(0) == "0.0")
        #expect(EngineSnapshotReport.millis(149_999) == "0.1")
        #expect(EngineSnapshotReport.millis(12_345_678) == "12.3")
    }
}
