// Names for what flows through the fan-out: spectator streams, priorities and message kinds.
import LeaderboardEngine

/// A spectator stream: the top K of one (board, window, scope).
public struct StreamKey: Hashable, Sendable {
    public var board: BoardIndex
    public var window: WindowKind
    public var scope: ScopeKey

    public init(board: BoardIndex, window: WindowKind, scope: ScopeKey) {
        self.board = board
        self.window = window
        self.scope = scope
    }
}

/// Outbound priority: lower raw value goes first.
public enum Priority: Int, Sendable, Comparable, CaseIterable {
    /// Control: pong, close, acks, errors.
    case p0 = 0
    /// Personal: rank, overtaken, top_entry, top_exit.
    case p1 = 1
    /// Social: friend overtakes.
    case p2 = 2
    /// Spectator: board diffs and snapshots (coalescible).
    case p3 = 3

    public static func < (a: Priority, b: Priority) -> Bool { a.rawValue < b.rawValue }
    public var label: String { "p\(rawValue)" }
}

/// The `type` of a server message (also the SSE `event:` name).
public enum MessageKind: UInt8, Sendable {
    case rank, overtaken, topEntry, topExit, board, snapshot, reset, error, pong, ack

    public var name: String {
        switch self {
        case .rank: "rank"
        case .overtaken: "overtaken"
        case .topEntry: "top_entry"
        case .topExit: "top_exit"
        case .board: "board"
        case .snapshot: "snapshot"
        case .reset: "reset"
        case .error: "error"
        case .pong: "pong"
        case .ack: "ack"
        }
    }
}
