// What WAL recovery found and did: replay counts, the last intact seq, and where (file, offset)
// and why replay stopped early, so the caller can log one precise line.

/// Why replay stopped before the physical end of the log. Offsets refer to `TruncatedTail.offset`.
public enum TailDamage: Error, Sendable, Equatable {
    /// Fewer than 24 bytes where a segment header should be.
    case shortSegmentHeader(bytes: Int)
    /// Wrong magic or header checksum.
    case badSegmentHeader
    case unsupportedVersion(UInt32)
    /// The segment header's first seq differs from its file name or does not continue the previous segment.
    case segmentSeqMismatch(expected: UInt64, found: UInt64)
    /// Fewer than 16 bytes where a record header should be (a torn append).
    case shortRecordHeader(bytes: Int)
    /// The header announces more payload than the file holds (a torn append).
    case shortPayload(declared: Int, available: Int)
    /// The length field exceeds `Configuration.maxRecordBytes` (a corrupt header).
    case lengthTooLarge(length: UInt32, limit: Int)
    case checksumMismatch(stored: UInt32, computed: UInt32)
    /// The record's seq is not the previous one + 1.
    case sequenceGap(expected: UInt64, found: UInt64)
}

/// Where replay stopped and what was cut away.
public struct TruncatedTail: Sendable, Equatable {
    /// Path of the segment holding the first bad record.
    public let segment: String
    /// Byte offset of the first bad record in `segment`; the file was truncated to this size
    /// (offset 0 with a header damage: the segment was deleted instead, and is listed in
    /// `deletedSegments`).
    public let offset: Int64
    public let damage: TailDamage
    /// Bytes cut from `segment` (from `offset` to its former end).
    public let discardedBytes: Int64
    /// Segments deleted: those after the damage (and the damaged one if its header was bad).
    public let deletedSegments: [String]
}

/// Progress of a long replay, reported every `Configuration.progressIntervalBytes`.
public struct ReplayProgress: Sendable, Equatable {
    public let bytesScanned: Int64
    /// Bytes of all segments that recovery reads (skipped covered segments excluded).
    public let totalBytes: Int64
    public let recordsReplayed: Int
    public let segment: String
}

/// The outcome of `WriteAheadLog.openAndRecover`.
public struct RecoveryReport: Sendable, Equatable {
    /// Segments read record by record.
    public var segmentsScanned = 0
    /// Older segments not read at all: a later segment starts at or before `replayAfter + 1`,
    /// so all their records are covered by the snapshot.
    public var segmentsSkipped = 0
    /// Records handed to the replay handler (those with seq > `replayAfter`).
    public var recordsReplayed = 0
    /// Intact records with seq <= `replayAfter`, not handed to the handler.
    public var recordsSkipped = 0
    /// Bytes read and parsed (headers and payloads of scanned segments).
    public var bytesScanned: Int64 = 0
    /// Seq of the last intact record (0 if the log is empty). Appends continue at `lastSeq + 1`,
    /// or at `replayAfter + 1` if the snapshot is ahead of the log.
    public var lastSeq: UInt64 = 0
    /// Set when replay stopped at a torn or corrupt record; nil when the log ended cleanly.
    public var truncation: TruncatedTail?
    /// Segments deleted because a snapshot (seq `replayAfter`) covers the whole log and is ahead
    /// of it; appends then restart at `replayAfter + 1`.
    public var removedCoveredSegments: [String] = []

    public init() {}
}
