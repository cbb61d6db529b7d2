// HTTPRequestParserTests: golden requests through the parser, each fed whole, byte by byte and in
// seeded random splits, in both body modes; plus the pull-API contracts (upgrade hand-off, idle).
import GatewayProtocols
import Testing

struct HTTPGoldenRequest: CustomStringConvertible, Sendable {
    let name: String
    let wire: String
    let expected: @Sendable () throws -> [HTTPParserEvent]

    var description: String { name }
}

let httpGoldenRequests: [HTTPGoldenRequest] = [
    HTTPGoldenRequest(
        name: "GET with query and percent-encoding",
        wire: "GET /v1/boards/top%20players/rank?player=al%C3%AFce&window=daily&x=a+b&flag HTTP/1.1\r\n"
            + "Host: example.com\r\nAccept: */*\r\n\r\n",
        expected: {
            [.request(try httpExpectedHead(.get, "/v1/boards/top%20players/rank?player=al%C3%AFce&window=daily&x=a+b&flag",
                                       ["Host": "example.com", "Accept": "*/*"]), body: [])]
        }),
    HTTPGoldenRequest(
        name: "POST with Content-Length",
        wire: "POST /v1/scores HTTP/1.1\r\nHost: h\r\nContent-Type: application/json\r\nContent-Length: 25\r\n\r\n"
            + #"{"player":"p1","score":7}"#,
        expected: {
            [.request(try httpExpectedHead(.post, "/v1/scores", ["Host": "h", "Content-Type": "application/json", "Content-Length": "25"]),
                      body: #"{"player":"p1","score":7}"#.httpBytes)]
        }),
    HTTPGoldenRequest(
        name: "chunked with extensions and trailers",
        wire: "POST /v1/scores HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "5;name=value\r\nhello\r\n6 ; q=\"a;\\\"b\" ;flag\r\n world\r\nA\r\n, chunked!\r\n"
            + "0;last\r\nX-Checksum: abc\r\nX-Other:  two \r\n\r\n",
        expected: {
            [.request(try httpExpectedHead(.post, "/v1/scores", ["Host": "h", "Transfer-Encoding": "chunked"]),
                      body: "hello world, chunked!".httpBytes)]
        }),
    HTTPGoldenRequest(
        name: "pipelined trio",
        wire: "GET /a HTTP/1.1\r\nHost: h\r\n\r\n"
            + "POST /b HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nxyz"
            + "GET /c HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n",
        expected: {
            [.request(try httpExpectedHead(.get, "/a", ["Host": "h"]), body: []),
             .request(try httpExpectedHead(.post, "/b", ["Host": "h", "Content-Length": "3"]), body: "xyz".httpBytes),
             .request(try httpExpectedHead(.get, "/c", ["Host": "h", "Connection": "close"]), body: [])]
        }),
    HTTPGoldenRequest(
        name: "100-continue",
        wire: "PUT /v1/boards/b1 HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\nabcd",
        expected: {
            let head = try httpExpectedHead(.put, "/v1/boards/b1", ["Host": "h", "Expect": "100-continue", "Content-Length": "4"])
            return [.expectContinue(head), .request(head, body: "abcd".httpBytes)]
        }),
    HTTPGoldenRequest(
        name: "HTTP/1.0 keep-alive, leading empty lines, OPTIONS *",
        wire: "\r\n\r\nOPTIONS * HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\nDELETE http://h:8080/x/y?z=1 HTTP/1.0\r\n\r\n",
        expected: {
            [.request(try httpExpectedHead(.options, "*", ["Connection": "Keep-Alive"], version: .http10), body: []),
             .request(try httpExpectedHead(.delete, "http://h:8080/x/y?z=1", [:], version: .http10), body: [])]
        }),
]

@Suite struct HTTPRequestParserTests {
    @Test(arguments: httpGoldenRequests)
    func goldenRequestGivesSameEventsWhateverTheSplit(_ golden: HTTPGoldenRequest) throws {
        let expected = HTTPParseOutcome(events: try golden.expected(), error: nil)
        for feed in HTTPFeed.all() {
            let outcome = httpParseOutcome(golden.wire.httpBytes, feed: feed)
            #expect(outcome == expected, "\(golden.name), fed \(feed)")
        }
    }

    @Test(arguments: httpGoldenRequests)
    func streamModeMatchesAggregateMode(_ golden: HTTPGoldenRequest) throws {
        var expected = HTTPParseOutcome()
        for event in try golden.expected() {
            switch event {
            case .request(let head, let body):
                expected.events.append(.head(head))
                if !body.isEmpty { expected.events.append(.body(body)) }
                expected.events.append(.end)
            default: break  // .expectContinue is aggregate-only; stream callers read head.expectsContinue
            }
        }
        for feed in HTTPFeed.all() {
            #expect(httpParseOutcome(golden.wire.httpBytes, feed: feed, mode: .stream) == expected, "\(golden.name), fed \(feed)")
        }
    }

    @Test func decodesTargetIntoPathSegmentsAndQuery() throws {
        let outcome = httpParseOutcome(httpGoldenRequests[0].wire.httpBytes, feed: .whole)
        guard case .request(let head, _)? = outcome.events.first else {
            Issue.record("no request: \(outcome)")
            return
        }
        #expect(head.method == .get)
        #expect(head.path == "/v1/boards/top players/rank")
        #expect(head.pathSegments == ["v1", "boards", "top players", "rank"])
        #expect(head.query("player") == "alïce")
        #expect(head.query("x") == "a b")
        #expect(head.query("flag") == "")
        #expect(head.query("missing") == nil)
        #expect(head.version == .http11)
        #expect(head.keepAlive)
        #expect(head.headers["host"] == "example.com")
        #expect(!head.hasBody)
    }

    @Test func pipelinedRequestsArePulledOneAtATime() throws {
        var parser = HTTPRequestParser()
        parser.append(httpGoldenRequests[3].wire.httpBytes)
        guard case .request(let first, _)? = try parser.next() else {
            Issue.record("first request missing")
            return
        }
        #expect(first.path == "/a")
        #expect(parser.bufferedByteCount > 0)
        #expect(!parser.isIdle)
        _ = try parser.next()
        guard case .request(let third, _)? = try parser.next() else {
            Issue.record("third request missing")
            return
        }
        #expect(!third.keepAlive)
        #expect(try parser.next() == nil)
        #expect(parser.isIdle)
    }

    @Test func upgradeRequestHandsOverTheBytesBehindIt() throws {
        var parser = HTTPRequestParser()
        let frame: [UInt8] = [0x81, 0x85, 1, 2, 3, 4, 0x49, 0x67, 0x6F, 0x68, 0x6E]  // a masked WebSocket text frame
        parser.append(("GET /v1/ws HTTP/1.1\r\nHost: h\r\nConnection: keep-alive, Upgrade\r\nUpgrade: websocket\r\n"
            + "Sec-WebSocket-Version: 13\r\n\r\n").httpBytes + frame)
        guard case .request(let head, _)? = try parser.next() else {
            Issue.record("upgrade request missing")
            return
        }
        #expect(head.upgrade == ["websocket"])
        #expect(head.headers.containsToken("upgrade", in: "Connection"))
        #expect(parser.takeBufferedBytes() == frame)
        #expect(parser.isIdle)
    }

    @Test func expectContinueIsReportedBeforeTheBodyArrives() throws {
        var parser = HTTPRequestParser()
        parser.append("POST /v1/scores HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n".httpBytes)
        guard case .expectContinue(let head)? = try parser.next() else {
            Issue.record("no expectContinue")
            return
        }
        #expect(head.expectsContinue)
        #expect(try parser.next() == nil)
        parser.append("ok".httpBytes)
        #expect(try parser.next() == .request(head, body: "ok".httpBytes))
    }

    @Test func readsStraightIntoTheBuffer() throws {
        var parser = HTTPRequestParser()
        let wire = "GET / HTTP/1.1\r\nHost: h\r\n\r\n".httpBytes
        let written = parser.append(readingUpTo: 4096) { destination in
            destination.copyBytes(from: wire)
            return wire.count
        }
        #expect(written == wire.count)
        #expect(parser.append(readingUpTo: 16) { _ in -1 } == -1)
        #expect(parser.bufferedByteCount == wire.count)
        guard case .request(let head, _)? = try parser.next() else {
            Issue.record("no request")
            return
        }
        #expect(head.path == "/")
    }

    @Test func errorIsSticky() {
        var parser = HTTPRequestParser()
        parser.append("GET / HTTP/9.9\r\n".httpBytes)
        #expect(throws: HTTPParseError.unsupportedVersion(version: "HTTP/9.9")) { try parser.next() }
        parser.append("GET / HTTP/1.1\r\nHost: h\r\n\r\n".httpBytes)
        #expect(throws: HTTPParseError.unsupportedVersion(version: "HTTP/9.9")) { try parser.next() }
        #expect(parser.hasFailed)
    }

    @Test func largeBodyInManyAppendsIsAssembledOnce() throws {
        var random = HTTPTestRandom(seed: 77)
        let body = (0..<300_000).map { _ in UInt8.random(in: 0...255, using: &random) }
        var parser = HTTPRequestParser()
        parser.append("POST /big HTTP/1.1\r\nHost: h\r\nContent-Length: \(body.count)\r\n\r\n".httpBytes)
        var received: [HTTPParserEvent] = []
        var offset = 0
        while offset < body.count {
            let end = min(body.count, offset + 1500)
            parser.append(Array(body[offset..<end]))
            while let event = try parser.next() { received.append(event) }
            offset = end
        }
        #expect(received.count == 1)
        guard case .request(_, let assembled)? = received.first else { return }
        #expect(assembled == body)
    }
}
