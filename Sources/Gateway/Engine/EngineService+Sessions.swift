// Engine-side session state: which players are present (connected, or within their resume
// window) and on which loops, their personal sequence and resume buffer; which spectator streams
// are followed from which loops, with their event ids and replay buffers; watch registrations.
import GatewayFanout
import GatewayNet
import GatewayProtocols
import LeaderboardEngine

/// One present player's engine-side state (48 B: it exists per connected player, in a
/// `PresenceTable`).
struct Presence {
    /// Last personal sequence number handed out.
    var pseq: UInt64
    /// Recent personal messages for `resume`, allocated with the first message: most present
    /// players are idle.
    var recent: ResumeBufferBox?
    var sessionsPerLoop: LoopCounts
    /// Milliseconds when the last session closed; `.max` while a session is open.
    var disconnectedAt: Int64 = .max
    let player: PlayerIndex
    var sessions: UInt32 = 0

    /// `base` starts the sequence above anything handed out before (see `sequenceBase`).
    init(player: PlayerIndex, loopCount: Int, base: UInt64) {
        self.player = player
        sessionsPerLoop = LoopCounts(loopCount: loopCount)
        pseq = base
    }

    /// The resume buffer, allocated on first use.
    mutating func resumeBox() -> ResumeBufferBox {
        if let recent { return recent }
        let box = ResumeBufferBox()
        recent = box
        return box
    }
}

struct StreamState {
    var spectatorsPerLoop: LoopCounts
    var spectators = 0
    var lastEventID: UInt64 = 0
    var replay: SSEReplayBuffer
    var snapshot: FanoutBatch.Snapshot?
    /// Players in the set when `snapshot` was encoded (a new player outside the top K changes
    /// the size but makes no diff, so the cache must not outlive it).
    var snapshotSize = 0

    init(loopCount: Int, replayEvents: Int, base: UInt64) {
        spectatorsPerLoop = LoopCounts(loopCount: loopCount)
        lastEventID = base
        replay = SSEReplayBuffer(maxEvents: max(1, replayEvents), maxBytes: 256 << 10)
    }
}

struct WatchKey: Hashable {
    var player: PlayerIndex
    var board: String
    var window: WindowKind
}

extension EngineService {
    /// Where a new personal or stream sequence starts: the current time in microseconds. Ids are
    /// not persisted, so this keeps every id issued after a restart (or after a presence
    /// expired) above every id a client may still hold; an old id then reads as a gap
    /// (reset + fresh state) instead of silently matching a new event.
    func sequenceBase() -> UInt64 { UInt64(max(0, clock() / 1000)) }

    // MARK: Players

    /// A player's session opened on loop `loopIndex`. Returns the player's latest pseq.
    func sessionOpened(_ player: String, loopIndex: Int) -> (PlayerIndex, UInt64)? {
        guard let p = try? engine.setInAudience(player, true) else { return nil }
        let slot = presence.slot(of: p) ?? presence.insert(Presence(player: p, loopCount: loops.count, base: sequenceBase()))
        let pseq = presence.update(slot: slot) { pres in
            pres.sessionsPerLoop.add(loopIndex, 1)
            pres.sessions += 1
            pres.disconnectedAt = .max
            return pres.pseq
        }
        metrics.playersPresent.set(presence.count)
        return (p, pseq)
    }

    func sessionClosed(_ p: PlayerIndex, loopIndex: Int) {
        guard let slot = presence.slot(of: p) else { return }
        let now = nowMilliseconds
        presence.update(slot: slot) { pres in
            pres.sessionsPerLoop.add(loopIndex, -1)
            pres.sessions -= 1
            if pres.sessions == 0 { pres.disconnectedAt = now }
        }
    }

    /// Drops players whose resume window has passed: they leave the audience.
    func expirePresence() {
        let cutoff = nowMilliseconds - Int64(configuration.push.resumeAgeSeconds) * 1000
        let isExpired = { (p: Presence) in p.sessions == 0 && p.disconnectedAt <= cutoff }
        for record in presence.records where isExpired(record) {
            if let box = record.recent { resumeBudget.released(box) }
        }
        let expired = presence.removeAll(where: isExpired)
        metrics.resumeBytes.set(resumeBudget.totalBytes)
        for p in expired { _ = try? engine.setInAudience(engine.players.name(of: p), false) }
        metrics.playersPresent.set(presence.count)
    }

    /// Personal messages after `after`, or a gap when they are no longer buffered.
    func resume(_ p: PlayerIndex, after: UInt64) -> ResumeReply {
        guard let pres = presence[player: p] else { return ResumeReply(messages: [], gap: after > 0, latest: 0) }
        let missed = pres.recent?.buffer.messages(after: after) ?? []
        let gap = after < pres.pseq && (missed.first?.pseq ?? pres.pseq + 1) != after + 1
        return ResumeReply(messages: gap ? [] : missed.map { ($0.pseq, $0.kind, $0.priority, $0.body) }, gap: gap, latest: pres.pseq)
    }

    // MARK: Watching

