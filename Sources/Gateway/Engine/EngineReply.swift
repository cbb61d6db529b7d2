// Messages from the engine thread back to I/O loops: finished HTTP answers, score results the
// loop encodes itself, and session answers (spectate, resume, subscribe). All Sendable values.
import GatewayFanout
import GatewayNet
import GatewayProtocols
import LeaderboardEngine

/// An HTTP answer ready to write.
struct HTTPReply: Sendable {
    var status: HTTPStatus
    var body: [UInt8]
    var headers: [(String, String)] = []

    static func json(_ status: HTTPStatus = .ok, _ build: (inout JSONWriter) -> Void) -> HTTPReply {
        var w = JSONWriter(capacity: 512)
        build(&w)
        return HTTPReply(status: status, body: w.bytes)
    }

    static func error(_ status: HTTPStatus, _ code: String, _ message: String, headers: [(String, String)] = []) -> HTTPReply {
        HTTPReply(status: status, body: HTTPError(status: status, code: code, message: message).encodeJSONBody(), headers: headers)
    }
}

/// One (window, scope) rank change of an accepted event, with its labels resolved.
struct ScoreReplyChange: Sendable {
    var window: WindowKind
    var period: String
    /// nil for the global scope.
    var region: String?
    var oldRank: Int?
    var newRank: Int
    var oldScore: Int64?
    var newScore: Int64
}

/// The answer to one POST /v1/scores, encoded to JSON by the loop.
struct ScoreReply: Sendable {
    var results: [EventResult]
    var changes: [ScoreReplyChange]
    /// The client sent `Prefer: return=minimal`: counts and rejections only (no rank changes).
    var minimal = false
}

/// What a spectator session receives when it starts (or resumes) following a stream.
struct SpectateReply: Sendable {
    /// Missed diffs to replay (id order), when Last-Event-ID could be served.
    var replay: [(id: UInt64, kind: MessageKind, body: [UInt8])]
    /// A fresh snapshot, when there was nothing to replay from (or a gap).
    var snapshot: FanoutBatch.Snapshot?
    /// The Last-Event-ID could not be served: send `reset` before the snapshot.
    var gap: Bool
    var stream: StreamKey
    /// The stream's newest event id when the reply was made: the snapshot, the replay or the
    /// client's Last-Event-ID brings the client up to it (diffs up to it are not sent again).
    var latestEventID: UInt64
}

/// What a resuming player session receives.
struct ResumeReply: Sendable {
    var messages: [(pseq: UInt64, kind: MessageKind, priority: Priority, body: [UInt8])]
    /// Missed messages were no longer buffered: the client must refresh its state.
    var gap: Bool
    /// The player's latest pseq when the reply was built.
    var latest: UInt64
}

enum EngineReply: Sendable {
    case http(HTTPReply)
    case scores(ScoreReply)
    case spectate(SpectateReply)
    case resume(ResumeReply)
    /// The answer to subscribe/unsubscribe/watch/unwatch/unspectate: what changed, and the
    /// ack or error body (brace-less JSON) for the client.
    case subscription(SubscriptionAck)
    /// A player session was registered (nil: invalid player id) with the player's latest pseq.
    case sessionOpened(PlayerIndex?, latestPseq: UInt64)
}

struct SubscriptionAck: Sendable {
    var request: String
    /// The subscription added or removed; nil when the request failed.
    var subscription: Subscription?
    /// The stream left, for unspectate.
    var stream: StreamKey?
    var body: [UInt8]
    var isError: Bool { subscription == nil && stream == nil }
}

/// Where the engine sends a reply: a loop and the id of the waiting request or session there.
struct ReplyTarget: Sendable {
    let loop: EventLoopHandle
    let id: UInt64

    func send(_ reply: EngineReply) {
        loop.execute { loop in (loop.context as? LoopContext)?.deliver(id, reply) }
    }
}
