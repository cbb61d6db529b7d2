// HTTPParseError: every way a request can be rejected by the parser, each case carrying its
// evidence, mapped in one place to the status to answer, a machine code and a message.
// After any of these the connection must be closed: the parser stays in its failed state.

/// Why the parser rejected a request. Evidence strings are printable renderings of peer bytes,
/// cut at 64 bytes (never raw control bytes).
public enum HTTPParseError: Error, Equatable, Sendable {
    /// The request line exceeds `limit` bytes (terminator excluded). 414.
    case requestLineTooLong(limit: Int)
    /// The request line is not `method SP target SP version`. 400.
    case malformedRequestLine(line: String)
    /// The method is not a token. 400.
    case invalidMethod(method: String)
    /// The request-target has a byte or form we do not accept. 400.
    case invalidTarget(target: String, reason: String)
    /// `HTTP/x.y` other than 1.0 and 1.1. 505.
    case unsupportedVersion(version: String)
    /// The version is not of the form `HTTP/DIGIT.DIGIT`. 400.
    case malformedVersion(version: String)
    /// A line ended in LF without CR; `context` names the part of the message. 400.
    case bareLineFeed(context: String)
    /// Header (plus trailer) lines exceed `limit` bytes in total, terminators included. 431.
    case headerSectionTooLarge(limit: Int)
    /// More than `limit` header (plus trailer) field lines. 431.
    case tooManyHeaderFields(limit: Int)
    /// The field name is empty or not a token. 400.
    case invalidHeaderName(field: String)
    /// Whitespace between the field name and the colon (RFC 9112 §5.1 MUST reject). 400.
    case whitespaceBeforeColon(field: String)
    /// A line starting with SP/HTAB continues the previous field (obs-fold, RFC 9112 §5.2). 400.
    case obsoleteLineFolding(afterField: String)
    /// The value of `field` holds a control byte. 400.
    case invalidHeaderValue(field: String)
    /// HTTP/1.1 request without a Host field (RFC 9112 §3.2). 400.
    case missingHost
    /// More than one Host field line. 400.
    case multipleHost
    /// A Content-Length value that is not 1–18 decimal digits. 400.
    case invalidContentLength(value: String)
    /// Two different Content-Length values. 400.
    case conflictingContentLength(first: String, second: String)
    /// Both Transfer-Encoding and Content-Length (request smuggling vector, RFC 9112 §6.1). 400.
    case contentLengthWithTransferEncoding
    /// Transfer-Encoding we cannot frame by: chunked missing, not last or repeated, an empty
    /// value, or any Transfer-Encoding on HTTP/1.0 (RFC 9112 §6.1, §6.3). 400.
    case invalidTransferEncoding(value: String)
    /// A transfer coding other than chunked before the final chunked ("gzip, chunked"). 501.
    case unsupportedTransferCoding(coding: String)
    /// POST/PATCH with neither Content-Length nor Transfer-Encoding. 411.
    case lengthRequired(method: String)
    /// The body (declared or accumulated) exceeds `limit` bytes. 413.
    case bodyTooLarge(limit: Int)
    /// The chunk-size line is not 1–15 hex digits plus extensions. 400.
    case invalidChunkSize(line: String)
    /// A chunk extension does not follow `;name[=token|quoted-string]`. 400.
    case invalidChunkExtension(line: String)
    /// Chunk extensions in one message exceed `limit` bytes in total. 413.
    case chunkExtensionsTooLarge(limit: Int)
    /// Chunk data is not followed by CRLF. 400.
    case missingChunkTerminator

    /// The status to answer with before closing.
    public var status: HTTPStatus {
        switch self {
        case .requestLineTooLong: .uriTooLong
        case .unsupportedVersion: .httpVersionNotSupported
        case .headerSectionTooLarge, .tooManyHeaderFields: .requestHeaderFieldsTooLarge
        case .unsupportedTransferCoding: .notImplemented
        case .lengthRequired: .lengthRequired
        case .bodyTooLarge, .chunkExtensionsTooLarge: .contentTooLarge
        default: .badRequest
        }
    }

