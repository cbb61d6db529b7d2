// Messages a WebSocket client sends (JSON objects with a `type`), parsed strictly: a missing or
// mistyped field is answered with an error message naming it.
import GatewayProtocols

enum ClientCommand {
    case auth(String)
    case ping(JSONValue?)
    case subscribe(board: String, window: String, scope: String, on: Bool)
    case watch(board: String, window: String, on: Bool)
    case spectate(board: String, window: String, scope: String?, region: String?, on: Bool)
    case resume(UInt64)

    struct ParseError: Error {
        var message: String
    }

    static func parse(_ bytes: [UInt8]) throws(ParseError) -> ClientCommand {
        let value: JSONValue
        do { value = try JSONValue(parsing: bytes, maxDepth: 8) } catch { throw ParseError(message: "not a JSON object: \(error)") }
        guard case .object = value else { throw ParseError(message: "expected a JSON object") }
        guard let type = value["type"]?.stringValue else { throw ParseError(message: "type: required string") }
        func string(_ key: String) throws(ParseError) -> String {
            guard let s = value[key]?.stringValue else { throw ParseError(message: "\(key): required string for '\(type)'") }
            return s
        }
        func optional(_ key: String) throws(ParseError) -> String? {
            guard let v = value[key], v != .null else { return nil }
            guard let s = v.stringValue else { throw ParseError(message: "\(key): expected a string") }
            return s
        }
        switch type {
        case "auth": return .auth(try string("token"))
        case "ping": return .ping(value["id"])
        case "subscribe", "unsubscribe":
            return .subscribe(board: try string("board"), window: try string("window"), scope: try optional("scope") ?? "global",
                              on: type == "subscribe")
        case "watch", "unwatch":
            return .watch(board: try string("board"), window: try string("window"), on: type == "watch")
        case "spectate", "unspectate":
            return .spectate(board: try string("board"), window: try string("window"), scope: try optional("scope"),
                             region: try optional("region"), on: type == "spectate")
        case "resume":
            guard let last = value["last_pseq"]?.int64Value, last >= 0 else { throw ParseError(message: "last_pseq: required non-negative integer") }
            return .resume(UInt64(last))
        default:
            throw ParseError(message: "type: unknown message type '\(type)'")
        }
    }
}
