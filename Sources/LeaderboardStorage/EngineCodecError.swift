// Why bytes did not decode as engine operations (WAL payloads) or as an engine snapshot. Every case
// names the byte offset (0-based, from the start of the payload) where the bad value starts.
import LeaderboardEngine

/// A value of an engine encoding whose code is outside its enumeration.
public enum EngineCodedField: String, Sendable, Equatable {
    case operationTag, eventFlags, playerFlags, scoreOrder, scoreOperator, window, weekday, scopes
    case boolean
}

/// A decoding failure of `EngineOperationCodec` or `EngineSnapshotCodec`. Decoding never traps:
/// garbage, truncation and lies in counts all end here.
public enum EngineCodecError: Error, Sendable, Equatable {
    /// The first byte names a format version this build cannot read.
    case unsupportedVersion(found: UInt32, supported: UInt32)
    /// A primitive read failed (truncated value, overlong varint, invalid UTF-8, bad length).
    case malformed(ByteReaderError)
    /// An enumeration code outside its range (an unknown operation tag, a reserved flag bit, …).
    case invalidCode(field: EngineCodedField, value: UInt64, offset: Int)
    /// A count that cannot be right: more elements than the remaining bytes could encode, or above
    /// a hard limit of the engine (e.g. more than `UInt32.max - 1` players).
    case implausibleCount(count: UInt64, limit: UInt64, offset: Int)
    /// An integer that does not fit its field (e.g. a rank or depth above `Int.max`).
    case valueOutOfRange(value: UInt64, offset: Int)
    /// An event says "same board as the previous event" but is the first of its operation.
    case boardRepeatWithoutPrevious(offset: Int)
    /// Bytes left over after a complete value.
    case trailingBytes(count: Int, offset: Int)
    /// A decoded snapshot violates an invariant that `LeaderboardEngine.restore` relies on.
    case inconsistentSnapshot(SnapshotInconsistency)
}

/// The invariant an otherwise well-formed snapshot breaks (restoring it would corrupt the engine).
public enum SnapshotInconsistency: Sendable, Equatable {
    /// A player index `player` where only `0..<playerCount` exist.
    case playerOutOfRange(player: UInt64, playerCount: Int, offset: Int)
    /// A region index above the number of regions.
    case regionOutOfRange(region: UInt64, regionCount: Int, offset: Int)
    /// Two regions with the same name.
    case duplicateRegion(String)
    /// Name bytes do not add up: the lengths sum to `declared`, the block holds `actual`.
    case nameBytesMismatch(declared: UInt64, actual: UInt64)
    /// A friend pair that is not (a, b) with a < b.
    case invalidFriendPair(a: UInt64, b: UInt64, offset: Int)
    /// Two boards with the same id.
    case duplicateBoard(String)
    /// A board definition the engine would refuse.
    case invalidBoardDefinition(board: String, problem: String)
    /// A board's windows differ from the windows its definition lists (missing, extra or reordered).
    case windowsDoNotMatchDefinition(board: String)
    /// Members of a window are not in strictly increasing rank order (score, then seq).
    case rankOrderViolated(board: String, window: WindowKind, offset: Int)
    /// A player appears twice in one window.
    case duplicateMember(board: String, window: WindowKind, player: UInt32)
    /// A member's achievement seq is not below the snapshot's `nextSeq`.
    case seqNotBelowNext(seq: UInt64, nextSeq: UInt64, offset: Int)
}
