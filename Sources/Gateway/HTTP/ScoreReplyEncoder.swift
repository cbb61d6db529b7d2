// JSON answer of POST /v1/scores, encoded on the I/O loop from the engine's compact results.
// The fixed parts are byte literals and each change's leading fields are encoded once per run
// of equal (window, period, region) with JSONWriter (so escaping stays in one place); only
// numbers are written per change. The output is exactly what a JSONWriter would produce.
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
        var out: [UInt8] = []
        out.reserveCapacity(96 + (reply.minimal ? 0 : reply.results.count * 64 + reply.changes.count * 140))
        out.append(literal: "{\"accepted\":"); out.append(decimal: Int64(accepted))
        out.append(literal: ",\"rejected\":"); out.append(decimal: Int64(rejected))
        out.append(literal: ",\"duplicates\":"); out.append(decimal: Int64(duplicates))
        if reply.minimal { return minimal(reply, after: out) }
        out.append(literal: ",\"results\":[")
        var prefixes = ChangePrefixes()
        for (i, r) in reply.results.enumerated() {
            if i > 0 { out.append(0x2C) }
            switch r.status {
            case .accepted, .duplicate:
                out.append(literal: r.status == .accepted ? "{\"status\":\"accepted\",\"changes\":[" : "{\"status\":\"duplicate\",\"changes\":[")
                for (j, c) in reply.changes[r.changes].enumerated() {
                    if j > 0 { out.append(0x2C) }
                    out.append(contentsOf: prefixes.prefix(of: c))
                    if let rank = c.oldRank { out.append(decimal: Int64(rank)) } else { out.append(literal: "null") }
                    out.append(literal: ",\"new_rank\":"); out.append(decimal: Int64(c.newRank))
                    out.append(literal: ",\"old_score\":")
                    if let score = c.oldScore { out.append(decimal: score) } else { out.append(literal: "null") }
                    out.append(literal: ",\"new_score\":"); out.append(decimal: c.newScore)
                    out.append(0x7D)
                }
                out.append(literal: "],\"late_windows\":[")
                for (j, k) in r.lateWindows.enumerated() {
                    if j > 0 { out.append(0x2C) }
                    out.append(0x22); out.append(contentsOf: k.rawValue.utf8); out.append(0x22)
                }
                out.append(literal: "]}")
            case let .rejected(reason):
                out.append(contentsOf: rejection(reason, index: nil))
            }
        }
        out.append(literal: "]}")
        return HTTPReply(status: .ok, body: out)
    }

    /// `Prefer: return=minimal`: the counts, then `"rejections"` (each with the event's index).
    private static func minimal(_ reply: ScoreReply, after counts: [UInt8]) -> HTTPReply {
        var out = counts
        out.append(literal: ",\"rejections\":[")
        var first = true
        for (i, r) in reply.results.enumerated() {
            guard case let .rejected(reason) = r.status else { continue }
            if !first { out.append(0x2C) }
            first = false
            out.append(contentsOf: rejection(reason, index: i))
        }
        out.append(literal: "]}")
        return HTTPReply(status: .ok, body: out, headers: [("Preference-Applied", "return=minimal")])
    }

    /// `{["index":i,]"status":"rejected","error":{"code":…,"message":…}}`.
    private static func rejection(_ reason: RejectReason, index: Int?) -> [UInt8] {
        var w = JSONWriter(capacity: 128)
        w.beginObject()
        if let index { w.key("index"); w.int(index) }
        w.key("status"); w.string("rejected")
        w.key("error"); w.beginObject()
        w.key("code"); w.string(reason.code)
        w.key("message"); w.string(reason.description)
        w.endObject()
        w.endObject()
        return w.bytes
    }

    /// `{"window":…,"period":…,"scope":…[,"region":…],"old_rank":` for the latest label run;
    /// consecutive changes of a batch nearly always repeat the one before the previous.
    private struct ChangePrefixes {
        private var cached: [(window: WindowKind, period: String, region: String?, bytes: [UInt8])] = []

        mutating func prefix(of c: ScoreReplyChange) -> [UInt8] {
            for entry in cached where entry.window == c.window && entry.region == c.region && entry.period == c.period {
                return entry.bytes
            }
            var w = JSONWriter(capacity: 96)
            w.beginObject()
            w.key("window"); w.string(c.window.rawValue)
            w.key("period"); w.string(c.period)
            if let region = c.region {
                w.key("scope"); w.string("region")
                w.key("region"); w.string(region)
            } else {
                w.key("scope"); w.string("global")
            }
            w.key("old_rank")
            if cached.count >= 16 { cached.removeFirst() }
            cached.append((c.window, c.period, c.region, w.bytes))
            return w.bytes
        }
    }
}

extension Array where Element == UInt8 {
    /// Appends the UTF-8 bytes of a literal.
    @inline(__always)
    mutating func append(literal: StaticString) {
        literal.withUTF8Buffer { append(contentsOf: $0) }
    }

    /// Appends `value` in decimal, as JSONWriter.int writes it.
    mutating func append(decimal value: Int64) {
        if value < 0 { append(0x2D) }
        var rest = value.magnitude
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)   // 24 bytes, room for 20 digits
        let count = Swift.withUnsafeMutableBytes(of: &digits) { buffer -> Int in
            var position = buffer.count
            repeat {
                position -= 1
                buffer[position] = 0x30 + UInt8(truncatingIfNeeded: rest % 10)
                rest /= 10
            } while rest != 0
            return buffer.count - position
        }
        Swift.withUnsafeBytes(of: &digits) { append(contentsOf: $0[($0.count - count)...]) }
    }
}
