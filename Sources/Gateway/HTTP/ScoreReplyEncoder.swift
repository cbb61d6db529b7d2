// JSON answer of POST /v1/scores, encoded on the I/O loop from the engine's compact results.
import GatewayProtocols
import LeaderboardEngine

enum ScoreReplyEncoder {
    static func encode(_ reply: ScoreReply) -> HTTPReply {
        var accepted = 0, rejected = 0, duplicates = 0
        for r in reply.results {
            switch r.status {
            case .accepted: accepted += 1
            case .rejected: rejected += 1
            case .duplicate: duplicates += 1
            }
        }
        var w = JSONWriter(capacity: 96 + reply.results.count * 64 + reply.changes.count * 140)
        w.beginObject()
        w.key("accepted"); w.int(accepted)
        w.key("rejected"); w.int(rejected)
        w.key("duplicates"); w.int(duplicates)
        w.key("results"); w.beginArray()
        for r in reply.results {
            w.beginObject()
            switch r.status {
            case .accepted, .duplicate:
                w.key("status"); w.string(r.status == .accepted ? "accepted" : "duplicate")
                w.key("changes"); w.beginArray()
                for c in reply.changes[r.changes] { change(c, &w) }
                w.endArray()
                w.key("late_windows"); w.beginArray()
                for k in r.lateWindows { w.string(k.rawValue) }
                w.endArray()
            case let .rejected(reason):
                w.key("status"); w.string("rejected")
                w.key("error"); w.beginObject()
                w.key("code"); w.string(reason.code)
                w.key("message"); w.string(reason.description)
                w.endObject()
            }
            w.endObject()
        }
        w.endArray()
        w.endObject()
        return HTTPReply(status: .ok, body: w.bytes)
    }

    private static func change(_ c: ScoreReplyChange, _ w: inout JSONWriter) {
        w.beginObject()
        w.key("window"); w.string(c.window.rawValue)
        w.key("period"); w.string(c.period)
        if let region = c.region {
            w.key("scope"); w.string("region")
            w.key("region"); w.string(region)
        } else {
            w.key("scope"); w.string("global")
        }
        w.key("old_rank"); if let r = c.oldRank { w.int(r) } else { w.null() }
        w.key("new_rank"); w.int(c.newRank)
        w.key("old_score"); if let s = c.oldScore { w.int(s) } else { w.null() }
        w.key("new_score"); w.int(c.newScore)
        w.endObject()
    }
}
