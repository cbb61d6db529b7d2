// HTTPRequestHead: a parsed, validated request line plus header section, with the facts the
// connection handler acts on (decoded path and query, keep-alive, framing, upgrade) derived once.
// A value of this type always satisfies the framing rules of RFC 9112 §6 (see +Framing).

/// HTTP version of a request. Only 1.0 and 1.1 pass the parser.
public struct HTTPVersion: Sendable, Hashable, CustomStringConvertible {
    public let major: Int
    public let minor: Int

    public init(major: Int, minor: Int) {
        self.major = major
        self.minor = minor
    }

    public static let http10 = HTTPVersion(major: 1, minor: 0)
    public static let http11 = HTTPVersion(major: 1, minor: 1)

    public var description: String { "HTTP/\(major).\(minor)" }
}

/// One decoded `name=value` pair of the query string (`+` read as space, percent-decoded).
public struct HTTPQueryItem: Sendable, Hashable {
    public let name: String
    public let value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// How a response must treat the connection header, derived from the request.
public enum HTTPResponseConnection: Sendable, Hashable {
    /// HTTP/1.1 persistent connection: no Connection header needed.
    case persistent
    /// HTTP/1.0 client that asked for keep-alive: answer `Connection: keep-alive`.
    case keepAlive
    /// Close after this response: answer `Connection: close`.
    case close
}

/// The head of one request. Immutable once parsed.
public struct HTTPRequestHead: Sendable, Equatable {
    public let method: HTTPMethod
    /// The request-target exactly as sent (visible ASCII).
    public let target: String
    /// The percent-decoded path ("/v1/boards/top%20players" → "/v1/boards/top players"); "*" for
    /// the asterisk form. For absolute-form targets, the path part only.
    public let path: String
    /// Path segments, each decoded separately (so "%2F" stays inside its segment); empty segments
    /// from repeated, leading or trailing slashes are omitted: "/v1//scores/" → ["v1", "scores"].
    public let pathSegments: [String]
    /// Query items in order; repeated names are kept.
    public let queryItems: [HTTPQueryItem]
    public let version: HTTPVersion
    public let headers: HTTPHeaders
    /// Whether the connection stays open after the response: HTTP/1.1 unless `Connection: close`;
    /// HTTP/1.0 only with `Connection: keep-alive` (RFC 9112 §9.3).
    public let keepAlive: Bool
    /// HTTP/1.1 request with `Expect: 100-continue` (ignored for 1.0, RFC 9110 §10.1.1).
    public let expectsContinue: Bool
    /// The validated Content-Length, nil when absent or when chunked.
    public let contentLength: Int?
    /// True for `Transfer-Encoding: chunked` (the only coding accepted).
    public let isChunked: Bool
    /// Protocols listed in the Upgrade header, in order, case preserved (empty when absent).
    public let upgrade: [String]

    /// Validates and derives everything from the request line parts and headers. Throws the same
    /// errors the parser would (target syntax, Host rules, Content-Length/Transfer-Encoding rules,
    /// 411). Does not check the body limit (that is `HTTPParserLimits`' job).
    public init(method: HTTPMethod, target: String, version: HTTPVersion, headers: HTTPHeaders) throws(HTTPParseError) {
        let parsed = try target.withUTF8Typed { bytes throws(HTTPParseError) in
            try HTTPRequestTarget.parse(bytes, method: method)
        }
        try self.init(method: method, target: target, parsedTarget: parsed, version: version, headers: headers)
    }

    init(method: HTTPMethod, target: String, parsedTarget: HTTPRequestTarget, version: HTTPVersion,
         headers: HTTPHeaders) throws(HTTPParseError) {
        let framing = try HTTPRequestHead.framing(method: method, version: version, headers: headers)
        self.method = method
        self.target = target
        self.path = parsedTarget.path
        self.pathSegments = parsedTarget.pathSegments
        self.queryItems = parsedTarget.queryItems
        self.version = version
        self.headers = headers
        self.contentLength = framing.contentLength
        self.isChunked = framing.isChunked
        if version == .http10 {
            keepAlive = headers.containsToken("keep-alive", in: "Connection") && !headers.containsToken("close", in: "Connection")
            expectsContinue = false
        } else {
            keepAlive = !headers.containsToken("close", in: "Connection")
            expectsContinue = headers.containsToken("100-continue", in: "Expect")
        }
        upgrade = headers.contains("Upgrade") ? headers.tokens(in: "Upgrade") : []
    }

    /// True when a body follows the head (chunked, or Content-Length > 0).
    public var hasBody: Bool { isChunked || (contentLength ?? 0) > 0 }

    /// The decoded value of the first query item named `name` (case-sensitive), or nil.
    public func query(_ name: String) -> String? {
        queryItems.first { $0.name == name }?.value
    }

    /// What the response's Connection header must say for this request.
    public var responseConnection: HTTPResponseConnection {
        guard keepAlive else { return .close }
        return version == .http10 ? .keepAlive : .persistent
    }
}
