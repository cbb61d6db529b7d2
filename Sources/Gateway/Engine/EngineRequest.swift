// REST requests the engine answers, already parsed and validated for shape by the I/O loop.
import GatewayProtocols
import LeaderboardEngine

enum EngineRequest: Sendable {
    case listBoards
    case board(String)
    case putBoard(BoardDefinition)
    case top(board: String, window: String, scope: ScopeQuery, limit: Int, offset: Int, cursor: String?)
    case standing(board: String, window: String, player: String, scope: ScopeQuery, around: Int)
    case friends(board: String, window: String, player: String)
    case periods(board: String, window: String)
    case periodTop(board: String, window: String, period: String, limit: Int, offset: Int)
    case approximateRank(board: String, window: String, score: Int64)
    case putPlayer(id: String, region: String?, displayName: String?)
    case friendship(String, String, add: Bool)

    /// Whether the request changes durable state (logged, answered after durability).
    var isMutation: Bool {
        switch self {
        case .putBoard, .putPlayer, .friendship: true
        default: false
        }
    }
}

extension EngineError {
    /// The HTTP status this error is answered with.
    var httpStatus: HTTPStatus {
        switch self {
        case .invalidField, .scopeNotEnabled: .unprocessableContent
        case .unknownBoard, .unknownPlayer, .unknownWindow, .unknownPeriod: .notFound
        case .immutableField, .friendLimit: .conflict
        case .invalidCursor: .badRequest
        }
    }
}
