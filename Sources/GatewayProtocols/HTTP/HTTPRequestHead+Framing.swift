// HTTPRequestHead+Framing: the message-body framing rules of RFC 9112 §6 for requests, decided
// from the header fields alone. Everything ambiguous is rejected (smuggling defence), never guessed.

extension HTTPRequestHead {
    struct Framing: Equatable {
        var contentLength: Int?
        var isChunked: Bool
    }

    /// The body framing of a request, or the error to answer. Also enforces the Host rules of
    /// RFC 9112 §3.2 (exactly one Host on HTTP/1.1, at most one on 1.0).
    static func framing(method: HTTPMethod, version: HTTPVersion, headers: HTTPHeaders) throws(HTTPParseError) -> Framing {
        let hostCount = headers.fieldCount(named: "Host")
        if hostCount > 1 { throw .multipleHost }
        if hostCount == 0 && version == .http11 { throw .missingHost }

        let contentLength = try parseContentLength(headers)
        if headers.contains("Transfer-Encoding") {
            if contentLength != nil { throw .contentLengthWithTransferEncoding }
            try checkTransferEncoding(headers, version: version)
            return Framing(contentLength: nil, isChunked: true)
        }
        if contentLength == nil && method.requiresContentFraming {
            throw .lengthRequired(method: method.rawValue)
        }
        return Framing(contentLength: contentLength, isChunked: false)
    }

    /// The Content-Length, accepting repeated identical values (as lines or as a list, RFC 9110
    /// §8.6) and rejecting anything else. At most 18 digits so the value always fits in Int.
    private static func parseContentLength(_ headers: HTTPHeaders) throws(HTTPParseError) -> Int? {
        var result: Int?
        var failure: HTTPParseError?
        headers.forEachValue(named: "Content-Length") { value in
            guard failure == nil else { return }
            var elements = 0
            HTTPHeaders.forEachListElement(in: value) { element in
                guard failure == nil else { return }
                elements += 1
                guard let parsed = decimalValue(element) else {
                    failure = .invalidContentLength(value: HTTPByte.evidence(value))
                    return
                }
                if let previous = result, previous != parsed {
                    failure = .conflictingContentLength(first: String(previous), second: HTTPByte.evidence(element))
                } else {
                    result = parsed
                }
            }
            if elements == 0 && failure == nil { failure = .invalidContentLength(value: HTTPByte.evidence(value)) }
        }
        if let failure { throw failure }
        return result
    }

    /// 1–18 ASCII digits as an Int, else nil (no sign, no spaces, no hex).
    private static func decimalValue(_ bytes: UnsafeRawBufferPointer) -> Int? {
        guard !bytes.isEmpty && bytes.count <= 18 else { return nil }
        var value = 0
        for byte in bytes {
            guard byte >= 0x30 && byte <= 0x39 else { return nil }
            value = value * 10 + Int(byte - 0x30)
        }
        return value
    }

    /// Accepts exactly one `chunked`, as the final coding, on HTTP/1.1. Other codings before it are
    /// understood as "not implemented" (501); every other shape is a framing error (400).
    private static func checkTransferEncoding(_ headers: HTTPHeaders, version: HTTPVersion) throws(HTTPParseError) {
        func invalid() -> HTTPParseError { .invalidTransferEncoding(value: HTTPByte.evidence(headers["Transfer-Encoding"] ?? "")) }
        // RFC 9112 §6.1: HTTP/1.0 with Transfer-Encoding must be treated as faulty framing.
        if version == .http10 { throw invalid() }
        var codings = 0
        var chunkedCount = 0
        var lastIsChunked = false
        var firstUnknown: String?
        headers.forEachValue(named: "Transfer-Encoding") { value in
            HTTPHeaders.forEachListElement(in: value) { element in
                codings += 1
                lastIsChunked = HTTPByte.equalsIgnoringCase(element, UnsafeRawBufferPointer(chunkedLiteral))
                if lastIsChunked {
                    chunkedCount += 1
                } else if firstUnknown == nil {
                    firstUnknown = HTTPByte.evidence(element)
                }
            }
        }
        guard codings > 0, lastIsChunked, chunkedCount == 1 else { throw invalid() }
        if let firstUnknown { throw .unsupportedTransferCoding(coding: firstUnknown) }
    }

    private static let chunkedLiteral: StaticString = "chunked"
}

extension UnsafeRawBufferPointer {
    /// The bytes of a static string literal (no allocation).
    init(_ literal: StaticString) {
        self.init(start: literal.utf8Start, count: literal.utf8CodeUnitCount)
    }
}
