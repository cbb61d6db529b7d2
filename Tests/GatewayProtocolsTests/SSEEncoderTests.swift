// ServerSentEventEncoder: exact bytes for events, multi-line data, comments, retry and the
// prefix/suffix form; and that our parser reads back exactly what was written.
import Testing
@testable import GatewayProtocols

struct SSEEncoderTests {
    private static func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    @Test func writesAllFieldsInOrderAndEndsWithABlankLine() {
        var buffer: [UInt8] = []
        ServerSentEventEncoder.writeEvent(id: 42, event: "board", data: #"{"top":[1,2]}"#, retryMilliseconds: 3000, into: &buffer)
        #expect(Self.text(buffer) == "id: 42\nevent: board\ndata: {\"top\":[1,2]}\nretry: 3000\n\n")
    }

    @Test func writesOnlyDataWhenNothingElseIsGiven() {
        var buffer: [UInt8] = []
        ServerSentEventEncoder.writeEvent(data: "hello", into: &buffer)
        #expect(Self.text(buffer) == "data: hello\n\n")
    }

    @Test(arguments: [
        ("a\nb", "data: a\ndata: b\n\n"),
        ("a\r\nb", "data: a\ndata: b\n\n"),
        ("a\rb", "data: a\ndata: b\n\n"),
        ("a\n\nb", "data: a\ndata: \ndata: b\n\n"),
        ("a\n", "data: a\ndata: \n\n"),
        ("\r\n", "data: \ndata: \n\n"),
        ("", "data: \n\n"),
    ])
    func splitsDataAtEveryKindOfLineBreak(data: String, expected: String) {
        var buffer: [UInt8] = []
        ServerSentEventEncoder.writeEvent(data: data, into: &buffer)
        #expect(Self.text(buffer) == expected)
    }

    @Test func prefixPayloadSuffixEqualsAWholeEvent() {
        let payload = Array(#"{"type":"board","seq":7}"#.utf8)
        var whole: [UInt8] = []
        ServerSentEventEncoder.writeEvent(id: 7, event: "board", data: payload, into: &whole)
        var prefix: [UInt8] = []
        ServerSentEventEncoder.writeEventPrefix(id: 7, event: "board", into: &prefix)
        var suffix: [UInt8] = []
        ServerSentEventEncoder.writeEventSuffix(into: &suffix)
        #expect(prefix + payload + suffix == whole)
        #expect(suffix == ServerSentEventEncoder.eventSuffix)
        #expect(!payload.withUnsafeBytes { ServerSentEventEncoder.containsLineBreak($0) })
        #expect([UInt8]("a\rb".utf8).withUnsafeBytes { ServerSentEventEncoder.containsLineBreak($0) })
    }

    @Test func writesCommentsAndStandaloneRetry() {
        var buffer: [UInt8] = []
        ServerSentEventEncoder.writeComment("keep-alive", into: &buffer)
        ServerSentEventEncoder.writeComment("two\nlines", into: &buffer)
        ServerSentEventEncoder.writeComment("", into: &buffer)
        ServerSentEventEncoder.writeRetry(milliseconds: 0, into: &buffer)
        #expect(Self.text(buffer) == ": keep-alive\n: two\n: lines\n:\nretry: 0\n")
    }

    @Test(arguments: [0, 9, 10, 1_234_567_890, UInt64.max] as [UInt64])
    func writesIdsInDecimal(id: UInt64) {
        var buffer: [UInt8] = []
        ServerSentEventEncoder.writeEventPrefix(id: id, into: &buffer)
        #expect(Self.text(buffer) == "id: \(id)\ndata: ")
    }

    @Test func parserReadsBackWhatTheEncoderWrote() throws {
        let seed: UInt64 = 0x55E
        var random = WebSocketTestRandom(seed: seed)
        var stream: [UInt8] = []
        var expected: [ServerSentEvent] = []
        let alphabet = Array("ab é\n\r😀:".unicodeScalars)
        for id in 1...200 as ClosedRange<UInt64> {
            var data = String()
            for _ in 0..<Int.random(in: 0...20, using: &random) { data.unicodeScalars.append(alphabet.randomElement(using: &random)!) }
            let type = random.next() % 2 == 0 ? nil : "rank"
            ServerSentEventEncoder.writeEvent(id: id, event: type, data: data, into: &stream)
            if random.next() % 5 == 0 { ServerSentEventEncoder.writeComment("keep-alive", into: &stream) }
            // Every line break comes back as "\n".
            let normalized = data.replacingCRLFAndCR()
            expected.append(ServerSentEvent(type: type ?? "message", data: normalized, lastEventID: String(id)))
        }
        var parser = ServerSentEventParser()
        var events: [ServerSentEvent] = []
        for chunk in WebSocketTestBytes.randomSplit(stream, using: &random, maxChunk: 30) {
            try parser.parse(chunk, into: &events)
        }
        #expect(events == expected, "seed \(seed)")
    }
}

extension String {
    /// This string with CRLF and lone CR replaced by LF (test oracle, deliberately naive).
    func replacingCRLFAndCR() -> String {
        var result = String()
        var previousWasCR = false
        for scalar in unicodeScalars {
            if scalar == "\n" && previousWasCR {
                previousWasCR = false
                continue
            }
            previousWasCR = scalar == "\r"
            result.unicodeScalars.append(scalar == "\r" ? "\n" : scalar)
        }
        return result
    }
}
