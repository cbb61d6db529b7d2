// The HTTP API end to end over loopback against the real gateway: scores in, ranks out, state
// surviving a restart, and bad requests answered with the right status and a JSON error.
import Testing
import Gateway
import GatewayProtocols
import LeaderboardEngine
import TestSupport

@Suite(.serialized) struct GatewayRestTests {
    static let board = BoardDefinition(id: "arena", windows: [.alltime, .daily], scopes: [.global, .region, .friends], notifyDepth: 10,
                                       minScore: 0, maxScore: 1_000_000)

    @Test func scoresPostedAreRankedAndSurviveARestart() throws {
        let h = GatewayHarness(boards: [Self.board])
        try h.start()
        let posted = h.post([("arena", "ann", 300), ("arena", "bob", 200), ("arena", "cat", 250)], region: "eu")
        #expect(posted?.status == 200)
        let answer = json(posted?.text)
        #expect(answer?["accepted"]?.int64Value == 3)
        let top = json(h.client().request("GET", "/v1/boards/arena/alltime/top?limit=10")?.text)
        #expect(top?["entries"]?.arrayValue?.compactMap { $0["player"]?.stringValue } == ["ann", "cat", "bob"])
        let me = json(h.client().request("GET", "/v1/boards/arena/daily/players/cat?around=1")?.text)
        #expect(me?["rank"]?.int64Value == 2)
        #expect(me?["around"]?.arrayValue?.count == 3)
        #expect(h.authorized("PUT", "/v1/players/ann/friends/bob")?.status == 200)
        h.stop()
        try h.start()
        let again = json(h.client().request("GET", "/v1/boards/arena/alltime/top?limit=10")?.text)
        #expect(again?["entries"]?.arrayValue?.compactMap { $0["score"]?.int64Value } == [300, 250, 200])
        let friends = json(h.client().request("GET", "/v1/boards/arena/alltime/friends/bob")?.text)
        #expect(friends?["entries"]?.arrayValue?.compactMap { $0["player"]?.stringValue } == ["ann", "bob"])
        let region = json(h.client().request("GET", "/v1/boards/arena/alltime/top?scope=region&region=eu")?.text)
        #expect(region?["total"]?.int64Value == 3)
    }

    @Test func aRetriedEventIsAnsweredAsADuplicate() throws {
        let h = GatewayHarness(boards: [BoardDefinition(id: "sum", scoreOperator: .sum)])
        try h.start()
        let body = "{\"board\":\"sum\",\"player\":\"ann\",\"score\":5,\"event_id\":\"match-1\"}"
        let first = h.authorized("POST", "/v1/scores", body: body)
        let second = h.authorized("POST", "/v1/scores", body: body)
        #expect(json(first?.text)?["accepted"]?.int64Value == 1)
        #expect(json(second?.text)?["duplicates"]?.int64Value == 1)
        #expect(json(h.client().request("GET", "/v1/boards/sum/alltime/players/ann")?.text)?["score"]?.int64Value == 5)
    }

    @Test func preferReturnMinimalAnswersCountsAndIndexedRejectionsOnly() throws {
        let h = GatewayHarness(boards: [Self.board])
        try h.start()
        let body = "[{\"board\":\"arena\",\"player\":\"ann\",\"score\":5},{\"board\":\"nope\",\"player\":\"bob\",\"score\":1},"
            + "{\"board\":\"arena\",\"player\":\"cat\",\"score\":2000000}]"
        let headers = [("Authorization", "Bearer \(GatewayHarness.internalToken)"), ("Content-Type", "application/json")]
        let minimal = try #require(h.client().request("POST", "/v1/scores", headers: headers + [("Prefer", "handling=lenient, Return=Minimal")], body: body))
        #expect(minimal.status == 200 && minimal.header("Preference-Applied") == "return=minimal")
        let answer = try #require(json(minimal.text))
        #expect(answer["accepted"]?.int64Value == 1 && answer["rejected"]?.int64Value == 2 && answer["results"] == nil, "\(minimal.text)")
        let rejections = answer["rejections"]?.arrayValue ?? []
        #expect(rejections.compactMap { $0["index"]?.int64Value } == [1, 2])
        #expect(rejections.compactMap { $0["error"]?["code"]?.stringValue } == ["unknown_board", "score_out_of_range"], "\(minimal.text)")
        // Without the preference (or with another one) the answer lists every event's rank changes.
        let full = try #require(h.client().request("POST", "/v1/scores", headers: headers + [("Prefer", "return=representation")], body: body))
        #expect(full.header("Preference-Applied") == nil)
        let results = json(full.text)?["results"]?.arrayValue ?? []
        #expect(results.count == 3 && results[0]["changes"]?.arrayValue?.first?["new_score"]?.int64Value == 5, "\(full.text)")
        #expect(json(full.text)?["rejections"] == nil)
    }

