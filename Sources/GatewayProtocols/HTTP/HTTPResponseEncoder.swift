// HTTPResponseEncoder: appends HTTP/1.1 responses to a caller's reusable buffer. Owns the cached
// Date value (re-rendered only when the injected second changes). Invariant: every response it
// writes is self-delimiting (Content-Length) unless the status forbids content or the caller asked
// for a close-delimited stream.

/// How the end of a response body is signalled.
public enum HTTPResponseFraming: Sendable, Equatable {
    /// `Content-Length: n`; exactly n body bytes follow the head.
    case contentLength(Int)
    /// No length: either the status forbids content (1xx, 204, 304), or the body runs until the
    /// connection closes (a Server-Sent Events stream).
    case none
}

/// Encodes response heads and bodies. One per I/O loop; call `updateClock` once per loop tick.
/// Responses always say `HTTP/1.1` (RFC 9110 §6.2: a server sends its own highest version).
public struct HTTPResponseEncoder: Sendable {
    private var cachedSecond: Int64
    private var dateValue: [UInt8]
    /// The last head `jsonOKHead` built (valid while the second does not change): repeated
    /// answers of one cached page share it instead of encoding and allocating a head each.
    private var lastJSONHead: (length: Int, close: Bool, bytes: [UInt8])?

    /// An encoder whose Date header shows `unixSeconds`.
    public init(unixSeconds: Int64) {
        cachedSecond = unixSeconds
        dateValue = []
        dateValue.reserveCapacity(HTTPDate.length)
        HTTPDate.append(unixSeconds: unixSeconds, to: &dateValue)
    }

    /// Sets the time shown in the Date header; re-renders only when the second changed. O(1).
    public mutating func updateClock(unixSeconds: Int64) {
        guard unixSeconds != cachedSecond else { return }
        cachedSecond = unixSeconds
        lastJSONHead = nil
        dateValue.removeAll(keepingCapacity: true)
        HTTPDate.append(unixSeconds: unixSeconds, to: &dateValue)
    }

    /// The current Date header value ("Sun, 06 Nov 1994 08:49:37 GMT").
    public var dateHeaderValue: String { String(decoding: dateValue, as: UTF8.self) }

    /// The head of a `200 OK` JSON response with a `length`-byte body, as `encodeHead` writes it;
    /// the same bytes (not a new array) while the second, the length and `close` stay the same.
    public mutating func jsonOKHead(length: Int, close: Bool) -> [UInt8] {
        if let last = lastJSONHead, last.length == length, last.close == close { return last.bytes }
        var out: [UInt8] = []
        encodeHead(status: .ok, contentType: "application/json", framing: .contentLength(length),
                   connection: close ? .close : .persistent, into: &out)
        lastJSONHead = (length, close, out)
        return out
    }

    /// Appends a complete response: head with `Content-Length: body.count` (omitted, together with
    /// the body, when the status forbids content), then the body.
    public func encode(status: HTTPStatus, contentType: String? = nil, headers: HTTPHeaders = HTTPHeaders(),
                       body: UnsafeRawBufferPointer, connection: HTTPResponseConnection = .persistent,
                       into out: inout [UInt8]) {
        let framing: HTTPResponseFraming = status.forbidsContent ? .none : .contentLength(body.count)
        encodeHead(status: status, contentType: contentType, headers: headers, framing: framing,
                   connection: connection, into: &out)
        if !status.forbidsContent { out.append(contentsOf: body) }
    }

    /// Appends a complete response; see the `UnsafeRawBufferPointer` variant.
    public func encode(status: HTTPStatus, contentType: String? = nil, headers: HTTPHeaders = HTTPHeaders(),
                       body: [UInt8] = [], connection: HTTPResponseConnection = .persistent, into out: inout [UInt8]) {
        body.withUnsafeBytes { bytes in
            encode(status: status, contentType: contentType, headers: headers, body: bytes, connection: connection, into: &out)
        }
    }

