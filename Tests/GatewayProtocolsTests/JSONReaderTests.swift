// JSONReaderTests: the pull API on known shapes, strings (escapes, surrogates, UTF-8), numbers at
// the Int64 edges, the depth limit, and a table of malformed documents with reason and offset.
import GatewayProtocols
import Testing

struct JSONRejection: CustomStringConvertible, Sendable {
    let document: [UInt8]
    let error: JSONError
    let note: String

    init(_ text: String, _ offset: Int, _ reason: JSONError.Reason) {
        self.init(bytes: Array(text.utf8), offset, reason, note: text)
    }

    init(bytes: [UInt8], _ offset: Int, _ reason: JSONError.Reason, note: String) {
        document = bytes
        error = JSONError(offset: offset, reason: reason)
        self.note = note
    }

    var description: String { note.debugDescription }
}

let jsonRejections: [JSONRejection] = [
    JSONRejection("", 0, .unexpectedEnd),
    JSONRejection("   ", 3, .unexpectedEnd),
    JSONRejection("[1,]", 3, .unexpectedByte(0x5D, expected: "value")),
    JSONRejection("{\"a\":1,}", 7, .unexpectedByte(0x7D, expected: "string key")),
    JSONRejection("{\"a\" 1}", 5, .unexpectedByte(0x31, expected: "':'")),
    JSONRejection("{a:1}", 1, .unexpectedByte(0x61, expected: "string key")),
    JSONRejection("[1 2]", 3, .unexpectedByte(0x32, expected: "',' or ']'")),
    JSONRejection("[1}", 2, .unexpectedByte(0x7D, expected: "',' or ']'")),
    JSONRejection("{\"a\":1]", 6, .unexpectedByte(0x5D, expected: "',' or '}'")),
    JSONRejection("[1", 2, .unexpectedEnd),
    JSONRejection("// c\n1", 0, .unexpectedByte(0x2F, expected: "value")),
    JSONRejection("1 /* c */", 2, .trailingData),
    JSONRejection("1 2", 2, .trailingData),
    JSONRejection("01", 0, .leadingZero),
    JSONRejection("-01", 0, .leadingZero),
    JSONRejection("[00]", 1, .leadingZero),
    JSONRejection("-", 1, .unexpectedEnd),
    JSONRejection("-a", 0, .invalidNumber),
    JSONRejection("1.", 0, .invalidNumber),
    JSONRejection("1.e3", 0, .invalidNumber),
    JSONRejection("1e", 0, .invalidNumber),
    JSONRejection("1e+", 0, .invalidNumber),
    JSONRejection(".5", 0, .unexpectedByte(0x2E, expected: "value")),
    JSONRejection("+1", 0, .unexpectedByte(0x2B, expected: "value")),
    JSONRejection("0x10", 1, .trailingData),
    JSONRejection("NaN", 0, .unexpectedByte(0x4E, expected: "value")),
    JSONRejection("Infinity", 0, .unexpectedByte(0x49, expected: "value")),
    JSONRejection("-Infinity", 0, .invalidNumber),
    JSONRejection("1e400", 0, .numberOutOfRange),
    JSONRejection("tru", 3, .unexpectedEnd),
    JSONRejection("nul1", 3, .unexpectedByte(0x31, expected: "'null'")),
    JSONRejection("True", 0, .unexpectedByte(0x54, expected: "value")),
    JSONRejection("\"abc", 4, .unexpectedEnd),
    JSONRejection("\"a\tb\"", 2, .controlCharacterInString),
    JSONRejection("\"a\nb\"", 2, .controlCharacterInString),
    JSONRejection("\"\\x\"", 1, .invalidEscape),
    JSONRejection("\"\\u12G4\"", 1, .invalidEscape),
    JSONRejection("\"\\u12\"", 1, .invalidEscape),
    JSONRejection("\"\\ud800\"", 1, .loneSurrogate),
    JSONRejection("\"\\udc00\"", 1, .loneSurrogate),
    JSONRejection("\"\\ud800\\u0041\"", 1, .loneSurrogate),
    JSONRejection("\"\\ud800x\"", 1, .loneSurrogate),
    JSONRejection("\u{FEFF}1", 0, .unexpectedByte(0xEF, expected: "value")),
    JSONRejection("\u{A0}1", 0, .unexpectedByte(0xC2, expected: "value")),
    JSONRejection("{\"a\":1,\"a\":2}", 7, .duplicateKey("a")),
    JSONRejection(bytes: [0x22, 0xFF, 0x22], 1, .invalidUTF8, note: "0xFF"),
    JSONRejection(bytes: [0x22, 0xC0, 0xAF, 0x22], 1, .invalidUTF8, note: "overlong slash"),
    JSONRejection(bytes: [0x22, 0xE0, 0x80, 0xAF, 0x22], 1, .invalidUTF8, note: "overlong 3-byte"),
    JSONRejection(bytes: [0x22, 0xED, 0xA0, 0x80, 0x22], 1, .invalidUTF8, note: "encoded surrogate"),
    JSONRejection(bytes: [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22], 1, .invalidUTF8, note: "above U+10FFFF"),
    JSONRejection(bytes: [0x22, 0x61, 0x80, 0x22], 2, .invalidUTF8, note: "lone continuation"),
    JSONRejection(bytes: [0x22, 0xE2, 0x82, 0x22], 1, .invalidUTF8, note: "truncated sequence"),
    JSONRejection(bytes: [0x22, 0xF0, 0x9F, 0x98], 4, .unexpectedEnd, note: "sequence cut by the end"),
]

