// ServerSentEventParser against the WHATWG HTML event-stream examples and rules (BOM, line
// ends, field parsing, id with NUL, retry digits, dispatch), whole, byte by byte and split.
import Testing
@testable import GatewayProtocols

struct SSEParserTests {
    /// Parses `stream` whole, byte by byte and in seeded random splits; all must agree.
    private static func parseInEverySplit(_ stream: [UInt8], seed: UInt64 = 0x55EA,
                                          sourceLocation: SourceLocation = #_sourceLocation) throws -> (events: [ServerSentEvent], parser: ServerSentEventParser) {
        var wholeParser = ServerSentEventParser()
        var whole: [ServerSentEvent] = []
        try wholeParser.parse(stream, into: &whole)
        var random = WebSocketTestRandom(seed: seed)
        var feeds = [WebSocketTestBytes.byteByByte(stream)]
        for _ in 0..<20 { feeds.append(WebSocketTestBytes.randomSplit(stream, using: &random, maxChunk: 7)) }
        for (index, chunks) in feeds.enumerated() {
            var parser = ServerSentEventParser()
            var events: [ServerSentEvent] = []
            for chunk in chunks { try parser.parse(chunk, into: &events) }
            #expect(events == whole, "seed \(seed) feed \(index)", sourceLocation: sourceLocation)
            #expect(parser.lastEventID == wholeParser.lastEventID, sourceLocation: sourceLocation)
        }
        return (whole, wholeParser)
    }

    private static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    @Test func joinsDataLinesWithNewlines() throws {
        // WHATWG example: a stock ticker event over three data lines.
        let (events, _) = try Self.parseInEverySplit(Self.bytes("data: YHOO\ndata: +2\ndata: 10\n\n"))
        #expect(events == [ServerSentEvent(data: "YHOO\n+2\n10")])
    }

