// JSONLinesTests: NDJSON bodies are split into line ranges with CRLF handled and blank lines skipped.
import GatewayProtocols
import Testing

@Suite struct JSONLinesTests {
    @Test func yieldsNonBlankLinesWithTheirNumbers() throws {
        let body = Array("{\"a\":1}\r\n\n  \r\n{\"a\":2}\n\t\n{\"a\":3}".utf8)
        let lines = Array(JSONLines(body))
        #expect(lines.map(\.lineNumber) == [1, 4, 6])
        var values: [Int64] = []
        for line in lines {
            var reader = JSONReader(body, range: line.range)
            try reader.readObject { reader, _ throws(JSONError) in values.append(try reader.readInt64()) }
            try reader.finish()
        }
        #expect(values == [1, 2, 3])
    }

    @Test func emptyBodiesHaveNoLines() {
        #expect(Array(JSONLines([])).isEmpty)
        #expect(Array(JSONLines(Array("\n\r\n \n".utf8))).isEmpty)
    }

    @Test func errorOffsetsAreRelativeToTheLine() {
        let body = Array("{\"a\":1}\n{\"a\":01}\n".utf8)
        let second = Array(JSONLines(body))[1]
        var reader = JSONReader(body, range: second.range)
        #expect(throws: JSONError(offset: 5, reason: .leadingZero)) { _ = try reader.readValue() }
    }
}
