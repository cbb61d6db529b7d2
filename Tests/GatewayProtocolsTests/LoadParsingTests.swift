// The load generator's command-line and response parsing: options name the bad option, URLs and
// source ranges accept only what they document, response heads parse whole and split.
import Testing
@testable import overtake_load

struct LoadParsingTests {
    @Test func optionsAreTypedRangeCheckedAndUnknownOnesRejected() throws {
        var o = try LoadOptions(["--connections", "19000", "--hold", "2.5", "--typo", "1"])
        #expect(try o.int("connections", default: nil, range: 1...20_000) == 19_000)
        #expect(try o.double("hold", default: 10, range: 0...60) == 2.5)
        #expect(try o.int("loops", default: 1, range: 1...4) == 1)
        #expect(throws: LoadOptionError.unknown(option: "typo")) { try o.checkUnknown() }
        var bad = try LoadOptions(["--connections", "20001"])
        #expect(throws: LoadOptionError.invalid(option: "connections", value: "20001", expected: "an integer in 1…20000")) {
            try bad.int("connections", default: nil, range: 1...20_000)
        }
        #expect(throws: LoadOptionError.missingValue(option: "url")) { try LoadOptions(["--url"]) }
        #expect(throws: LoadOptionError.unexpected(word: "idle")) { try LoadOptions(["idle"]) }
        var empty = try LoadOptions([])
        #expect(throws: LoadOptionError.required(option: "url")) { try empty.requiredString("url") }
    }

    @Test(arguments: [
        ("ws://127.0.0.1:18090", LoadTarget(host: "127.0.0.1", port: 18090)),
        ("http://10.0.0.2:80/v1/ws", LoadTarget(host: "10.0.0.2", port: 80)),
    ])
    func parsesTargets(url: String, target: LoadTarget) throws {
        #expect(try LoadTarget.parse(url) == target)
    }

    @Test(arguments: ["127.0.0.1:80", "ws://localhost:80", "ws://127.0.0.1", "ws://127.0.0.1:0", "ws://127.0.0.1:70000", "wss://127.0.0.1:1"])
    func rejectsOtherTargets(url: String) {
        #expect(throws: LoadOptionError.self) { try LoadTarget.parse(url) }
    }

    @Test func sourceRangesAreInclusiveAndBounded() throws {
        let range = try SourceAddresses.parse("127.0.0.2-127.0.0.20")
        #expect(range.hosts.count == 19)
        #expect(range.hosts.first == "127.0.0.2" && range.hosts.last == "127.0.0.20")
        #expect(try SourceAddresses.parse("10.0.0.255-10.0.1.1").hosts == ["10.0.0.255", "10.0.1.0", "10.0.1.1"])
        #expect(try SourceAddresses.parse("127.0.0.5").hosts == ["127.0.0.5"])
        for bad in ["127.0.0.20-127.0.0.2", "127.0.0.1-127.0.2.0", "127.0.0", "127.0.0.256", "a.b.c.d", "1.2.3.4-"] {
            #expect(throws: LoadOptionError.self, "\(bad)") { try SourceAddresses.parse(bad) }
        }
    }

    /// A 101 head followed by the first 4 bytes of a frame.
    static let response = Array("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nSec-WebSocket-Accept:  abc= \r\nContent-Length: 0\r\n\r\n".utf8)
        + [0x81, 0x02, 0x68, 0x69]

    @Test func parsesAResponseHeadWholeOrOnlyOnceComplete() throws {
        let head = try Self.response.withUnsafeBytes { try HTTPResponseHead.parse($0) }
        #expect(head?.status == 101)
        #expect(head?.header("sec-websocket-accept") == "abc=")
        #expect(head?.length == Self.response.count - 4)
        #expect(try head?.contentLength() == 0)
        for cut in 0..<(Self.response.count - 4) {
            let partial = Array(Self.response[..<cut])
            #expect(try partial.withUnsafeBytes { try HTTPResponseHead.parse($0) } == nil, "cut \(cut)")
        }
    }

    @Test func rejectsMalformedHeads() {
        let cases: [(String, HTTPResponseHead.Failure)] = [
            ("HTTP/2 200 OK\r\n\r\n", .badStatusLine("HTTP/2 200 OK")),
            ("HTTP/1.1 20 OK\r\n\r\n", .badStatusLine("HTTP/1.1 20 OK")),
            ("HTTP/1.1 200 OK\r\nNoColon\r\n\r\n", .badHeaderLine("NoColon")),
        ]
        for (text, failure) in cases {
            #expect(throws: failure) { try Array(text.utf8).withUnsafeBytes { try HTTPResponseHead.parse($0) } }
        }
        let bad = Array("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n".utf8)
        #expect(throws: HTTPResponseHead.Failure.badContentLength("-1")) {
            try bad.withUnsafeBytes { try HTTPResponseHead.parse($0) }?.contentLength()
        }
        let endless = [UInt8](repeating: 0x41, count: 70_000)
        #expect(throws: HTTPResponseHead.Failure.tooLong(70_000)) { try endless.withUnsafeBytes { try HTTPResponseHead.parse($0) } }
    }

    @Test func formatsFixedPointWithoutFoundation() {
        #expect(LoadReport.fixed(1.2345, 2) == "1.23")
        #expect(LoadReport.fixed(-0.5, 0) == "-1")
        #expect(LoadReport.fixed(2, 3) == "2.000")
        #expect(LoadReport.fixed(0.05, 1) == "0.1")
        #expect(LoadReport.grouped(1_234_567) == "1,234,567")
        #expect(LoadReport.grouped(-12) == "-12")
    }
}
