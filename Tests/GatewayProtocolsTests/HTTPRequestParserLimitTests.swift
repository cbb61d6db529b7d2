// HTTPRequestParserLimitTests: every limit and framing rule maps to its status and error, whatever
// the split, and limits fire before the parser buffers past them.
import GatewayProtocols
import Testing

struct HTTPRejection: CustomStringConvertible, Sendable {
    let name: String
    let wire: String
    let limits: HTTPParserLimits
    let error: HTTPParseError
    let status: Int

    init(_ name: String, _ wire: String, limits: HTTPParserLimits = HTTPParserLimits(), _ error: HTTPParseError, _ status: Int) {
        self.name = name
        self.wire = wire
        self.limits = limits
        self.error = error
        self.status = status
    }

    var description: String { name }
}

private let small = HTTPParserLimits(maxRequestLineBytes: 32, maxHeaderBytes: 64, maxHeaderCount: 3, maxBodyBytes: 10,
                                     maxChunkExtensionBytes: 12)

let httpRejections: [HTTPRejection] = [
    HTTPRejection("request line over the limit", "GET /\(String(repeating: "a", count: 40)) HTTP/1.1\r\n\r\n", limits: small,
                  .requestLineTooLong(limit: 32), 414),
    HTTPRejection("header bytes over the limit", "GET / HTTP/1.1\r\nHost: h\r\nX-Long: \(String(repeating: "v", count: 60))\r\n\r\n",
                  limits: small, .headerSectionTooLarge(limit: 64), 431),
    HTTPRejection("header count over the limit", "GET / HTTP/1.1\r\nHost: h\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n", limits: small,
                  .tooManyHeaderFields(limit: 3), 431),
    HTTPRejection("trailers count against the header budget",
                  "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nT: 1\r\nU: 2\r\n\r\n", limits: small,
                  .tooManyHeaderFields(limit: 3), 431),
    HTTPRejection("declared body over the limit", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n\r\n", limits: small,
                  .bodyTooLarge(limit: 10), 413),
    HTTPRejection("chunked body over the limit", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nabcdef\r\n5\r\n",
                  limits: small, .bodyTooLarge(limit: 10), 413),
    HTTPRejection("chunk extensions over the limit",
                  "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n1;aaaa=bbbb\r\nx\r\n1;cccc\r\n", limits: small,
                  .chunkExtensionsTooLarge(limit: 12), 413),
    HTTPRejection("POST without length", "POST /v1/scores HTTP/1.1\r\nHost: h\r\n\r\n", .lengthRequired(method: "POST"), 411),
    HTTPRejection("PATCH without length", "PATCH /x HTTP/1.1\r\nHost: h\r\n\r\n", .lengthRequired(method: "PATCH"), 411),
    HTTPRejection("Content-Length with Transfer-Encoding",
                  "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", .contentLengthWithTransferEncoding, 400),
    HTTPRejection("non-numeric Content-Length", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 12a\r\n\r\n", .invalidContentLength(value: "12a"), 400),
    HTTPRejection("signed Content-Length", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: +5\r\n\r\n", .invalidContentLength(value: "+5"), 400),
    HTTPRejection("empty Content-Length", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: \r\n\r\n", .invalidContentLength(value: ""), 400),
    HTTPRejection("Content-Length that overflows", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 99999999999999999999\r\n\r\n",
                  .invalidContentLength(value: "99999999999999999999"), 400),
    HTTPRejection("conflicting Content-Length lines", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n",
                  .conflictingContentLength(first: "3", second: "4"), 400),
    HTTPRejection("conflicting Content-Length list", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3, 5\r\n\r\n",
                  .conflictingContentLength(first: "3", second: "5"), 400),
    HTTPRejection("bad chunk size", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", .invalidChunkSize(line: "zz"), 400),
    HTTPRejection("chunk size with too many digits", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n0000000000000001\r\n",
                  .invalidChunkSize(line: "0000000000000001"), 400),
    HTTPRejection("chunk size with a sign", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n-1\r\n", .invalidChunkSize(line: "-1"), 400),
    HTTPRejection("chunk size with trailing space", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5 \r\n",
                  .invalidChunkExtension(line: "5 "), 400),
    HTTPRejection("malformed chunk extension", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5;=x\r\n",
                  .invalidChunkExtension(line: "5;=x"), 400),
    HTTPRejection("chunk data without CRLF", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcX\r\n",
                  .missingChunkTerminator, 400),
    HTTPRejection("HTTP/2.0 version", "GET / HTTP/2.0\r\nHost: h\r\n\r\n", .unsupportedVersion(version: "HTTP/2.0"), 505),
    HTTPRejection("HTTP/1.2 version", "GET / HTTP/1.2\r\nHost: h\r\n\r\n", .unsupportedVersion(version: "HTTP/1.2"), 505),
    HTTPRejection("malformed version", "GET / HTTP/1\r\n\r\n", .malformedVersion(version: "HTTP/1"), 400),
    HTTPRejection("lower-case version", "GET / http/1.1\r\n\r\n", .malformedVersion(version: "http/1.1"), 400),
    HTTPRejection("request line without version", "GET /\r\n\r\n", .malformedRequestLine(line: "GET /"), 400),
    HTTPRejection("double space in request line", "GET  / HTTP/1.1\r\n\r\n", .malformedRequestLine(line: "GET  / HTTP/1.1"), 400),
    HTTPRejection("method is not a token", "G(T / HTTP/1.1\r\n\r\n", .invalidMethod(method: "G(T"), 400),
    HTTPRejection("target is not origin or absolute form", "GET v1/x HTTP/1.1\r\nHost: h\r\n\r\n",
                  .invalidTarget(target: "v1/x", reason: "not origin-form ('/…') or absolute-form (http://…)"), 400),
    HTTPRejection("bad percent escape", "GET /a%zz HTTP/1.1\r\nHost: h\r\n\r\n",
                  .invalidTarget(target: "/a%zz", reason: "bad percent-encoding or invalid UTF-8 in path"), 400),
    HTTPRejection("percent-encoded invalid UTF-8", "GET /a%FF HTTP/1.1\r\nHost: h\r\n\r\n",
                  .invalidTarget(target: "/a%FF", reason: "bad percent-encoding or invalid UTF-8 in path"), 400),
    HTTPRejection("percent-encoded NUL in path", "GET /a%00 HTTP/1.1\r\nHost: h\r\n\r\n",
                  .invalidTarget(target: "/a%00", reason: "control character in path"), 400),
    HTTPRejection("non-ASCII byte in target", "GET /\u{E9} HTTP/1.1\r\nHost: h\r\n\r\n",
                  .invalidTarget(target: "/\\xc3\\xa9", reason: "byte outside visible ASCII"), 400),
    HTTPRejection("fragment in target", "GET /a#b HTTP/1.1\r\nHost: h\r\n\r\n", .invalidTarget(target: "/a#b", reason: "fragment ('#') not allowed"), 400),
    HTTPRejection("obs-fold", "GET / HTTP/1.1\r\nHost: h\r\nX-A: 1\r\n  continued\r\n\r\n", .obsoleteLineFolding(afterField: "X-A"), 400),
    HTTPRejection("whitespace before first header", "GET / HTTP/1.1\r\n Host: h\r\n\r\n", .obsoleteLineFolding(afterField: "(request line)"), 400),
    HTTPRejection("whitespace before colon", "GET / HTTP/1.1\r\nHost : h\r\n\r\n", .whitespaceBeforeColon(field: "Host"), 400),
    HTTPRejection("header name with a bad byte", "GET / HTTP/1.1\r\nHo(st: h\r\n\r\n", .invalidHeaderName(field: "Ho("), 400),
    HTTPRejection("header line without colon", "GET / HTTP/1.1\r\nHost h\r\n\r\n", .invalidHeaderName(field: "Host "), 400),
    HTTPRejection("empty header name", "GET / HTTP/1.1\r\n: h\r\n\r\n", .invalidHeaderName(field: ""), 400),
    HTTPRejection("NUL in header value", "GET / HTTP/1.1\r\nHost: h\u{0}x\r\n\r\n", .invalidHeaderValue(field: "Host"), 400),
    HTTPRejection("bare CR in header value", "GET / HTTP/1.1\r\nHost: h\rx\r\n\r\n", .invalidHeaderValue(field: "Host"), 400),
    HTTPRejection("bare LF in request line", "GET / HTTP/1.1\n", .bareLineFeed(context: "request line"), 400),
    HTTPRejection("bare LF in headers", "GET / HTTP/1.1\r\nHost: h\n\r\n", .bareLineFeed(context: "header section"), 400),
    HTTPRejection("bare LF after chunk data", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nx\n",
                  .bareLineFeed(context: "chunk data terminator"), 400),
    HTTPRejection("HTTP/1.1 without Host", "GET / HTTP/1.1\r\nAccept: */*\r\n\r\n", .missingHost, 400),
    HTTPRejection("two Host lines", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", .multipleHost, 400),
    HTTPRejection("unknown transfer coding before chunked", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
                  .unsupportedTransferCoding(coding: "gzip"), 501),
    HTTPRejection("chunked not last", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked, gzip\r\n\r\n",
                  .invalidTransferEncoding(value: "chunked, gzip"), 400),
    HTTPRejection("chunked twice", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n",
                  .invalidTransferEncoding(value: "chunked, chunked"), 400),
    HTTPRejection("identity coding", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: identity\r\n\r\n",
                  .invalidTransferEncoding(value: "identity"), 400),
    HTTPRejection("Transfer-Encoding on HTTP/1.0", "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n",
                  .invalidTransferEncoding(value: "chunked"), 400),
    HTTPRejection("asterisk-form with GET", "GET * HTTP/1.1\r\nHost: h\r\n\r\n",
                  .invalidTarget(target: "*", reason: "asterisk-form is only allowed with OPTIONS"), 400),
]

@Suite struct HTTPRequestParserLimitTests {
    @Test(arguments: httpRejections)
    func rejectsWithTheRightStatusWhateverTheSplit(_ rejection: HTTPRejection) {
        for feed in HTTPFeed.all(randomCount: 4) {
            let outcome = httpParseOutcome(rejection.wire.httpBytes, feed: feed, limits: rejection.limits)
            #expect(outcome.error == rejection.error, "\(rejection.name), fed \(feed): \(outcome)")
            #expect(outcome.error?.status.code == rejection.status, "\(rejection.name), fed \(feed)")
        }
    }

    @Test func requestLineLimitFiresOnceOneByteTooManyIsBuffered() {
        let limits = HTTPParserLimits(maxRequestLineBytes: 16)
        var parser = HTTPRequestParser(limits: limits)
        // 16 content bytes + CR may still become a valid line; the 18th byte without LF cannot.
        parser.append(Array(repeating: UInt8(ascii: "a"), count: 17))
        #expect(throws: Never.self) { try parser.next() }
        parser.append([UInt8(ascii: "a")])
        #expect(throws: HTTPParseError.requestLineTooLong(limit: 16)) { try parser.next() }
    }

    @Test func requestLineExactlyAtTheLimitIsAccepted() throws {
        let line = "GET /abcdefgh HTTP/1.1"  // 22 bytes
        var parser = HTTPRequestParser(limits: HTTPParserLimits(maxRequestLineBytes: line.utf8.count))
        parser.append((line + "\r\nHost: h\r\n\r\n").httpBytes)
        #expect(try parser.next() != nil)
    }

    @Test func headerLimitFiresWithoutWaitingForTheEndOfTheLine() {
        var parser = HTTPRequestParser(limits: HTTPParserLimits(maxHeaderBytes: 100))
        parser.append("GET / HTTP/1.1\r\nX-Big: ".httpBytes + Array(repeating: UInt8(ascii: "v"), count: 200))
        #expect(throws: HTTPParseError.headerSectionTooLarge(limit: 100)) { try parser.next() }
    }

    @Test func declaredBodyOverTheLimitIsRejectedBeforeAnyBodyByte() {
        var parser = HTTPRequestParser(limits: HTTPParserLimits(maxBodyBytes: 1024))
        parser.append("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1025\r\n\r\n".httpBytes)
        #expect(throws: HTTPParseError.bodyTooLarge(limit: 1024)) { try parser.next() }
    }

    @Test func bodyExactlyAtTheLimitIsAccepted() throws {
        var parser = HTTPRequestParser(limits: HTTPParserLimits(maxBodyBytes: 4))
        parser.append("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n2\r\ncd\r\n0\r\n\r\n".httpBytes)
        guard case .request(_, let body)? = try parser.next() else {
            Issue.record("no request")
            return
        }
        #expect(body == "abcd".httpBytes)
    }

    @Test func identicalRepeatedContentLengthsAreAccepted() throws {
        var parser = HTTPRequestParser()
        parser.append("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\nContent-Length: 2, 2\r\n\r\nok".httpBytes)
        guard case .request(let head, let body)? = try parser.next() else {
            Issue.record("no request")
            return
        }
        #expect(head.contentLength == 2)
        #expect(body == "ok".httpBytes)
    }

    @Test func parseErrorRendersAsJSONErrorResponse() {
        let error = HTTPParseError.tooManyHeaderFields(limit: 100)
        #expect(error.httpError.status == .requestHeaderFieldsTooLarge)
        #expect(String(decoding: error.httpError.encodeJSONBody(), as: UTF8.self)
            == #"{"error":{"code":"too_many_headers","message":"more than 100 header fields"}}"#)
    }
}
