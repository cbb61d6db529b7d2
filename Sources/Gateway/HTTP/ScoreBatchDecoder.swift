// POST /v1/scores bodies: one event object, a JSON array of them, or NDJSON (one object per
// line). Decoded with the pull reader (no document tree). Malformed JSON fails the whole request
// with 400; a well-formed event with a bad field fails it with 422 naming the field
// (`[3].score`); semantic rejections (unknown board, score out of range) are per-event results.
import GatewayProtocols
import LeaderboardEngine

enum ScoreBatchDecoder {
    struct Failure: Error {
        var status: HTTPStatus
        var code: String
        var message: String
    }

    static func decode(_ body: [UInt8], contentType: String?, maxEvents: Int) throws(Failure) -> [ScoreEvent] {
        let type = contentType?.split(separator: ";").first.map { $0.trimmingCharacters(in: " ").lowercased() }
        var events: [ScoreEvent] = []
        switch type {
        case nil, "application/json", "text/json":
            var reader = JSONReader(body)
            do {
                switch try reader.peekKind() {
                case .object:
                    events.append(try event(&reader, index: nil))
                case .array:
                    var index = 0
                    try reader.readArray { (r: inout JSONReader) throws(JSONError) in
                        guard index < maxEvents else { throw r.error("more than \(maxEvents) events in one request") }
                        events.append(try event(&r, index: index))
                        index += 1
                    }
                default:
                    try reader.skipValue()
                    try reader.finish()
                    throw Failure(status: .unprocessableContent, code: "invalid_body", message: "expected an event object or an array of events")
                }
                try reader.finish()
            } catch let error as JSONError {
                throw failure(error, events: events.count, maxEvents: maxEvents, document: JSONReader(body))
            } catch let error as Failure {
                throw error
            } catch {
                throw Failure(status: .badRequest, code: "invalid_json", message: "\(error)")
            }
        case "application/x-ndjson", "application/jsonl", "application/jsonlines", "application/ndjson":
            for line in JSONLines(body) {
                guard events.count < maxEvents else {
                    throw Failure(status: .contentTooLarge, code: "too_many_events", message: "more than \(maxEvents) events in one request")
                }
                var reader = JSONReader(body, range: line.range)
                do throws(JSONError) {
                    events.append(try event(&reader, index: line.lineNumber - 1))
                    try reader.finish()
                } catch {
                    throw failure(error, events: events.count, maxEvents: maxEvents, line: line.lineNumber,
                                  document: JSONReader(body, range: line.range))
                }
            }
        default:
            throw Failure(status: .unsupportedMediaType, code: "unsupported_media_type",
                          message: "Content-Type must be application/json or application/x-ndjson, got '\(contentType ?? "")'")
        }
        if events.isEmpty { throw Failure(status: .unprocessableContent, code: "no_events", message: "the request holds no events") }
        return events
    }

    /// Maps a decoding error to the answer. `document` reads the same body (or NDJSON line) from
    /// the start: a field error only counts when the document is well-formed JSON, so truncated
    /// or garbled input (`{"score":` or `{"score":tru}`) is a 400, never a 422 about a field.
    private static func failure(_ error: JSONError, events: Int, maxEvents: Int, line: Int? = nil,
                                document: JSONReader) -> Failure {
        var error = error
        var text = "\(error)"
        if text.contains("more than \(maxEvents) events") {
            return Failure(status: .contentTooLarge, code: "too_many_events", message: "more than \(maxEvents) events in one request")
        }
        if text.hasPrefix("field ") || text.contains(": field ") {
            guard let syntax = syntaxError(document) else {
                return Failure(status: .unprocessableContent, code: "invalid_field", message: fieldMessage(text))
            }
            error = syntax
            text = "\(error)"
        }
        let at = line.map { "line \($0), " } ?? ""
        return Failure(status: .badRequest, code: "invalid_json", message: "\(at)\(text)")
    }

    /// The first syntax error in the document, or nil when it is well-formed. Error path only.
    private static func syntaxError(_ document: JSONReader) -> JSONError? {
        var reader = document
        do throws(JSONError) {
            try reader.skipValue()
            try reader.finish()
            return nil
        } catch {
            return error
        }
    }

    /// Turns "offset N: field [3].score: …" into "[3].score: …".
    private static func fieldMessage(_ text: String) -> String {
        guard let r = text.firstRange(of: "field ") else { return text }
        return String(text[r.upperBound...])
    }

    /// Reads one event object. Errors name the field as `[index].name` (or `name` for a single
    /// event); the name is only built on the error path.
    static func event(_ r: inout JSONReader, index: Int?) throws(JSONError) -> ScoreEvent {
        var board: String?, player: String?, score: Int64?, eventID: String?, region: String?, at: Int64?
        guard (try? r.peekKind()) == .object else { throw r.error("field \(index.map { "[\($0)]" } ?? "body"): expected an event object") }
        try r.readObject { (r: inout JSONReader, key: String) throws(JSONError) in
            switch key {
            case "board": board = try string(&r, index, key)
            case "player": player = try string(&r, index, key)
            case "score": score = try integer(&r, index, key)
            case "event_id": eventID = try r.readNullIfPresent() ? nil : try string(&r, index, key)
            case "region": region = try r.readNullIfPresent() ? nil : try string(&r, index, key)
            case "at": at = try r.readNullIfPresent() ? nil : try integer(&r, index, key)
            default: throw r.error("field \(field(index, key)): unknown field (expected board, player, score, event_id, region, at)")
            }
        }
        guard let board else { throw r.error("field \(field(index, "board")): required") }
        guard let player else { throw r.error("field \(field(index, "player")): required") }
        guard let score else { throw r.error("field \(field(index, "score")): required") }
        return ScoreEvent(board: board, player: player, score: score, eventID: eventID, region: region, at: at)
    }

    /// `[index].key`, or `key` for a single event.
    private static func field(_ index: Int?, _ key: String) -> String {
        index.map { "[\($0)].\(key)" } ?? key
    }

    private static func string(_ r: inout JSONReader, _ index: Int?, _ key: String) throws(JSONError) -> String {
        guard (try? r.peekKind()) == .string else { throw r.error("field \(field(index, key)): expected a string") }
        return try r.readString()
    }

    private static func integer(_ r: inout JSONReader, _ index: Int?, _ key: String) throws(JSONError) -> Int64 {
        guard (try? r.peekKind()) == .number else { throw r.error("field \(field(index, key)): expected an integer") }
        do { return try r.readInt64() } catch {
            throw r.error("field \(field(index, key)): expected an integer between -9223372036854775808 and 9223372036854775807")
        }
    }
}

extension Substring {
    func trimmingCharacters(in set: String) -> String {
        var s = self
        while let f = s.first, set.contains(f) { s.removeFirst() }
        while let l = s.last, set.contains(l) { s.removeLast() }
        return String(s)
    }
}
