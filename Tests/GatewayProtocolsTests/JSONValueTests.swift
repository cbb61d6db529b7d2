// JSONValueTests: the small DOM: round trips through writer and reader, member order, accessors.
import GatewayProtocols
import Testing

@Suite struct JSONValueTests {
    @Test func roundTripsThroughWriterAndReader() throws {
        let seed: UInt64 = 0xD0D0
        var random = HTTPTestRandom(seed: seed)
        var writer = JSONWriter()
        for index in 0..<500 {
            let value = JSONTestDocuments.randomValue(depth: 6, using: &random)
            writer.reset()
            writer.value(value)
            let parsed = try JSONValue(parsing: writer.bytes)
            #expect(parsed == value, "seed \(seed), document \(index)")
        }
    }

    @Test func keepsMemberOrder() throws {
        let value = try JSONValue(parsing: Array(#"{"z":1,"a":2,"m":[true,null]}"#.utf8))
        #expect(value.objectValue?.map(\.0) == ["z", "a", "m"])
        var writer = JSONWriter()
        writer.value(value)
        #expect(String(decoding: writer.bytes, as: UTF8.self) == #"{"z":1,"a":2,"m":[true,null]}"#)
    }

    @Test func rejectsDuplicateKeysInLargeObjectsToo() {
        let members = (0..<40).map { "\"k\($0)\":\($0)" }.joined(separator: ",")
        let document = Array(("{" + members + ",\"k17\":0}").utf8)
        #expect(throws: JSONError(offset: document.count - 8, reason: .duplicateKey("k17"))) { _ = try JSONValue(parsing: document) }
    }

    @Test func accessors() throws {
        let value = try JSONValue(parsing: Array(#"{"port":8080,"ratio":0.5,"whole":3.0,"name":"x","on":true,"list":[1],"none":null}"#.utf8))
        #expect(value["port"]?.int64Value == 8080)
        #expect(value["whole"]?.int64Value == 3)
        #expect(value["ratio"]?.int64Value == nil)
        #expect(value["ratio"]?.doubleValue == 0.5)
        #expect(value["port"]?.doubleValue == 8080)
        #expect(value["name"]?.stringValue == "x")
        #expect(value["on"]?.boolValue == true)
        #expect(value["list"]?.arrayValue == [.int(1)])
        #expect(value["none"] == .null)
        #expect(value["none"]?.kind == .null)
        #expect(value["missing"] == nil)
        #expect(JSONValue.double(1e30).int64Value == nil)
    }
}
