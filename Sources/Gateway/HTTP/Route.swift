// The gateway's URL space, matched from decoded path segments. One place lists every endpoint
// (README and openapi.yaml document the same set).
import GatewayProtocols

enum Route: Equatable {
    case health, ready, metrics
    case boards
    case board(String)
    case top(board: String, window: String)
    case player(board: String, window: String, player: String)
    case friends(board: String, window: String, player: String)
    case periods(board: String, window: String)
    case periodTop(board: String, window: String, period: String)
    case approximateRank(board: String, window: String)
    case boardStream(board: String, window: String)
    case scores
    case playerProfile(String)
    case friendship(player: String, friend: String)
    case playerStream(String)
    case tokens
    case webSocket
    case echo
    case staticFile([String])
    case notFound

    /// Methods each route answers (others get 405 with Allow).
    var methods: [HTTPMethod] {
        switch self {
        case .board: [.get, .head, .put]
        case .scores, .tokens: [.post]
        case .playerProfile: [.put]
        case .friendship: [.put, .delete]
        default: [.get, .head]
        }
    }

    static func match(_ segments: [String], path: String, configuration: GatewayConfiguration) -> Route {
        if path == configuration.websocket.path { return .webSocket }
        if !configuration.websocket.echoPath.isEmpty && path == configuration.websocket.echoPath { return .echo }
        switch segments.count {
        case 1 where segments[0] == "healthz": return .health
        case 1 where segments[0] == "readyz": return .ready
        case 1 where segments[0] == "metrics": return .metrics
        default: break
        }
        guard segments.first == "v1" else { return .staticFile(segments) }
        let s = Array(segments.dropFirst())
        switch s.count {
        case 1 where s[0] == "boards": return .boards
        case 1 where s[0] == "scores": return .scores
        case 1 where s[0] == "tokens": return .tokens
        case 2 where s[0] == "boards": return .board(s[1])
        case 2 where s[0] == "players": return .playerProfile(s[1])
        case 3 where s[0] == "players" && s[2] == "stream": return .playerStream(s[1])
        case 4 where s[0] == "players" && s[2] == "friends": return .friendship(player: s[1], friend: s[3])
        case 4 where s[0] == "boards":
            switch s[3] {
            case "top": return .top(board: s[1], window: s[2])
            case "periods": return .periods(board: s[1], window: s[2])
            case "stream": return .boardStream(board: s[1], window: s[2])
            case "approximate-rank": return .approximateRank(board: s[1], window: s[2])
            default: break
            }
        case 5 where s[0] == "boards" && s[3] == "players": return .player(board: s[1], window: s[2], player: s[4])
        case 5 where s[0] == "boards" && s[3] == "friends": return .friends(board: s[1], window: s[2], player: s[4])
        case 6 where s[0] == "boards" && s[3] == "periods" && s[5] == "top":
            return .periodTop(board: s[1], window: s[2], period: s[4])
        default: break
        }
        return .notFound
    }

    /// True for routes that need the internal bearer token.
    var isInternal: Bool {
        switch self {
        case .scores, .tokens, .playerProfile, .friendship: true
        default: false
        }
    }
}
