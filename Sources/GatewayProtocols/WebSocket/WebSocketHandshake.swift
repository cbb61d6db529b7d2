// Server side of the RFC 6455 §4.2 opening handshake: judges an HTTP upgrade request and
// returns either the 101 response fields or a rejection (status, error code, message).
// Invariant: accepts only GET, HTTP ≥ 1.1, version 13, a 16-byte key and an allowed Origin.

/// Evaluates WebSocket upgrade requests against the gateway's policy. Pure: no I/O; the HTTP
/// layer supplies the request line parts and a header lookup, and writes the response.
public struct WebSocketHandshake: Sendable {
    /// The GUID appended to the client key before hashing (RFC 6455 §1.3).
    public static let acceptGUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
    /// The only protocol version we speak (RFC 6455 §4.4).
    public static let supportedVersion = "13"

    /// One response header field, in the order it should be written.
    public struct ResponseField: Equatable, Sendable {
        public var name: String
        public var value: String

        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    /// The request is a valid upgrade: send `101 Switching Protocols` with `responseFields`.
    public struct Acceptance: Equatable, Sendable {
        /// `Upgrade`, `Connection`, `Sec-WebSocket-Accept` and, when selected, `Sec-WebSocket-Protocol`.
        public var responseFields: [ResponseField]
        /// The subprotocol we selected, nil when the client offered none we speak.
        public var subprotocol: String?
    }

    /// The request must be refused with `status`; `fields` are extra response fields (e.g.
    /// `Sec-WebSocket-Version: 13` with 426), `errorCode`/`message` feed the JSON error body.
    public struct Rejection: Equatable, Sendable {
        public var status: Int
        public var errorCode: String
        public var message: String
        public var fields: [ResponseField]
    }

    public enum Outcome: Equatable, Sendable {
        case accept(Acceptance)
        case reject(Rejection)
    }

    /// Origins allowed to connect, compared ASCII-case-insensitively (e.g.
    /// `https://game.example`). Empty allows every origin. Requests without `Origin` come from
    /// non-browser clients (game clients, tools), which the Origin check cannot protect
    /// (RFC 6455 §10.2), so they are allowed.
    public var allowedOrigins: [String]
    /// The subprotocol selected when the client offers it (case-sensitive token).
    public var subprotocol: String

    public init(allowedOrigins: [String] = [], subprotocol: String = "overtake.v1") {
        self.allowedOrigins = allowedOrigins
        self.subprotocol = subprotocol
    }

    /// Judges one request.
    /// - Parameters:
    ///   - method: the request method, case-sensitive (`GET`).
    ///   - httpVersion: from the request line; must be at least 1.1.
    ///   - header: case-insensitive field lookup; repeated fields come joined by ", ".
    public func evaluate(method: String, httpVersion: (major: Int, minor: Int),
                         header: (String) -> String?) -> Outcome {
        guard method == "GET" else {
            return reject(405, "method_not_allowed", "WebSocket upgrade requires GET",
                          fields: [ResponseField(name: "Allow", value: "GET")])
        }
        guard httpVersion.major > 1 || (httpVersion.major == 1 && httpVersion.minor >= 1) else {
            return reject(400, "http_version_too_old", "WebSocket upgrade requires HTTP/1.1")
        }
        guard let upgrade = header("Upgrade"), Self.containsToken(upgrade, "websocket", .caseInsensitive) else {
            return reject(400, "upgrade_header_missing", "Upgrade header must contain websocket")
        }
        guard let connection = header("Connection"), Self.containsToken(connection, "upgrade", .caseInsensitive) else {
            return reject(400, "connection_header_missing", "Connection header must contain upgrade")
        }
        guard let version = header("Sec-WebSocket-Version"), Self.trimmed(version) == Self.supportedVersion else {
            return reject(426, "websocket_version_unsupported", "Sec-WebSocket-Version must be 13",
                          fields: [ResponseField(name: "Sec-WebSocket-Version", value: Self.supportedVersion)])
        }
        guard let rawKey = header("Sec-WebSocket-Key"), let key = Self.validKey(rawKey) else {
            return reject(400, "websocket_key_invalid", "Sec-WebSocket-Key must be base64 of 16 bytes")
        }
        if let origin = header("Origin"), !isAllowed(origin: origin) {
            return reject(403, "origin_not_allowed", "Origin is not allowed")
        }
        var fields = [
            ResponseField(name: "Upgrade", value: "websocket"),
            ResponseField(name: "Connection", value: "Upgrade"),
            ResponseField(name: "Sec-WebSocket-Accept", value: Self.acceptValue(forKey: key)),
        ]
        var selected: String?
        if let offered = header("Sec-WebSocket-Protocol"), Self.containsToken(offered, subprotocol, .exact) {
            selected = subprotocol
            fields.append(ResponseField(name: "Sec-WebSocket-Protocol", value: subprotocol))
        }
        return .accept(Acceptance(responseFields: fields, subprotocol: selected))
    }

    /// `base64(SHA-1(key + GUID))` (RFC 6455 §4.2.2 step 5.4). `key` is the trimmed field value.
    public static func acceptValue(forKey key: String) -> String {
        Base64.encode(CryptoDigest.sha1(Array((key + acceptGUID).utf8)))
    }

    /// The trimmed key when it is base64 of exactly 16 bytes (RFC 6455 §4.1 item 7), else nil.
    private static func validKey(_ raw: String) -> String? {
        let key = String(trimmed(raw))
        guard let decoded = try? Base64.decode(key), decoded.count == 16 else { return nil }
        return key
    }

    private func isAllowed(origin: String) -> Bool {
        guard !allowedOrigins.isEmpty else { return true }
        let candidate = Self.trimmed(origin)
        return allowedOrigins.contains { Self.asciiCaseInsensitiveEqual(Substring($0), Substring(candidate)) }
    }

    private func reject(_ status: Int, _ errorCode: String, _ message: String,
                        fields: [ResponseField] = []) -> Outcome {
        .reject(Rejection(status: status, errorCode: errorCode, message: message, fields: fields))
    }
}
