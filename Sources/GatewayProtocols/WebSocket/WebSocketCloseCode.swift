// Close status codes (RFC 6455 §7.4 and the IANA registry) and which of them may travel.
// Invariant: `isValidOnWire` is the single rule for accepting a received code (§7.4.1–7.4.2).

/// A close status code. Any `UInt16` is representable so received codes can be reported;
/// `isValidOnWire` says whether a peer may legally send it.
public struct WebSocketCloseCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt16

    public init(rawValue: UInt16) { self.rawValue = rawValue }
    public init(_ rawValue: UInt16) { self.rawValue = rawValue }

    /// 1000: the purpose of the connection was fulfilled.
    public static let normalClosure = WebSocketCloseCode(1000)
    /// 1001: server shutting down, or a timeout ended the session.
    public static let goingAway = WebSocketCloseCode(1001)
    /// 1002: the peer broke the framing rules.
    public static let protocolError = WebSocketCloseCode(1002)
    /// 1003: a data type we do not accept (e.g. binary on a text-only subprotocol).
    public static let unsupportedData = WebSocketCloseCode(1003)
    /// 1005: "no code was present"; reported locally, never sent.
    public static let noStatusReceived = WebSocketCloseCode(1005)
    /// 1006: "closed without a close frame"; reported locally, never sent.
    public static let abnormalClosure = WebSocketCloseCode(1006)
    /// 1007: a text message or close reason was not valid UTF-8.
    public static let invalidPayloadData = WebSocketCloseCode(1007)
    /// 1008: the message broke a policy (e.g. auth, or outbound queue too old).
    public static let policyViolation = WebSocketCloseCode(1008)
    /// 1009: a message exceeded the configured size limit.
    public static let messageTooBig = WebSocketCloseCode(1009)
    /// 1010: (client) the server did not negotiate a required extension.
    public static let mandatoryExtension = WebSocketCloseCode(1010)
    /// 1011: an unexpected condition in the server.
    public static let internalError = WebSocketCloseCode(1011)
    /// 1012: the service is restarting.
    public static let serviceRestart = WebSocketCloseCode(1012)
    /// 1013: temporary overload (e.g. slow consumer); reconnect later.
    public static let tryAgainLater = WebSocketCloseCode(1013)

    /// Whether a close frame may carry this code (RFC 6455 §7.4.1, §7.4.2 and IANA registry):
    /// 1000–1003 and 1007–1014 (registered), 3000–3999 (registered libraries) and 4000–4999
    /// (private use). Rejected: < 1000, 1004 (reserved), 1005/1006/1015 (local-only),
    /// 1016–2999 (unassigned protocol range) and ≥ 5000.
    public var isValidOnWire: Bool {
        switch rawValue {
        case 1000...1003, 1007...1014, 3000...4999: return true
        default: return false
        }
    }

    public var description: String { String(rawValue) }
}