@Suite struct JSONReaderTests {
    @Test(arguments: jsonRejections)
    func rejectsMalformedDocuments(_ rejection: JSONRejection) {
        #expect(throws: rejection.error) { _ = try JSONValue(parsing: rejection.document) }
        // Skipping must be exactly as strict as reading.
        var reader = JSONReader(rejection.document)
        let skipped = Result { () throws(JSONError) in
            try reader.skipValue()
            try reader.finish()
        }
        switch rejection.error.reason {
        case .duplicateKey, .numberOutOfRange:
            #expect(throws: Never.self) { try skipped.get() }  // DOM rules: skipping checks syntax only
        default:
            #expect(throws: rejection.error) { try skipped.get() }
        }
    }

    @Test func decodesAKnownShapeWithoutATree() throws {
        let body = Array(#" { "player" : "p\u00e9", "score": -42, "meta": {"x": [1, {"y": null}]}, "ok": true, "t": 1.5 } "#.utf8)
        var reader = JSONReader(body)
        var player = ""
        var score: Int64 = 0
        var ok = false
        var time = 0.0
        try reader.readObject { reader, key throws(JSONError) in
            switch key {
            case "player": player = try reader.readString()
            case "score": score = try reader.readInt64()
            case "ok": ok = try reader.readBool()
            case "t": time = try reader.readDouble()
            default: try reader.skipValue()
            }
        }
        try reader.finish()
        #expect(player == "pé" && score == -42 && ok && time == 1.5)
        #expect(reader.depth == 0)
    }

    @Test func readsStringEscapesAndUnicode() throws {
        let document = Array(#"["\"\\\/\b\f\n\r\t", "\u0041\u00e9\u20AC", "\ud83d\ude00", "é€😀", "", "\u0000"]"#.utf8)
        let value = try JSONValue(parsing: document)
        #expect(value == .array([.string("\"\\/\u{8}\u{C}\n\r\t"), .string("Aé€"), .string("😀"), .string("é€😀"),
                                 .string(""), .string("\u{0}")]))
    }

    @Test func readsInt64EdgesExactlyAndReportsOverflow() throws {
        var reader = JSONReader(Array("[-9223372036854775808, 9223372036854775807, 9223372036854775808, -9223372036854775809]".utf8))
        try reader.beginArray()
        #expect(try reader.nextElement())
        #expect(try reader.readInt64() == Int64.min)
        #expect(try reader.nextElement())
        #expect(try reader.readInt64() == Int64.max)
        #expect(try reader.nextElement())
        #expect(throws: JSONError(offset: 44, reason: .integerOutOfRange)) { try reader.readInt64() }
        // The DOM falls back to Double for the same literals.
        let value = try JSONValue(parsing: Array("[9223372036854775808, -9223372036854775809, 100000000000000000000000]".utf8))
        #expect(value == .array([.double(9.223372036854775808e18), .double(-9.223372036854775809e18), .double(1e23)]))
    }

    @Test(arguments: [("1e3", Int64(1000)), ("100.0", 100), ("-2.5e1", -25), ("9007199254740992.0", 9_007_199_254_740_992)])
    func readsIntegralNumbersWithFractionOrExponentAsIntegers(_ text: String, _ expected: Int64) throws {
        var reader = JSONReader(Array(text.utf8))
        #expect(try reader.readInt64() == expected)
    }

    @Test(arguments: ["1.5", "1e-1", "1e20", "18014398509481984.0"])
    func refusesNonIntegersAsIntegers(_ text: String) {
        var reader = JSONReader(Array(text.utf8))
        #expect(throws: JSONError(offset: 0, reason: .notAnInteger)) { try reader.readInt64() }
    }

    @Test func depthLimitAllowsTheLimitAndRejectsOneMore() throws {
        let atLimit = Array((String(repeating: "[", count: 64) + String(repeating: "]", count: 64)).utf8)
        #expect(throws: Never.self) { _ = try JSONValue(parsing: atLimit) }
        let pastLimit = Array((String(repeating: "[", count: 65) + String(repeating: "]", count: 65)).utf8)
        #expect(throws: JSONError(offset: 64, reason: .depthLimitExceeded(limit: 64))) { _ = try JSONValue(parsing: pastLimit) }
        let objects = Array((String(repeating: "{\"a\":", count: 3) + "1" + String(repeating: "}", count: 3)).utf8)
        #expect(throws: JSONError(offset: 10, reason: .depthLimitExceeded(limit: 2))) { _ = try JSONValue(parsing: objects, maxDepth: 2) }
        var skipper = JSONReader(pastLimit)
        #expect(throws: JSONError(offset: 64, reason: .depthLimitExceeded(limit: 64))) { try skipper.skipValue() }
    }

    @Test func reportsTypeMismatchesWithTheirPosition() {
        var reader = JSONReader(Array(#"{"score": "12"}"#.utf8))
        #expect(throws: JSONError(offset: 10, reason: .typeMismatch(expected: .number, found: .string))) {
            try reader.readObject { reader, _ throws(JSONError) in _ = try reader.readInt64() }
        }
        var other = JSONReader(Array("[]".utf8))
        #expect(throws: JSONError(offset: 0, reason: .typeMismatch(expected: .object, found: .array))) { try other.beginObject() }
    }

    @Test func callerErrorsCarryTheCurrentOffset() {
        let reader = JSONReader(Array(#"{"score": 5}"#.utf8))
        let error = reader.error("score out of range")
        #expect(error == JSONError(offset: 0, reason: .invalidValue("score out of range")))
        #expect(error.description == "offset 0: score out of range")
    }

    @Test func nullHandling() throws {
        var reader = JSONReader(Array("[null, 1]".utf8))
        try reader.beginArray()
        _ = try reader.nextElement()
        #expect(try reader.readNullIfPresent())
        _ = try reader.nextElement()
        #expect(try !reader.readNullIfPresent())
        #expect(try reader.readInt64() == 1)
        #expect(try !reader.nextElement())
        try reader.finish()
    }

    @Test func readsTopLevelScalarsWithSurroundingWhitespace() throws {
        #expect(try JSONValue(parsing: Array(" \t\r\n-0.0e0 \n".utf8)) == .double(-0.0))
        #expect(try JSONValue(parsing: Array("\"x\"".utf8)) == .string("x"))
        #expect(try JSONValue(parsing: Array("false".utf8)) == .bool(false))
    }
}
