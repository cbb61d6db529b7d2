// What the coordinator's snapshots did: whether one started, how it ended (committed with its
// figures, or failed — never fatal), and what `close` did.

/// The answer of `EngineStore.beginSnapshot` / `snapshotIfDue`.
public enum SnapshotStart: Sendable, Equatable {
    /// Exported on the calling thread; written in the background. Covers WAL seq `seq`.
    case started(seq: UInt64)
    /// Another snapshot is still being written (never two at once).
    case alreadyRunning
    /// No record was logged since the last snapshot (covering `seq`).
    case upToDate(seq: UInt64)
    /// Not due yet (`snapshotIfDue` only).
    case notDue
    /// The log failed (a write or fsync) or refused a record: the engine may hold operations that
    /// were answered with an error, and a snapshot would make them durable; restart and recover.
    case refused(StorageError)
}

/// A committed snapshot.
public struct EngineSnapshotReport: Sendable, Equatable {
    public let path: String
    public let seq: UInt64
    public let payloadBytes: UInt64
    public let members: Int
    /// `engine.snapshot()` on the engine thread (the pause the engine saw).
    public let exportNanoseconds: UInt64
    /// Encode + write + fsync + rename on the snapshot thread.
    public let writeNanoseconds: UInt64
    /// Older snapshots deleted by retention.
    public let deletedSnapshots: [String]
    /// WAL segments deleted because the oldest retained snapshot covers them.
    public let removedSegments: [String]
    /// Set if removing segments failed (harmless: they are removed by a later snapshot).
    public let segmentRemovalError: StorageError?
}

/// How a snapshot ended.
public enum SnapshotOutcome: Sendable, Equatable {
    case committed(EngineSnapshotReport)
    /// Writing failed (e.g. ENOSPC); the temporary file was removed and the log is untouched.
    case failed(seq: UInt64, error: StorageError)
}

/// What `EngineStore.close` did.
public struct EngineStoreCloseReport: Sendable, Equatable {
    /// Seq of the last record made durable.
    public let lastSeq: UInt64
    /// The final snapshot: `.committed`, `.failed`, or nil when none was needed (no record since
    /// the last snapshot) or allowed (see `SnapshotStart.refused`).
    public let finalSnapshot: SnapshotOutcome?
}
