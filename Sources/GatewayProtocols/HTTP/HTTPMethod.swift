// HTTPMethod: the request method token (RFC 9110 §9). Methods are case-sensitive: "get" is
// `.other("get")`, not `.get`.

/// A request method. Standard methods the gateway routes on are cases; any other valid token is
/// kept verbatim in `.other`.
public enum HTTPMethod: Sendable, Hashable, CustomStringConvertible {
    case get, head, post, put, delete, options, patch
    case other(String)

    /// Creates a method from its token; no validation beyond the mapping (the parser has already
    /// checked the token grammar).
    public init(_ token: String) {
        switch token {
        case "GET": self = .get
        case "HEAD": self = .head
        case "POST": self = .post
        case "PUT": self = .put
        case "DELETE": self = .delete
        case "OPTIONS": self = .options
        case "PATCH": self = .patch
        default: self = .other(token)
        }
    }

    /// Maps method bytes without allocating for the standard methods. O(n).
    init(bytes: UnsafeRawBufferPointer) {
        func matches(_ literal: StaticString) -> Bool {
            literal.utf8CodeUnitCount == bytes.count
                && memoryEquals(UnsafeRawBufferPointer(start: literal.utf8Start, count: bytes.count), bytes)
        }
        switch bytes.count {
        case 3 where matches("GET"): self = .get
        case 3 where matches("PUT"): self = .put
        case 4 where matches("POST"): self = .post
        case 4 where matches("HEAD"): self = .head
        case 5 where matches("PATCH"): self = .patch
        case 6 where matches("DELETE"): self = .delete
        case 7 where matches("OPTIONS"): self = .options
        default: self = .other(String(decoding: bytes, as: UTF8.self))
        }
    }

    /// The method token as sent on the wire.
    public var rawValue: String {
        switch self {
        case .get: "GET"
        case .head: "HEAD"
        case .post: "POST"
        case .put: "PUT"
        case .delete: "DELETE"
        case .options: "OPTIONS"
        case .patch: "PATCH"
        case .other(let token): token
        }
    }

    public var description: String { rawValue }

    /// Methods whose requests are expected to carry content; without framing they get 411.
    /// PUT is not among them: `PUT /v1/players/{id}/friends/{friend}` carries no content, and a
    /// request without framing has a zero-length body (RFC 9112 §6.3).
    var requiresContentFraming: Bool {
        switch self {
        case .post, .patch: true
        default: false
        }
    }
}

/// Byte-wise equality of two equally long buffers.
@inline(__always)
func memoryEquals(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
    guard a.count == b.count else { return false }
    for index in 0..<a.count where a[index] != b[index] { return false }
    return true
}
