// Per-loop gateway state, owned by the loop thread: requests and sessions waiting for the
// engine, push sessions indexed by player and by spectator stream, the latest stream snapshots
// (for coalescing), and reusable encoders. Fan-out batches from the engine land in `dispatch`.
import GatewayFanout
import GatewayNet
import GatewayProtocols
import LeaderboardEngine

/// Something on a loop waiting for an engine reply.
protocol EngineReplyReceiver: AnyObject {
    func receive(_ reply: EngineReply, id: UInt64)
}

final class LoopContext {
    unowned(unsafe) let loop: EventLoop
    let shared: GatewayShared
    var index: Int { loop.handle.index }
    private var waiting: [UInt64: any EngineReplyReceiver] = [:]
    private var nextID: UInt64 = 1
    var playerSessions: [PlayerIndex: SessionList] = [:]
    var streamSessions: [StreamKey: [PushSession]] = [:]
    var latestSnapshots: [StreamKey: FanoutBatch.Snapshot] = [:]
    var framer = MessageFramer()
    var responseEncoder: HTTPResponseEncoder
    /// Sessions with queued messages the socket has not taken yet.
    var backlogged: Set<ObjectIdentifier> = []
    var backlogTimerArmed = false

    init(loop: EventLoop, shared: GatewayShared) {
        self.loop = loop
        self.shared = shared
        responseEncoder = HTTPResponseEncoder(unixSeconds: shared.clock() / 1_000_000_000)
    }

    /// A reply target for `receiver`: the engine's answer comes back to `receive`.
    func expectReply(_ receiver: any EngineReplyReceiver) -> ReplyTarget {
        let id = nextID
        nextID += 1
        waiting[id] = receiver
        return ReplyTarget(loop: loop.handle, id: id)
    }

    func deliver(_ id: UInt64, _ reply: EngineReply) {
        waiting.removeValue(forKey: id)?.receive(reply, id: id)
    }

    /// Forgets replies `receiver` still waits for (it closed).
    func cancelReplies(_ ids: [UInt64]) {
        for id in ids { waiting[id] = nil }
    }

    /// Current Unix time in nanoseconds (the `t` of messages).
    var now: Int64 { shared.clock() }

    // MARK: Fan-out

    func dispatch(_ batch: FanoutBatch) {
        let enqueuedAt = loop.now
        for (key, snapshot) in batch.snapshots { latestSnapshots[key] = snapshot }
        var touched: [ObjectIdentifier: PushSession] = [:]
        for entry in batch.entries {
            func deliver(_ session: PushSession) {
                guard session.accepts(entry) else { return }
                session.enqueue(OutboundQueue.Item(bytes: batch.bytes, range: entry.range, kind: entry.kind, priority: entry.priority,
                                                   sequence: entry.sequence, isPersonal: entry.priority != .p3,
                                                   stream: entry.target.stream, enqueuedAt: enqueuedAt))
                touched[ObjectIdentifier(session)] = session
            }
            switch entry.target {
            case let .player(p):
                switch playerSessions[p] {
                case let .one(session)?: deliver(session)
                case let .many(list)?: for session in list { deliver(session) }
                case nil: break
                }
            case let .stream(key):
                for session in streamSessions[key] ?? [] { deliver(session) }
            }
        }
        for session in touched.values { session.pump() }
        let latency = Int(MonotonicClock.system.now() &- batch.appliedAt)
        if !touched.isEmpty { shared.metrics.notificationLatency.observe(nanoseconds: latency) }
    }

    func register(_ session: PushSession, player: PlayerIndex) {
        playerSessions[player] = playerSessions[player].map { $0.adding(session) } ?? .one(session)
    }

    func unregister(_ session: PushSession, player: PlayerIndex) {
        playerSessions[player] = playerSessions[player]?.removing(session)
    }

    func register(_ session: PushSession, stream: StreamKey) {
        streamSessions[stream, default: []].append(session)
    }

    func unregister(_ session: PushSession, stream: StreamKey) {
        streamSessions[stream]?.removeAll { $0 === session }
        if streamSessions[stream]?.isEmpty == true { streamSessions[stream] = nil }
    }

    // MARK: Backlog checks

    /// Sessions with a backlog are re-checked every 250 ms so a stalled client whose oldest
    /// personal message ages past the limit is disconnected even if nothing new arrives.
    func markBacklogged(_ session: PushSession) {
        backlogged.insert(ObjectIdentifier(session))
        guard !backlogTimerArmed else { return }
        backlogTimerArmed = true
        loop.schedule(after: .milliseconds(250)) { [unowned self] in
            self.backlogTimerArmed = false
            let ids = self.backlogged
            self.backlogged = []
            for list in self.playerSessions.values {
                for s in list.sessions where ids.contains(ObjectIdentifier(s)) { s.pump() }
            }
            for sessions in self.streamSessions.values {
                for s in sessions where ids.contains(ObjectIdentifier(s)) { s.pump() }
            }
        }
    }
}

/// A player's sessions on one loop; almost always exactly one, which needs no array.
enum SessionList {
    case one(PushSession)
    case many([PushSession])

    var sessions: [PushSession] {
        switch self {
        case let .one(s): [s]
        case let .many(list): list
        }
    }

    func adding(_ session: PushSession) -> SessionList { .many(sessions + [session]) }

    /// The list without `session`, or nil when it was the last.
    func removing(_ session: PushSession) -> SessionList? {
        let rest = sessions.filter { $0 !== session }
        switch rest.count {
        case 0: return nil
        case 1: return .one(rest[0])
        default: return .many(rest)
        }
    }
}

extension FanoutBatch.Target {
    var stream: StreamKey? {
        if case let .stream(key) = self { return key }
        return nil
    }
}
