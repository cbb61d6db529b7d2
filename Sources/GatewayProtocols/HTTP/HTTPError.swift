// HTTPError: an error answer as the gateway sends it: a status, a stable machine code and a
// sentence, rendered as `{"error":{"code":"…","message":"…"}}` by the one JSON writer.

/// An error that knows how to become a response. Routes throw it; the connection handler encodes it
/// with `HTTPResponseEncoder.encodeError`.
public struct HTTPError: Error, Sendable, Equatable {
    public var status: HTTPStatus
    /// snake_case code clients can switch on ("body_too_large", "unknown_board").
    public var code: String
    /// Human-readable explanation naming the field at fault.
    public var message: String
    /// Extra response headers (Allow for 405, Retry-After for 429/503, WWW-Authenticate for 401).
    public var headers: HTTPHeaders

    public init(status: HTTPStatus, code: String, message: String, headers: HTTPHeaders = HTTPHeaders()) {
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers
    }

    /// `{"error":{"code":"…","message":"…"}}`, strings JSON-escaped.
    public func encodeJSONBody() -> [UInt8] {
        var writer = JSONWriter(capacity: 48 + code.utf8.count + message.utf8.count)
        encodeJSONBody(into: &writer)
        return writer.bytes
    }

    /// Writes the error object as the next value of `writer`.
    public func encodeJSONBody(into writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("error")
        writer.beginObject()
        writer.key("code")
        writer.string(code)
        writer.key("message")
        writer.string(message)
        writer.endObject()
        writer.endObject()
    }
}
