// One-line, human-readable forms of the snapshot and close reports for the gateway's log
// (instead of Swift's struct dumps).

extension EngineSnapshotReport: CustomStringConvertible {
    public var description: String {
        let file = path.split(separator: "/").last.map(String.init) ?? path
        var text = "\(file) at seq \(seq): \(members) members, \(payloadBytes) B; export \(Self.millis(exportNanoseconds)) ms, "
            + "write \(Self.millis(writeNanoseconds)) ms; removed \(deletedSnapshots.count) old snapshots and "
            + "\(removedSegments.count) log segments"
        if let segmentRemovalError { text += " (removing segments failed: \(segmentRemovalError); retried later)" }
        return text
    }

    /// Nanoseconds as milliseconds with one decimal.
    static func millis(_ nanoseconds: UInt64) -> String {
        let tenths = (nanoseconds + 50_000) / 100_000
        return "\(tenths / 10).\(tenths % 10)"
    }
}

extension SnapshotOutcome: CustomStringConvertible {
    public var description: String {
        switch self {
        case let .committed(report): "committed \(report)"
        case let .failed(seq, error): "failed at seq \(seq): \(error)"
        }
    }
}

extension EngineStoreCloseReport: CustomStringConvertible {
    public var description: String {
        "last durable seq \(lastSeq); final snapshot: \(finalSnapshot.map { "\($0)" } ?? "none needed")"
    }
}