    /// Appends a response head only. Use for HEAD answers (`.contentLength(n)` without the body),
    /// 101 Switching Protocols (Upgrade/Connection in `headers`, `.none`), or streamed bodies.
    /// Content-Length is never written when the status forbids content.
    public func encodeHead(status: HTTPStatus, contentType: String? = nil, headers: HTTPHeaders = HTTPHeaders(),
                           framing: HTTPResponseFraming, connection: HTTPResponseConnection = .persistent,
                           into out: inout [UInt8]) {
        appendStatusLine(status, to: &out)
        appendField("Date", value: dateValue, to: &out)
        if let contentType { appendField("Content-Type", text: contentType, to: &out) }
        if case .contentLength(let length) = framing, !status.forbidsContent {
            appendLiteral("Content-Length: ", to: &out)
            appendDecimal(length, to: &out)
            appendLiteral("\r\n", to: &out)
        }
        switch connection {
        case .persistent: break
        case .keepAlive: appendLiteral("Connection: keep-alive\r\n", to: &out)
        case .close: appendLiteral("Connection: close\r\n", to: &out)
        }
        appendHeaders(headers, to: &out)
        appendLiteral("\r\n", to: &out)
    }

    /// Appends the head of a Server-Sent Events stream: 200, `text/event-stream`,
    /// `Cache-Control: no-store`, no Content-Length (the stream ends when the connection closes).
    public func encodeEventStreamHead(headers: HTTPHeaders = HTTPHeaders(), connection: HTTPResponseConnection = .persistent,
                                      into out: inout [UInt8]) {
        var all = HTTPHeaders()
        all.add(name: "Cache-Control", value: "no-store")
        for field in headers { all.add(name: field.name, value: field.value) }
        encodeHead(status: .ok, contentType: "text/event-stream", headers: all, framing: .none,
                   connection: connection, into: &out)
    }

    /// Appends the interim `HTTP/1.1 100 Continue` response (no fields).
    public func encodeContinue(into out: inout [UInt8]) {
        appendLiteral("HTTP/1.1 100 Continue\r\n\r\n", to: &out)
    }

    /// Appends `error` as a JSON error response (`application/json`, its extra headers).
    public func encodeError(_ error: HTTPError, connection: HTTPResponseConnection = .persistent, into out: inout [UInt8]) {
        encode(status: error.status, contentType: "application/json", headers: error.headers,
               body: error.encodeJSONBody(), connection: connection, into: &out)
    }

    private func appendStatusLine(_ status: HTTPStatus, to out: inout [UInt8]) {
        appendLiteral("HTTP/1.1 ", to: &out)
        appendDecimal(status.code, to: &out)
        out.append(HTTPByte.space)
        out.append(contentsOf: status.reasonPhrase.utf8)
        appendLiteral("\r\n", to: &out)
    }

    private func appendHeaders(_ headers: HTTPHeaders, to out: inout [UInt8]) {
        headers.storage.withUnsafeBytes { raw in
            for field in headers.fields {
                let nameEnd = Int(field.start + field.nameLength)
                out.append(contentsOf: UnsafeRawBufferPointer(rebasing: raw[Int(field.start)..<nameEnd]))
                appendLiteral(": ", to: &out)
                out.append(contentsOf: UnsafeRawBufferPointer(rebasing: raw[nameEnd..<nameEnd + Int(field.valueLength)]))
                appendLiteral("\r\n", to: &out)
            }
        }
    }

    private func appendField(_ name: StaticString, value: [UInt8], to out: inout [UInt8]) {
        appendLiteral(name, to: &out)
        appendLiteral(": ", to: &out)
        out.append(contentsOf: value)
        appendLiteral("\r\n", to: &out)
    }

    /// A field whose value comes from a String; control bytes become SP (no header injection).
    private func appendField(_ name: StaticString, text: String, to out: inout [UInt8]) {
        appendLiteral(name, to: &out)
        appendLiteral(": ", to: &out)
        if text.utf8.allSatisfy(HTTPByte.isFieldValueByte) {
            out.append(contentsOf: text.utf8)
        } else {
            out.append(contentsOf: text.utf8.map { HTTPByte.isFieldValueByte($0) ? $0 : HTTPByte.space })
        }
        appendLiteral("\r\n", to: &out)
    }

    @inline(__always)
    private func appendLiteral(_ literal: StaticString, to out: inout [UInt8]) {
        out.append(contentsOf: UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }

    private func appendDecimal(_ value: Int, to out: inout [UInt8]) {
        precondition(value >= 0, "negative length or code")
        var divisor = 1
        while divisor <= value / 10 { divisor *= 10 }
        while divisor > 0 {
            out.append(0x30 + UInt8(value / divisor % 10))
            divisor /= 10
        }
    }
}