    /// A stable snake_case code for the JSON error body and metrics.
    public var code: String {
        switch self {
        case .requestLineTooLong: "request_line_too_long"
        case .malformedRequestLine: "malformed_request_line"
        case .invalidMethod: "invalid_method"
        case .invalidTarget: "invalid_target"
        case .unsupportedVersion: "unsupported_version"
        case .malformedVersion: "malformed_version"
        case .bareLineFeed: "bare_line_feed"
        case .headerSectionTooLarge: "header_too_large"
        case .tooManyHeaderFields: "too_many_headers"
        case .invalidHeaderName: "invalid_header_name"
        case .whitespaceBeforeColon: "whitespace_before_colon"
        case .obsoleteLineFolding: "obsolete_line_folding"
        case .invalidHeaderValue: "invalid_header_value"
        case .missingHost: "missing_host"
        case .multipleHost: "multiple_host"
        case .invalidContentLength: "invalid_content_length"
        case .conflictingContentLength: "conflicting_content_length"
        case .contentLengthWithTransferEncoding: "content_length_with_transfer_encoding"
        case .invalidTransferEncoding: "invalid_transfer_encoding"
        case .unsupportedTransferCoding: "unsupported_transfer_coding"
        case .lengthRequired: "length_required"
        case .bodyTooLarge: "body_too_large"
        case .invalidChunkSize: "invalid_chunk_size"
        case .invalidChunkExtension: "invalid_chunk_extension"
        case .chunkExtensionsTooLarge: "chunk_extensions_too_large"
        case .missingChunkTerminator: "missing_chunk_terminator"
        }
    }

    /// A human-readable sentence naming the field or part at fault.
    public var message: String {
        switch self {
        case .requestLineTooLong(let limit): "request line longer than \(limit) bytes"
        case .malformedRequestLine(let line): "malformed request line '\(line)'"
        case .invalidMethod(let method): "method '\(method)' is not a token"
        case .invalidTarget(let target, let reason): "request target '\(target)': \(reason)"
        case .unsupportedVersion(let version): "HTTP version '\(version)' not supported (1.0 and 1.1 are)"
        case .malformedVersion(let version): "malformed HTTP version '\(version)'"
        case .bareLineFeed(let context): "line in \(context) ends in LF without CR"
        case .headerSectionTooLarge(let limit): "header fields exceed \(limit) bytes"
        case .tooManyHeaderFields(let limit): "more than \(limit) header fields"
        case .invalidHeaderName(let field): "header name '\(field)' is not a token"
        case .whitespaceBeforeColon(let field): "whitespace between header name '\(field)' and colon"
        case .obsoleteLineFolding(let field): "obsolete line folding after header '\(field)'"
        case .invalidHeaderValue(let field): "header '\(field)' has a control character in its value"
        case .missingHost: "HTTP/1.1 request without Host header"
        case .multipleHost: "more than one Host header"
        case .invalidContentLength(let value): "invalid Content-Length '\(value)'"
        case .conflictingContentLength(let first, let second): "conflicting Content-Length values '\(first)' and '\(second)'"
        case .contentLengthWithTransferEncoding: "both Content-Length and Transfer-Encoding present"
        case .invalidTransferEncoding(let value): "Transfer-Encoding '\(value)' does not end in a single chunked"
        case .unsupportedTransferCoding(let coding): "transfer coding '\(coding)' not implemented"
        case .lengthRequired(let method): "\(method) request needs Content-Length or chunked Transfer-Encoding"
        case .bodyTooLarge(let limit): "request body larger than \(limit) bytes"
        case .invalidChunkSize(let line): "invalid chunk size line '\(line)'"
        case .invalidChunkExtension(let line): "invalid chunk extension in '\(line)'"
        case .chunkExtensionsTooLarge(let limit): "chunk extensions exceed \(limit) bytes"
        case .missingChunkTerminator: "chunk data not followed by CRLF"
        }
    }

    /// The error as the response the connection handler sends before closing.
    public var httpError: HTTPError { HTTPError(status: status, code: code, message: message) }
}