    @Test func tracksLastEventIDAndIgnoresUnterminatedEvent() throws {
        // WHATWG example: comment block, "first event" with id 1, "second event" with an empty
        // id (resets it), and " third event" which is never dispatched (no blank line after it).
        let stream = ": test stream\n\ndata: first event\nid: 1\n\ndata:second event\nid\n\ndata:  third event\n"
        let (events, parser) = try Self.parseInEverySplit(Self.bytes(stream))
        #expect(events == [
            ServerSentEvent(data: "first event", lastEventID: "1"),
            ServerSentEvent(data: "second event", lastEventID: ""),
        ])
        #expect(parser.lastEventID == "")
    }

    @Test func emptyDataFieldsAndDiscardedTail() throws {
        // WHATWG example: "data" alone gives empty data; two of them give "\n"; the last block
        // lacks its blank line and is discarded.
        let (events, _) = try Self.parseInEverySplit(Self.bytes("data\n\ndata\ndata\n\ndata:"))
        #expect(events == [ServerSentEvent(data: ""), ServerSentEvent(data: "\n")])
    }

    @Test func stripsOnlyOneLeadingSpaceFromValues() throws {
        // WHATWG example: "data:test" and "data: test" are the same event.
        let (events, _) = try Self.parseInEverySplit(Self.bytes("data:test\n\ndata: test\n\ndata:  two spaces\n\n"))
        #expect(events == [ServerSentEvent(data: "test"), ServerSentEvent(data: "test"), ServerSentEvent(data: " two spaces")])
    }

    @Test func acceptsCRLFAndCRAndLFLineEndsMixed() throws {
        let (events, _) = try Self.parseInEverySplit(Self.bytes("event: a\r\ndata: 1\r\r\nevent: b\rdata: 2\r\rdata: 3\n\r\n"))
        #expect(events == [
            ServerSentEvent(type: "a", data: "1"), ServerSentEvent(type: "b", data: "2"), ServerSentEvent(data: "3"),
        ])
    }

    @Test func crAtTheEndOfAChunkFollowedByLFIsOneLineEnd() throws {
        var parser = ServerSentEventParser()
        var events: [ServerSentEvent] = []
        try parser.parse(Self.bytes("data: x\r"), into: &events)
        try parser.parse(Self.bytes("\n\r"), into: &events)
        #expect(events == [ServerSentEvent(data: "x")])
        try parser.parse(Self.bytes("\ndata: y\n\n"), into: &events)
        #expect(events == [ServerSentEvent(data: "x"), ServerSentEvent(data: "y")])
    }

    @Test func stripsOneLeadingByteOrderMark() throws {
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
        let (events, _) = try Self.parseInEverySplit(bom + Self.bytes("data: a\n\n"))
        #expect(events == [ServerSentEvent(data: "a")])
        // A second BOM is not stripped: it becomes part of the field name, which is unknown.
        let (twice, _) = try Self.parseInEverySplit(bom + bom + Self.bytes("data: a\n\ndata: b\n\n"))
        #expect(twice == [ServerSentEvent(data: "b")])
    }

    @Test func partialByteOrderMarkIsOrdinaryInput() throws {
        // EF BB then "data..." is not a BOM; the bytes belong to the first field name.
        let (events, _) = try Self.parseInEverySplit([0xEF, 0xBB] + Self.bytes("\ndata: a\n\n"))
        #expect(events == [ServerSentEvent(data: "a")])
    }

    @Test func idContainingNULIsIgnored() throws {
        let (events, _) = try Self.parseInEverySplit(Self.bytes("id: 7\ndata: a\n\nid: 8\u{0}x\ndata: b\n\n"))
        #expect(events.map(\.lastEventID) == ["7", "7"])
    }

    @Test func idIsKeptAcrossEventsAndAppliedEvenWithoutData() throws {
        let (events, parser) = try Self.parseInEverySplit(Self.bytes("id: 5\n\ndata: a\n\n"))
        #expect(events == [ServerSentEvent(data: "a", lastEventID: "5")])
        #expect(parser.lastEventID == "5")
    }

    @Test(arguments: [
        ("retry: 1500\n", 1500 as UInt64?),
        ("retry:0\n", 0),
        ("retry: 15x\n", nil),
        ("retry: -1\n", nil),
        ("retry: \n", nil),
        ("retry:  5\n", nil),  // the second space is not a digit
        ("retry: 99999999999999999999999\n", nil),
        ("retry: 10\nretry: abc\n", 10),
    ])
    func retryAcceptsOnlyDigits(stream: String, expected: UInt64?) throws {
        let (_, parser) = try Self.parseInEverySplit(Self.bytes(stream))
        #expect(parser.reconnectionTimeMilliseconds == expected)
    }

    @Test func ignoresCommentsAndUnknownFields() throws {
        let (events, _) = try Self.parseInEverySplit(Self.bytes(":comment\nfoo: bar\nDATA: no\ndata: yes\n\n"))
        #expect(events == [ServerSentEvent(data: "yes")])
    }

    @Test func emptyEventTypeMeansMessage() throws {
        let (events, _) = try Self.parseInEverySplit(Self.bytes("event:\ndata: a\n\nevent: x\n\ndata: b\n\n"))
        #expect(events == [ServerSentEvent(data: "a"), ServerSentEvent(data: "b")], "type resets after each dispatch")
    }

    @Test func invalidUTF8BecomesReplacementCharacters() throws {
        let (events, _) = try Self.parseInEverySplit(Self.bytes("data: a") + [0xFF] + Self.bytes("b\n\n"))
        #expect(events == [ServerSentEvent(data: "a\u{FFFD}b")])
    }

    @Test func finishDiscardsThePendingEvent() throws {
        var parser = ServerSentEventParser()
        var events: [ServerSentEvent] = []
        try parser.parse(Self.bytes("id: 3\ndata: a\n\ndata: lost\n"), into: &events)
        parser.finish()
        try parser.parse(Self.bytes("data: b\n\n"), into: &events)
        #expect(events == [ServerSentEvent(data: "a", lastEventID: "3"), ServerSentEvent(data: "b", lastEventID: "3")])
    }

    @Test func rejectsLinesLongerThanTheLimit() {
        var parser = ServerSentEventParser(maxLineBytes: 16)
        var events: [ServerSentEvent] = []
        #expect(throws: ServerSentEventParseError.lineTooLong(limit: 16)) {
            try parser.parse(Array(repeating: UInt8(ascii: "a"), count: 17), into: &events)
        }
    }

    @Test func randomBytesNeverTrapAndParseTheSameInAnySplit() throws {
        let seed: UInt64 = 0x55E_F022
        var random = WebSocketTestRandom(seed: seed)
        let vocabulary = ["data", "id", "event", "retry", ":", " ", "\n", "\r", "\r\n", "x", "7", "\u{0}", "\u{FEFF}"].map { Array($0.utf8) }
        for iteration in 0..<300 {
            var stream: [UInt8] = []
            for _ in 0..<Int.random(in: 0...30, using: &random) {
                stream += random.next() % 4 == 0 ? random.bytes(2) : vocabulary.randomElement(using: &random)!
            }
            var wholeParser = ServerSentEventParser()
            var whole: [ServerSentEvent] = []
            try wholeParser.parse(stream, into: &whole)
            var splitParser = ServerSentEventParser()
            var split: [ServerSentEvent] = []
            for chunk in WebSocketTestBytes.randomSplit(stream, using: &random, maxChunk: 4) { try splitParser.parse(chunk, into: &split) }
            #expect(whole == split, "seed \(seed) iteration \(iteration)")
            #expect(wholeParser.reconnectionTimeMilliseconds == splitParser.reconnectionTimeMilliseconds)
        }
    }
}
