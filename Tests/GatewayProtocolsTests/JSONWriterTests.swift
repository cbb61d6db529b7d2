// JSONWriterTests: exact bytes of the writer: separators, escapes, integer extremes, doubles,
// raw insertion, and buffer reuse.
import GatewayProtocols
import Testing

@Suite struct JSONWriterTests {
    private func text(_ writer: JSONWriter) -> String { String(decoding: writer.bytes, as: UTF8.self) }

    @Test func placesCommasAndColonsAcrossNesting() {
        var writer = JSONWriter()
        writer.beginObject()
        writer.key("type")
        writer.string("overtaken")
        writer.key("by")
        writer.beginArray()
        writer.string("p7")
        writer.beginObject()
        writer.endObject()
        writer.beginArray()
        writer.endArray()
        writer.null()
        writer.endArray()
        writer.key("rank")
        writer.int(12)
        writer.key("ok")
        writer.bool(true)
        writer.key("no")
        writer.bool(false)
        writer.endObject()
        #expect(text(writer) == #"{"type":"overtaken","by":["p7",{},[],null],"rank":12,"ok":true,"no":false}"#)
        #expect(writer.depth == 0)
    }

    @Test func escapesQuotesBackslashesAndControlCharacters() {
        var writer = JSONWriter()
        writer.string("\"\\/\u{8}\u{C}\n\r\t\u{0}\u{1}\u{1F}\u{7F} é 😀")
        #expect(text(writer) == #""\"\\/\b\f\n\r\t\u0000\u0001\u001f"# + "\u{7F} é 😀\"")
    }

    @Test func escapesEverySpecialCharacterAtEveryPositionOfTheWordScan() {
        // The writer tests 8 bytes at a time; put each special character at each offset of strings
        // long enough to span several words, next to multi-byte UTF-8, and compare with a naive escaper.
        let specials: [Unicode.Scalar] = ["\u{0}", "\u{1F}", "\"", "\\", "\n", "\u{7F}", "é", "\u{20}", "!", "]"]
        for length in 0...20 {
            for position in 0..<max(length, 1) {
                for special in specials {
                    var scalars = Array(repeating: Unicode.Scalar("a"), count: length)
                    if length > 0 { scalars[position] = special }
                    if length > 2 { scalars[(position + 1) % length] = "é" }
                    var text = ""
                    text.unicodeScalars.append(contentsOf: scalars)
                    var writer = JSONWriter()
                    writer.string(text)
                    #expect(String(decoding: writer.bytes, as: UTF8.self) == naiveQuoted(text), "\(scalars)")
                }
            }
        }
    }

    private func naiveQuoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{8}": out += "\\b"
            case "\u{C}": out += "\\f"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    @Test func escapesKeysToo() {
        var writer = JSONWriter()
        writer.beginObject()
        writer.key("a\"b")
        writer.int(1)
        writer.endObject()
        #expect(text(writer) == #"{"a\"b":1}"#)
    }

    @Test func writesIntegerExtremes() {
        var writer = JSONWriter()
        writer.beginArray()
        writer.int(Int64.min)
        writer.int(Int64.max)
        writer.int(0)
        writer.int(-7)
        writer.uint(UInt64.max)
        writer.int(9)
        writer.endArray()
        #expect(text(writer) == "[-9223372036854775808,9223372036854775807,0,-7,18446744073709551615,9]")
    }

    @Test func writesShortestDoublesAndNullForNonFinite() {
        var writer = JSONWriter()
        writer.beginArray()
        for value in [1.0, 0.1, -0.0, 1e-5, 1e300, .leastNonzeroMagnitude, .infinity, -.infinity, .nan] as [Double] { writer.double(value) }
        writer.endArray()
        #expect(text(writer) == "[1.0,0.1,-0.0,1e-05,1e+300,5e-324,null,null,null]")
    }

    @Test func insertsRawJSONAsOneValue() {
        var writer = JSONWriter()
        writer.beginObject()
        writer.key("top")
        writer.raw(#"[{"p":"a","s":1}]"#.utf8.map { $0 })
        writer.key("n")
        writer.int(1)
        writer.endObject()
        #expect(text(writer) == #"{"top":[{"p":"a","s":1}],"n":1}"#)
    }

    @Test func resetKeepsCapacityAndStartsOver() {
        var writer = JSONWriter(capacity: 1024)
        writer.beginArray()
        writer.int(1)
        writer.endArray()
        let capacity = writer.bytes.capacity
        writer.reset()
        writer.int(2)
        #expect(text(writer) == "2")
        #expect(writer.bytes.capacity == capacity)
        let reused = JSONWriter(reusing: Array(repeating: 0x41, count: 100))
        #expect(reused.bytes.isEmpty && reused.bytes.capacity >= 100)
    }

    @Test func topLevelSequenceIsCommaSeparated() {
        // Several values without a container get commas, so a JSON-array body can be built by
        // hand around them.
        var writer = JSONWriter()
        writer.int(1)
        writer.string("x")
        #expect(text(writer) == #"1,"x""#)
    }
}
