// HTTPConnection against the real gateway on loopback: the head and body deadlines are enforced
// separately (http.header_timeout_ms, http.body_timeout_ms), and POST /v1/tokens tells malformed
// JSON (400) from a missing field (422).
import Testing
import Gateway
import TestSupport

@Suite(.serialized) struct HTTPConnectionTests {
    /// Sends `partial` (an unfinished request) and waits for the gateway's answer.
    private func answer(to partial: String, _ h: GatewayHarness) -> (response: HTTPTestResponse?, elapsed: Duration) {
        let client = HTTPTestClient(port: h.port)!
        let clock = ContinuousClock()
        let sent = clock.now
        client.socket.send(partial)
        let response = client.readResponse()
        return (response, clock.now - sent)
    }

    @Test func incompleteHeadGets408AfterTheHeadTimeoutAlone() throws {
        let h = GatewayHarness(boards: []) { c in
            c.http.headerTimeoutMilliseconds = 200
            c.http.bodyTimeoutMilliseconds = 60_000
        }
        try h.start()
        let (response, elapsed) = answer(to: "GET /healthz HTTP/1.1\r\nHost: x\r\n", h)
        #expect(response?.status == 408)
        #expect(response?.text.contains(#""code":"request_timeout""#) == true)
        // The body timeout (60 s) must not extend the head deadline (the socket gives up at 5 s).
        #expect(elapsed < .seconds(3), "408 after \(elapsed)")
    }

    @Test func incompleteBodyGets408AfterTheBodyTimeout() throws {
        let h = GatewayHarness(boards: []) { c in
            c.http.headerTimeoutMilliseconds = 60_000
            c.http.bodyTimeoutMilliseconds = 200
        }
        try h.start()
        let (response, elapsed) = answer(to: "POST /v1/scores HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(GatewayHarness.internalToken)\r\n"
            + "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"board\":", h)
        #expect(response?.status == 408)
        #expect(elapsed < .seconds(3), "408 after \(elapsed)")
    }

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
