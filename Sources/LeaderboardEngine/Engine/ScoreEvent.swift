// A score event as the engine receives it, and what happened to it.

/// One score submission. `at` is the Unix time in milliseconds the score was achieved (it picks
/// the window periods); when nil the batch time is used.
public struct ScoreEvent: Sendable, Equatable {
    public var board: String
    public var player: String
    public var score: Int64
    public var eventID: String?
    public var region: String?
    public var at: Int64?

    public init(board: String, player: String, score: Int64, eventID: String? = nil,
                region: String? = nil, at: Int64? = nil) {
        self.board = board
        self.player = player
        self.score = score
        self.eventID = eventID
        self.region = region
        self.at = at
    }
}

/// Why an event was not applied.
public enum RejectReason: Equatable, Sendable, CustomStringConvertible {
    case unknownBoard(String)
    case invalidPlayer(IdentifierProblem)
    case invalidRegion(IdentifierProblem)
    case invalidEventID(IdentifierProblem)
    case scoreOutOfRange(min: Int64, max: Int64)
    case scoreOverflow
    case timeInFuture(aheadMillis: Int64)

    public var code: String {
        switch self {
        case .unknownBoard: "unknown_board"
        case .invalidPlayer: "invalid_player"
        case .invalidRegion: "invalid_region"
        case .invalidEventID: "invalid_event_id"
        case .scoreOutOfRange: "score_out_of_range"
        case .scoreOverflow: "score_overflow"
        case .timeInFuture: "time_in_future"
        }
    }

    public var description: String {
        switch self {
        case let .unknownBoard(id): "no board '\(id)'"
        case let .invalidPlayer(p): "player \(p)"
        case let .invalidRegion(p): "region \(p)"
        case let .invalidEventID(p): "event_id \(p)"
        case let .scoreOutOfRange(lo, hi): "score must be between \(lo) and \(hi)"
        case .scoreOverflow: "the total would overflow a 64-bit integer"
        case let .timeInFuture(ahead): "at is \(ahead) ms in the future"
        }
    }
}

/// The rank change of an accepted event in one (window, scope). Ranks are 1-based.
public struct WindowChange: Equatable, Sendable {
    public var window: WindowKind
    /// Start of the period (Unix ms; `Int64.min` for all-time).
    public var periodStart: Int64
    public var scope: ScopeKey
    public var oldRank: Int?
    public var newRank: Int
    public var oldScore: Int64?
    public var newScore: Int64

    public init(window: WindowKind, periodStart: Int64, scope: ScopeKey, oldRank: Int?, newRank: Int,
                oldScore: Int64?, newScore: Int64) {
        self.window = window
        self.periodStart = periodStart
        self.scope = scope
        self.oldRank = oldRank
        self.newRank = newRank
        self.oldScore = oldScore
        self.newScore = newScore
    }
}

/// Outcome of one event. Changes live in the batch's flat `changes` array (no array per event).
public struct EventResult: Equatable, Sendable {
    public enum Status: Equatable, Sendable {
        case accepted
        /// Seen before within the idempotency window: not applied again; `changes` repeats the
        /// original answer.
        case duplicate
        case rejected(RejectReason)
    }

    public var status: Status
    /// Range of this event's entries in `BatchOutcome.changes`.
    public var changes: Range<Int>
    /// Windows whose event period had already been archived (the event counted elsewhere).
    public var lateWindows: [WindowKind]

    public init(status: Status, changes: Range<Int>, lateWindows: [WindowKind] = []) {
        self.status = status
        self.changes = changes
        self.lateWindows = lateWindows
    }
}
