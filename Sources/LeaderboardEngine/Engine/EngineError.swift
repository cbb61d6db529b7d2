// Errors of engine operations (definitions, players, friends, queries). Score events are not
// errors: each is accepted or rejected with a `RejectReason`.

public enum EngineError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A field of a request is invalid: (field name, what was expected).
    case invalidField(String, String)
    case unknownBoard(String)
    case unknownPlayer(String)
    case unknownWindow(board: String, window: String)
    case unknownPeriod(String)
    case scopeNotEnabled(board: String, scope: String)
    case immutableField(board: String, field: String)
    case friendLimit(player: String, limit: Int)
    case invalidCursor

    public var description: String {
        switch self {
        case let .invalidField(field, message): "\(field): \(message)"
        case let .unknownBoard(id): "no board '\(id)'"
        case let .unknownPlayer(id): "no player '\(id)'"
        case let .unknownWindow(board, window): "board '\(board)' has no window '\(window)'"
        case let .unknownPeriod(label): "no archived period '\(label)'"
        case let .scopeNotEnabled(board, scope): "board '\(board)' does not rank by \(scope)"
        case let .immutableField(board, field): "board '\(board)': \(field) cannot change once the board exists"
        case let .friendLimit(player, limit): "player '\(player)' already has \(limit) friends (the limit)"
        case .invalidCursor: "cursor is malformed or belongs to another board, window or period"
        }
    }

    /// Machine-readable code.
    public var code: String {
        switch self {
        case .invalidField: "invalid_field"
        case .unknownBoard: "unknown_board"
        case .unknownPlayer: "unknown_player"
        case .unknownWindow: "unknown_window"
        case .unknownPeriod: "unknown_period"
        case .scopeNotEnabled: "scope_not_enabled"
        case .immutableField: "immutable_field"
        case .friendLimit: "friend_limit"
        case .invalidCursor: "invalid_cursor"
        }
    }
}