    @Test func badRequestsGetTheRightStatusAndAJSONError() throws {
        let h = GatewayHarness(boards: [Self.board]) { $0.http.maxBodyBytes = 4096 }
        try h.start()
        let c = h.client()
        func check(_ response: HTTPTestResponse?, _ status: Int, _ code: String, sourceLocation: SourceLocation = #_sourceLocation) {
            #expect(response?.status == status, sourceLocation: sourceLocation)
            #expect(json(response?.text)?["error"]?["code"]?.stringValue == code, sourceLocation: sourceLocation)
        }
        check(c.request("GET", "/v1/nothing"), 404, "not_found")
        check(c.request("DELETE", "/v1/boards"), 405, "method_not_allowed")
        check(c.request("POST", "/v1/scores", headers: [("Content-Type", "application/json")], body: "{}"), 401, "unauthorized")
        check(h.authorized("POST", "/v1/scores", body: "{\"board\":\"arena\",\"player\":\"a\",\"score\":\"x\"}"), 422, "invalid_field")
        check(h.authorized("POST", "/v1/scores", body: "[{\"board\":\"arena\",\"player\":\"a\",\"score\":1},{\"board\":\"arena\"}]"), 422, "invalid_field")
        check(h.authorized("POST", "/v1/scores", body: "{not json"), 400, "invalid_json")
        check(c.request("POST", "/v1/scores", headers: [("Authorization", "Bearer \(GatewayHarness.internalToken)"), ("Content-Type", "text/plain")],
                        body: "x"), 415, "unsupported_media_type")
        check(h.authorized("POST", "/v1/scores", body: String(repeating: " ", count: 5000)), 413, "body_too_large")
        check(h.authorized("PUT", "/v1/boards/arena", body: "{\"order\":\"ascending\"}"), 409, "immutable_field")
        check(h.authorized("PUT", "/v1/boards/new", body: "{\"windows\":[\"hourly\"]}"), 422, "invalid_field")
        check(c.request("GET", "/v1/boards/arena/yearly/top"), 404, "unknown_window")
        check(c.request("GET", "/v1/boards/arena/alltime/top?limit=5000"), 422, "invalid_parameter")
        check(c.request("GET", "/v1/boards/arena/alltime/players/nobody"), 404, "unknown_player")
        // Semantic problems are per-event rejections inside a 200.
        let mixed = json(h.authorized("POST", "/v1/scores", body: "[{\"board\":\"arena\",\"player\":\"a\",\"score\":5},{\"board\":\"arena\",\"player\":\"b\",\"score\":-1}]")?.text)
        #expect(mixed?["results"]?.arrayValue?.last?["error"]?["code"]?.stringValue == "score_out_of_range")
    }

    @Test func pipelinedRequestsAreAnsweredInOrder() throws {
        let h = GatewayHarness(boards: [Self.board])
        try h.start()
        let c = h.client()
        c.send("GET", "/v1/boards/arena")
        c.send("POST", "/v1/scores", headers: [("Authorization", "Bearer \(GatewayHarness.internalToken)"), ("Content-Type", "application/json")],
               body: "{\"board\":\"arena\",\"player\":\"p\",\"score\":7}")
        c.send("GET", "/healthz")
        c.send("GET", "/v1/boards/arena/alltime/top")
        let answers = (0..<4).compactMap { _ in c.readResponse() }
        #expect(answers.map(\.status) == [200, 200, 200, 200])
        #expect(json(answers[0].text)?["id"]?.stringValue == "arena")
        #expect(json(answers[1].text)?["accepted"]?.int64Value == 1)
        #expect(json(answers[2].text)?["status"]?.stringValue == "ok")
        #expect(json(answers[3].text)?["total"]?.int64Value == 1)
    }

    @Test func cachedFirstPagesAreAnsweredLikeTheEngineAndPipelineInOrder() throws {
        let h = GatewayHarness(boards: [Self.board])
        try h.start()
        #expect(h.post([("arena", "a", 30), ("arena", "b", 20)])?.status == 200)
        let path = "/v1/boards/arena/alltime/top?limit=10"
        let first = try #require(h.client().request("GET", path))   // computed by the engine, then cached
        #expect(json(first.text)?["total"]?.int64Value == 2)
        // The cached page, several times in one write, then a request the engine answers.
        let c = h.client()
        for _ in 0..<3 { c.send("GET", path) }
        c.send("HEAD", path)
        c.send("GET", "/v1/boards/arena")
        let hits = (0..<3).compactMap { _ in c.readResponse() }
        #expect(hits.map(\.body) == Array(repeating: first.body, count: 3))
        #expect(hits.allSatisfy { $0.header("content-type") == "application/json" })
        let headOnly = try #require(c.readResponse(bodyless: true))
        #expect(headOnly.status == 200 && headOnly.header("content-length") == "\(first.body.count)")
        #expect(json(c.readResponse()?.text)?["id"]?.stringValue == "arena")
    }

    @Test func metricsAndStaticPagesAreServed() throws {
        let h = GatewayHarness(boards: [Self.board]) { c in
            var path = #filePath
            for _ in 0..<3 { path = String(path[..<path.lastIndex(of: "/")!]) }
            c.staticDirectory = path + "/Public"
        }
        try h.start()
        for score in [3, 4] {
            _ = h.authorized("POST", "/v1/scores", body: "{\"board\":\"\(Self.board.id)\",\"player\":\"ann\",\"score\":\(score)}")
        }
        let metrics = h.client().request("GET", "/metrics")
        #expect(metrics?.header("content-type")?.hasPrefix("text/plain") == true)
        #expect(metrics?.text.contains("overtake_connections{kind=\"http\"}") == true)
        // Every score request is timed from its read to the start of its tick.
        #expect(metrics?.text.contains("overtake_ingest_wait_seconds_count 2\n") == true)
        #expect(metrics?.text.contains("overtake_ingest_wait_seconds_bucket{le=\"+Inf\"} 2\n") == true)
        let page = h.client().request("GET", "/")
        #expect(page?.status == 200)
        #expect(page?.header("content-type") == "text/html; charset=utf-8")
        #expect(h.client().request("GET", "/app.css")?.header("content-type") == "text/css; charset=utf-8")
        #expect(h.client().request("GET", "/%2e%2e/Package.swift")?.status == 404)
        #expect(h.client().request("GET", "/../Package.swift")?.status == 404)
    }
}
