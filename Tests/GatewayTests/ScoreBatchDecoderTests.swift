// POST /v1/scores body decoding: malformed JSON is a 400 (invalid_json) wherever it breaks, and
// only a well-formed event with a bad field is a 422 naming that field.
import Testing
@testable import Gateway
import GatewayProtocols

private func outcome(_ body: String, type: String = "application/json") -> (status: Int, code: String, message: String)? {
    do {
        _ = try ScoreBatchDecoder.decode(Array(body.utf8), contentType: type, maxEvents: 10)
        return nil
    } catch {
        return (error.status.code, error.code, error.message)
    }
}

@Test(arguments: [
    #"{"board":"#,
    #"{"board":"ci","player":"#,
    #"{"board":"ci","player":"x","score":tru}"#,
    #"{"board":"ci","player":"x","score":-}"#,
    #"[{"board":"ci","player":"x","score":1},{"board":"#,
    #"[tru]"#,
    "not json",
    #"{"board":"ci","player":"x","score":"high""#,
])
func malformedJSONIsBadRequestNotAFieldError(body: String) {
    let result = outcome(body)
    #expect(result?.status == 400, "\(body) → \(String(describing: result))")
    #expect(result?.code == "invalid_json", "\(body) → \(String(describing: result))")
}

@Test func malformedNDJSONLineIsBadRequestNamingTheLine() {
    let result = outcome("{\"board\":\"ci\",\"player\":\"x\",\"score\":1}\n{\"board\":", type: "application/x-ndjson")
    #expect(result?.status == 400)
    #expect(result?.code == "invalid_json")
    #expect(result?.message.hasPrefix("line 2, ") == true, "\(String(describing: result))")
}

@Test(arguments: [
    (#"{"board":"ci","player":"x","score":"high"}"#, "score: expected an integer"),
    (#"{"board":"ci","player":"x","score":true}"#, "score: expected an integer"),
    (#"[{"board":"ci","player":"x","score":1},{"board":7,"player":"y","score":2}]"#, "[1].board: expected a string"),
    (#"{"board":"ci","score":1}"#, "player: required"),
    (#"{"board":"ci","player":"x","score":1,"colour":"red"}"#, "colour: unknown field"),
])
func wellFormedBadFieldIsUnprocessableNamingIt(body: String, message: String) {
    let result = outcome(body)
    #expect(result?.status == 422, "\(body) → \(String(describing: result))")
    #expect(result?.code == "invalid_field")
    #expect(result?.message.hasPrefix(message) == true, "\(body) → \(String(describing: result))")
}

@Test func wellFormedNonEventDocumentIsUnprocessable() {
    let result = outcome("42")
    #expect(result?.status == 422)
    #expect(result?.code == "invalid_body")
}

@Test func wellFormedBatchDecodes() throws {
    let events = try ScoreBatchDecoder.decode(Array(#"[{"board":"ci","player":"x","score":1},{"board":"ci","player":"y","score":-2}]"#.utf8),
                                              contentType: "application/json; charset=utf-8", maxEvents: 10)
    #expect(events.map(\.player) == ["x", "y"])
    #expect(events.map(\.score) == [1, -2])
}
