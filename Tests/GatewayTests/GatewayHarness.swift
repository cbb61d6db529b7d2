// Starts the real gateway (the `Gateway` type, as the executable does) on an ephemeral loopback
// port with a temporary data directory, for end-to-end tests; mints player tokens.
import Glibc
import Gateway
import GatewayProtocols
import LeaderboardEngine
import TestSupport

final class GatewayHarness {
    static let internalToken = "test-internal-token"
    static let secret = "test-token-secret-0123456789"
    let directory: String
    var configuration: GatewayConfiguration
    private(set) var gateway: Gateway?

    init(boards: [BoardDefinition], configure: (inout GatewayConfiguration) -> Void = { _ in }) {
        var template = Array("/tmp/overtake-test-XXXXXX".utf8CString)
        directory = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)) }
        var c = GatewayConfiguration()
        c.listen.host = "127.0.0.1"
        c.listen.port = 0
        c.listen.ioThreads = 2
        c.dataDirectory = directory + "/data"
        c.logLevel = .warning
        c.auth.internalToken = Self.internalToken
        c.auth.tokenSecret = Self.secret
        c.storage.snapshotIntervalSeconds = 0
        c.boards = boards
        configure(&c)
        configuration = c
    }

    deinit {
        stop()
        _ = system("rm -rf '\(directory)'")
    }

    @discardableResult
    func start() throws -> UInt16 {
        let g = Gateway(configuration: configuration)
        try g.start()
        guard g.waitUntilRecovered(timeout: .seconds(30)) else { throw GatewayError(description: "recovery failed") }
        gateway = g
        return g.port
    }

    func stop() {
        gateway?.shutdown(gracePeriod: .seconds(2))
        gateway = nil
    }

    var port: UInt16 { gateway?.port ?? 0 }

    func client() -> HTTPTestClient { HTTPTestClient(port: port)! }

    func token(_ player: String, ttl: Int64 = 3600) -> String {
        PlayerToken(player: player, expiresAt: Int64(time(nil)) + ttl).signed(secret: Array(Self.secret.utf8))
    }

    /// Posts events as a JSON array with the internal token.
    @discardableResult
    func post(_ events: [(String, String, Int64)], region: String? = nil) -> HTTPTestResponse? {
        let body = "[" + events.map { e in
            "{\"board\":\"\(e.0)\",\"player\":\"\(e.1)\",\"score\":\(e.2)" + (region.map { ",\"region\":\"\($0)\"" } ?? "") + "}"
        }.joined(separator: ",") + "]"
        return client().request("POST", "/v1/scores", headers: [("Authorization", "Bearer \(Self.internalToken)"),
                                                               ("Content-Type", "application/json")], body: body)
    }

    func authorized(_ method: String, _ path: String, body: String? = nil) -> HTTPTestResponse? {
        client().request(method, path, headers: [("Authorization", "Bearer \(Self.internalToken)"), ("Content-Type", "application/json")],
                         body: body)
    }
}

/// A JSON message's fields, for assertions.
func json(_ text: String?) -> JSONValue? {
    guard let text else { return nil }
    return try? JSONValue(parsing: Array(text.utf8))
}
