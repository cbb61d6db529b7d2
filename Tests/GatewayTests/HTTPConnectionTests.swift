// HTTPConnection against the real gateway on loopback: POST /v1/tokens tells malformed JSON
// (400) from a missing field (422).
import Testing
import Gateway
import TestSupport

@Suite(.serialized) struct HTTPConnectionTests {
    @Test func tokenRequestWithMalformedJSONIs400() throws {
        let h = GatewayHarness(boards: [])
        try h.start()
        let response = h.authorized("POST", "/v1/tokens", body: #"{"player":"#)
        #expect(response?.status == 400)
        #expect(json(response?.text)?["error"]?["code"]?.stringValue == "invalid_json")
    }

    @Test func tokenRequestWithoutPlayerIs422() throws {
        let h = GatewayHarness(boards: [])
        try h.start()
        let response = h.authorized("POST", "/v1/tokens", body: #"{"ttl_seconds":60}"#)
        #expect(response?.status == 422)
        #expect(json(response?.text)?["error"]?["message"]?.stringValue?.hasPrefix("player: required string") == true)
    }
}
