// What `EngineStore.recover` found and did: the snapshot used and those passed over, the WAL
// replay (records, operations, the truncated tail to log), and how long each phase took.

/// Why a snapshot file was not used at recovery.
public enum SnapshotRejection: Sendable, Equatable {
    /// The container failed verification (torn, bad checksum, …).
    case defect(SnapshotDefect)
    /// The payload verified but is of a format version this build cannot read.
    case unsupportedFormat(version: UInt32)
    /// The payload verified but did not decode or is inconsistent.
    case undecodable(EngineCodecError)
}

/// A snapshot passed over at recovery. It is renamed to `quarantinedAs` (`<name>.corrupt`) so
/// that retention never counts it as a fallback again; the bytes are kept for inspection.
public struct SkippedEngineSnapshot: Sendable, Equatable {
    public let path: String
    public let reason: SnapshotRejection
    /// The new name, or nil if the rename failed (the file then stays and is skipped again).
    public let quarantinedAs: String?
}

/// The snapshot recovery started from.
public struct UsedSnapshot: Sendable, Equatable {
    public let path: String
    /// Last WAL seq it covers.
    public let seq: UInt64
    public let payloadBytes: Int
    /// Ranked-set members over all boards and windows.
    public let members: Int
}

/// Progress of a long recovery, reported every `Configuration.progressEveryRecords` records and
/// every `progressEveryBytes` bytes of log scanned.
public struct EngineRecoveryProgress: Sendable, Equatable {
    public let recordsReplayed: Int
    public let operationsReplayed: Int
    public let bytesScanned: Int64
    /// Bytes of the segments replay reads (a bound for a progress bar).
    public let totalBytes: Int64
}

/// The outcome of `EngineStore.recover`.
public struct EngineRecoveryReport: Sendable, Equatable {
    /// The snapshot restored, or nil (started from an empty engine).
    public var snapshot: UsedSnapshot?
    /// Newer snapshots passed over, newest first (fallback happened if non-empty).
    public var skippedSnapshots: [SkippedEngineSnapshot] = []
    /// Temporary files of interrupted snapshot writes, deleted.
    public var removedTemporaryFiles: [String] = []
    /// The WAL's own report: records replayed and skipped, last seq, and `truncation` (segment
    /// path + byte offset of the first torn or corrupt record) which the caller should log.
    public var log = RecoveryReport()
    /// Operations performed while replaying the log, and the score events among them.
    public var operationsReplayed = 0
    public var eventsReplayed = 0
    /// Reading + verifying + decoding the snapshot; restoring it into the engine; replaying the log.
    public var snapshotLoadNanoseconds: UInt64 = 0
    public var restoreNanoseconds: UInt64 = 0
    public var replayNanoseconds: UInt64 = 0
    /// From the call to the engine being ready.
    public var totalNanoseconds: UInt64 = 0

    public init() {}

    /// One log line: what was loaded and replayed, how long it took, and any damage found.
    public var summary: String {
        var parts: [String] = []
        if let snapshot {
            parts.append("snapshot seq \(snapshot.seq) (\(snapshot.members) members, \(snapshot.payloadBytes) bytes)")
        } else {
            parts.append("no snapshot")
        }
        for skipped in skippedSnapshots { parts.append("skipped \(skipped.path): \(skipped.reason)") }
        parts.append("replayed \(log.recordsReplayed) records / \(operationsReplayed) operations / \(eventsReplayed) events")
        parts.append("last seq \(log.lastSeq)")
        if let cut = log.truncation {
            parts.append("log truncated at \(cut.segment) offset \(cut.offset) (\(cut.damage), \(cut.discardedBytes) bytes cut)")
        }
        parts.append("ready in \(totalNanoseconds / 1_000_000) ms")
        return parts.joined(separator: "; ")
    }
}
