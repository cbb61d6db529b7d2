// HTTPResponseEncoderTests: exact bytes of the responses the gateway writes: JSON answers, errors,
// 204, HEAD heads, 101, SSE stream heads, 100 Continue, and header-injection hygiene.
import GatewayProtocols
import Testing

@Suite struct HTTPResponseEncoderTests {
    private let encoder = HTTPResponseEncoder(unixSeconds: 784_111_777)
    private let date = "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n"

    private func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    @Test func jsonResponseWithContentLength() {
        var out: [UInt8] = []
        encoder.encode(status: .ok, contentType: "application/json", headers: ["X-Request-Id": "42"],
                       body: #"{"rank":3}"#.httpBytes, into: &out)
        #expect(text(out) == "HTTP/1.1 200 OK\r\n\(date)Content-Type: application/json\r\nContent-Length: 10\r\n"
            + "X-Request-Id: 42\r\n\r\n{\"rank\":3}")
    }

    @Test func appendsToWhatIsAlreadyInTheBuffer() {
        var out = "previous".httpBytes
        encoder.encode(status: .created, body: [], connection: .keepAlive, into: &out)
        #expect(text(out) == "previousHTTP/1.1 201 Created\r\n\(date)Content-Length: 0\r\nConnection: keep-alive\r\n\r\n")
    }

    @Test func errorResponseIsJSONAndCanClose() {
        var out: [UInt8] = []
        let error = HTTPError(status: .tooManyRequests, code: "ingest_queue_full", message: "queue \"main\" is full",
                              headers: ["Retry-After": "1"])
        encoder.encodeError(error, connection: .close, into: &out)
        let body = #"{"error":{"code":"ingest_queue_full","message":"queue \"main\" is full"}}"#
        #expect(text(out) == "HTTP/1.1 429 Too Many Requests\r\n\(date)Content-Type: application/json\r\n"
            + "Content-Length: \(body.utf8.count)\r\nConnection: close\r\nRetry-After: 1\r\n\r\n\(body)")
    }

    @Test func noContentHasNeitherLengthNorBody() {
        var out: [UInt8] = []
        encoder.encode(status: .noContent, body: "ignored".httpBytes, into: &out)
        #expect(text(out) == "HTTP/1.1 204 No Content\r\n\(date)\r\n")
    }

    @Test func headAnswerCarriesLengthWithoutBody() {
        var out: [UInt8] = []
        encoder.encodeHead(status: .ok, contentType: "text/plain", framing: .contentLength(1234), into: &out)
        #expect(text(out) == "HTTP/1.1 200 OK\r\n\(date)Content-Type: text/plain\r\nContent-Length: 1234\r\n\r\n")
    }

    @Test func switchingProtocolsHead() {
        var out: [UInt8] = []
        encoder.encodeHead(status: .switchingProtocols,
                           headers: ["Upgrade": "websocket", "Connection": "Upgrade", "Sec-WebSocket-Accept": "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="],
                           framing: .contentLength(99), into: &out)
        #expect(text(out) == "HTTP/1.1 101 Switching Protocols\r\n\(date)Upgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n")
    }

    @Test func eventStreamHeadHasNoLengthAndNoStore() {
        var out: [UInt8] = []
        encoder.encodeEventStreamHead(headers: ["Access-Control-Allow-Origin": "https://game.example"], into: &out)
        #expect(text(out) == "HTTP/1.1 200 OK\r\n\(date)Content-Type: text/event-stream\r\nCache-Control: no-store\r\n"
            + "Access-Control-Allow-Origin: https://game.example\r\n\r\n")
    }

    @Test func continueIsBare() {
        var out: [UInt8] = []
        encoder.encodeContinue(into: &out)
        #expect(text(out) == "HTTP/1.1 100 Continue\r\n\r\n")
    }

    @Test func contentTypeCannotInjectHeaders() {
        var out: [UInt8] = []
        encoder.encode(status: .ok, contentType: "text/plain\r\nSet-Cookie: x=1", body: [], into: &out)
        #expect(text(out) == "HTTP/1.1 200 OK\r\n\(date)Content-Type: text/plain  Set-Cookie: x=1\r\nContent-Length: 0\r\n\r\n")
    }

    @Test func errorBodyEscapesControlCharacters() {
        let error = HTTPError(status: .badRequest, code: "bad", message: "tab\there \\ nul\u{0} é")
        #expect(text(error.encodeJSONBody()) == #"{"error":{"code":"bad","message":"tab\there \\ nul\u0000 é"}}"#)
    }

    @Test func jsonOKHeadIsEncodeHeadAndFollowsLengthCloseAndClock() {
        var e = HTTPResponseEncoder(unixSeconds: 784_111_777)
        func expected(_ e: HTTPResponseEncoder, _ length: Int, _ close: Bool) -> String {
            var out: [UInt8] = []
            e.encodeHead(status: .ok, contentType: "application/json", framing: .contentLength(length),
                         connection: close ? .close : .persistent, into: &out)
            return text(out)
        }
        #expect(text(e.jsonOKHead(length: 5023, close: false)) == expected(e, 5023, false))
        #expect(text(e.jsonOKHead(length: 5023, close: false)) == expected(e, 5023, false), "served again from the memo")
        #expect(text(e.jsonOKHead(length: 17, close: false)) == expected(e, 17, false))
        #expect(text(e.jsonOKHead(length: 17, close: true)).contains("Connection: close\r\n"))
        #expect(text(e.jsonOKHead(length: 17, close: true)) == expected(e, 17, true))
        let before = text(e.jsonOKHead(length: 17, close: true))
        e.updateClock(unixSeconds: 784_111_778)
        let after = text(e.jsonOKHead(length: 17, close: true))
        #expect(after != before && after == expected(e, 17, true), "a new second re-renders the Date")
        #expect(after.contains("Date: Sun, 06 Nov 1994 08:49:38 GMT\r\n"))
    }
}