    func setWatching(_ p: PlayerIndex, board: String, window: WindowKind, _ on: Bool) throws(EngineError) {
        let key = WatchKey(player: p, board: board, window: window)
        let name = engine.players.name(of: p)
        let count = watchCounts[key] ?? 0
        if on {
            if count == 0 { try engine.setWatching(name, board: board, window: window, true) }
            watchCounts[key] = count + 1
        } else if count > 0 {
            if count == 1 {
                watchCounts[key] = nil
                try? engine.setWatching(name, board: board, window: window, false)
            } else {
                watchCounts[key] = count - 1
            }
        }
    }

    // MARK: Spectators

    /// Resolves a stream from request parameters.
    func streamKey(board: String, window: String, scope: String?, region: String?) throws(EngineError) -> StreamKey {
        guard let b = engine.board(named: board) else { throw .unknownBoard(board) }
        guard let w = WindowKind(rawValue: window), engine.definition(of: b).windows.contains(w) else {
            throw .unknownWindow(board: board, window: window)
        }
        switch scope ?? (region == nil ? "global" : "region") {
        case "global": return StreamKey(board: b, window: w, scope: .global)
        case "region":
            guard engine.definition(of: b).scopes.contains(.region) else { throw .scopeNotEnabled(board: board, scope: "region") }
            guard let name = region, Identifier.validateName(name) == nil else { throw .invalidField("region", "a region name is required for scope=region") }
            return StreamKey(board: b, window: w, scope: .region(engine.players.internRegion(name)))
        default:
            throw .invalidField("scope", "expected global or region for a spectator stream")
        }
    }

    /// A session on `loopIndex` starts following `key`; replays after `lastEventID` if possible.
    func spectate(_ key: StreamKey, loopIndex: Int, lastEventID: UInt64?) -> SpectateReply {
        flush()
        var stream = streams[key] ?? StreamState(loopCount: loops.count, replayEvents: configuration.sse.replayEvents, base: sequenceBase())
        if stream.spectators == 0 { metrics.spectatorStreams.add(1) }
        stream.spectatorsPerLoop.add(loopIndex, 1)
        stream.spectators += 1
        var reply = SpectateReply(replay: [], snapshot: nil, gap: false, stream: key, latestEventID: stream.lastEventID)
        if let last = lastEventID {
            if last == stream.lastEventID {
                reply.replay = []
            } else if case let .events(entries) = stream.replay.replay(after: last) {
                reply.replay = entries.map { ($0.id, MessageKind(rawValue: $0.bytes[0]) ?? .board, Array($0.bytes.dropFirst())) }
            } else {
                reply.gap = true
                reply.snapshot = makeSnapshot(key, &stream)
            }
        } else {
            reply.snapshot = makeSnapshot(key, &stream)
        }
        streams[key] = stream
        return reply
    }

    func unspectate(_ key: StreamKey, loopIndex: Int) {
        guard var stream = streams[key], stream.spectatorsPerLoop.count(loopIndex) > 0 else { return }
        stream.spectatorsPerLoop.add(loopIndex, -1)
        stream.spectators -= 1
        if stream.spectators == 0 { metrics.spectatorStreams.add(-1) }
        streams[key] = stream
    }
}

extension EngineService {
    static func errorBody(_ code: String, _ message: String) -> [UInt8] {
        var w = JSONWriter(capacity: 128)
        w.beginObject(); w.key("type"); w.string("error"); w.key("code"); w.string(code); w.key("message"); w.string(message); w.endObject()
        return Array(w.bytes.dropFirst())
    }

    static func ackBody(_ request: String, _ fields: [(String, String)]) -> [UInt8] {
        var w = JSONWriter(capacity: 128)
        w.beginObject(); w.key("type"); w.string("ack"); w.key("request"); w.string(request)
        for (k, v) in fields { w.key(k); w.string(v) }
        w.endObject()
        return Array(w.bytes.dropFirst())
    }

    /// Validates a personal subscription (scope global, region or friends).
    func subscribe(board: String, window: String, scope: String, request: String) -> SubscriptionAck {
        func fail(_ code: String, _ message: String) -> SubscriptionAck {
            SubscriptionAck(request: request, subscription: nil, stream: nil, body: Self.errorBody(code, message))
        }
        guard let b = engine.board(named: board) else { return fail("unknown_board", "no board '\(board)'") }
        let d = engine.definition(of: b)
        guard let w = WindowKind(rawValue: window), d.windows.contains(w) else {
            return fail("unknown_window", "board '\(board)' has no window '\(window)'")
        }
        guard let kind = ScopeKind(rawValue: scope), d.scopes.contains(kind) else {
            return fail("scope_not_enabled", "board '\(board)' does not rank by '\(scope)'")
        }
        let code: UInt8 = kind == .global ? 0 : kind == .region ? 1 : 2
        if request == "subscribe" || request == "watch" { noteInterest(InterestTracker.Key(board: b, window: w, scope: kind)) }
        return SubscriptionAck(request: request, subscription: Subscription(board: b, window: w, scope: code), stream: nil,
                               body: Self.ackBody(request, [("board", board), ("window", window), ("scope", scope)]))
    }
}
