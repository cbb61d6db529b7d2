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
    var streamSessions: [StreamKey: StreamAudience<PushSession>] = [:]
    var latestSnapshots: [StreamKey: FanoutBatch.Snapshot] = [:]
    /// Each spectated stream's recent diffs, shared by its sessions (see `SpectatorLog`).
    var spectatorLogs: [StreamKey: SpectatorLog] = [:]
    /// Diffs kept per stream and loop: a session further behind gets the latest snapshot.
    static let spectatorLogCapacity = 64
    /// Sessions queued to by the dispatch in progress, and its stamp (see `dispatch`).
    private var touchedSessions: [PushSession] = []
    private var dispatchStamp: UInt32 = 0
    /// Streams with new diffs whose sessions wait for their turn to be pumped (oldest first,
    /// from `passHead`), and whether the job that pumps the next slice is queued.
    private var spectatorPasses: [StreamAudience<PushSession>] = []
    private var passHead = 0
    private var isSpectatorSliceQueued = false
    /// Diffs appended to this loop's spectator logs so far: a session that has taken everything
    /// up to this count (`PushSession.spectatorAppendsTaken`) is passed over without a pump.
    private(set) var spectatorAppends: UInt64 = 0
    /// Sessions pumped (framed and, at the end of the iteration, written) per loop iteration by
    /// spectator passes. A session passed over costs 1 of a slice's budget, a pump `pumpCost`.
    static let spectatorPumpsPerIteration = 256
    private static let pumpCost = 64
    var framer = MessageFramer()
    var responseEncoder: HTTPResponseEncoder
    /// WebSocket timeouts and limits, one instance shared by the loop's connections.
    let webSocketSettings: WebSocketConnectionStateMachine.Settings
    /// Sessions with queued messages the socket has not taken yet.
    var backlogged: Set<ObjectIdentifier> = []
    var backlogTimerArmed = false
    /// Decoded WebSocket events of the read being handled, and the bytes of a control or echo
    /// frame being written: shared by every session of the loop, so an idle session owns
    /// neither. Taken (swapped out) for the duration of one use, so a nested use gets its own.
    private var eventScratch: [WebSocketEvent] = []
    private var frameScratch: [UInt8] = []

    init(loop: EventLoop, shared: GatewayShared) {
        self.loop = loop
        self.shared = shared
        responseEncoder = HTTPResponseEncoder(unixSeconds: shared.clock() / 1_000_000_000)
        let ws = shared.configuration.websocket
        webSocketSettings = .init(WebSocketConnectionStateMachine.Configuration(
            pingInterval: ws.pingIntervalMilliseconds > 0 ? .milliseconds(ws.pingIntervalMilliseconds) : nil,
            pongTimeout: .milliseconds(ws.pongTimeoutMilliseconds),
            idleTimeout: ws.idleTimeoutMilliseconds > 0 ? .milliseconds(ws.idleTimeoutMilliseconds) : nil,
            closeTimeout: .seconds(5), maxMessageBytes: ws.maxMessageBytes))
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

    /// Forgets every reply `receiver` still waits for. O(replies in flight on this loop).
    func cancelReplies(of receiver: any EngineReplyReceiver) {
        let ids = waiting.compactMap { $0.value === receiver ? $0.key : nil }
        for id in ids { waiting[id] = nil }
    }

    /// The loop's event array, empty; hand it back with `returnEventScratch` (its elements are
    /// dropped then, so no message bytes outlive the read).
    func takeEventScratch() -> [WebSocketEvent] {
        var events: [WebSocketEvent] = []
        swap(&events, &eventScratch)
        return events
    }

    func returnEventScratch(_ events: inout [WebSocketEvent]) {
        events.removeAll(keepingCapacity: events.capacity <= 64)
        swap(&events, &eventScratch)
    }

    /// Encodes a frame with `body` into the loop's scratch bytes and queues a copy on `connection`.
    func writeFrame(to connection: Connection, _ body: (inout [UInt8]) -> Void) {
        var bytes: [UInt8] = []
        swap(&bytes, &frameScratch)
        bytes.removeAll(keepingCapacity: true)
        body(&bytes)
        connection.write(bytes)
        if bytes.capacity <= 1 << 16 { swap(&bytes, &frameScratch) }
    }

    /// Current Unix time in nanoseconds (the `t` of messages).
    var now: Int64 { shared.clock() }

    // MARK: Fan-out

    func dispatch(_ batch: FanoutBatch) {
        let enqueuedAt = loop.now
        for (key, snapshot) in batch.snapshots { latestSnapshots[key] = snapshot }
        // Each session that got something is pumped once: a stamp per dispatch marks it (no set
        // of sessions to hash per message).
        dispatchStamp = dispatchStamp == .max ? 1 : dispatchStamp + 1
        let stamp = dispatchStamp
        var reachedSpectators = false
        for entry in batch.entries {
            func deliver(_ session: PushSession) {
                guard session.accepts(entry) else { return }
                session.enqueue(OutboundQueue.Item(bytes: batch.bytes, range: entry.range, kind: entry.kind, priority: entry.priority,
                                                   sequence: entry.sequence, isPersonal: entry.priority != .p3,
                                                   stream: entry.target.stream, enqueuedAt: enqueuedAt))
                if session.dispatchStamp != stamp {
                    session.dispatchStamp = stamp
                    touchedSessions.append(session)
                }
            }
            switch entry.target {
            case let .player(p):
                switch playerSessions[p] {
                case let .one(session)?: deliver(session)
                case let .many(list)?: for session in list { deliver(session) }
                case nil: break
                }
            case let .stream(key):
                // One append for the stream; its sessions take it on their turn.
                guard let audience = streamSessions[key], !audience.isEmpty else { break }
                spectatorLog(key).append(sequence: entry.sequence, copying: batch.bytes, range: entry.range, kind: entry.kind,
                                         enqueuedAt: enqueuedAt)
                spectatorAppends &+= 1
                reachedSpectators = true
                if audience.diffArrived() { queuePass(audience) }
            }
        }
        // Personal alerts go out in this iteration. Spectator updates to ~10,000 connections
        // take ~50 ms of writes: pumped a slice per iteration, they no longer hold score
        // replies, requests and alerts behind them, and the ticks that arrive before a session's
        // turn share its one writev.
        for session in touchedSessions { session.pump() }
        let latency = Int(MonotonicClock.system.now() &- batch.appliedAt)
        if !touchedSessions.isEmpty || reachedSpectators { shared.metrics.notificationLatency.observe(nanoseconds: latency) }
        touchedSessions.removeAll(keepingCapacity: true)
    }

    private func queuePass(_ audience: StreamAudience<PushSession>) {
        spectatorPasses.append(audience)
        queueSpectatorSlice()
    }

    private func queueSpectatorSlice() {
        guard !isSpectatorSliceQueued else { return }
        isSpectatorSliceQueued = true
        loop.enqueue { [unowned self] in self.pumpSpectatorSlice() }
    }

    /// Runs the queued spectator passes for one slice (`spectatorPumpsPerIteration`); a session
    /// that already took every diff appended so far is passed over. Queues itself for the next
    /// iteration while passes are left.
    private func pumpSpectatorSlice() {
        isSpectatorSliceQueued = false
        var budget = Self.spectatorPumpsPerIteration * Self.pumpCost
        while budget > 0 && passHead < spectatorPasses.count {
            let audience = spectatorPasses[passHead]
            while budget > 0, let session = audience.nextSession() {
                if session.spectatorAppendsTaken == spectatorAppends {
                    budget -= 1
                } else {
                    session.pump()
                    budget -= Self.pumpCost
                }
            }
            guard budget > 0 else { break }
            passHead += 1
            if audience.finishPass() { spectatorPasses.append(audience) }
        }
        if passHead == spectatorPasses.count {
            spectatorPasses.removeAll(keepingCapacity: true)
            passHead = 0
        } else {
            if passHead >= 1024 && passHead * 2 >= spectatorPasses.count {
                spectatorPasses.removeSubrange(0..<passHead)
                passHead = 0
            }
            queueSpectatorSlice()
        }
    }

    func register(_ session: PushSession, player: PlayerIndex) {
        playerSessions[player] = playerSessions[player].map { $0.adding(session) } ?? .one(session)
    }

    func unregister(_ session: PushSession, player: PlayerIndex) {
        playerSessions[player] = playerSessions[player]?.removing(session)
    }

    func register(_ session: PushSession, stream: StreamKey) {
        let audience = streamSessions[stream] ?? StreamAudience()
        audience.add(session)
        streamSessions[stream] = audience
    }

    func unregister(_ session: PushSession, stream: StreamKey) {
        streamSessions[stream]?.remove(session)
        if streamSessions[stream]?.isEmpty == true {
            streamSessions[stream] = nil
            spectatorLogs[stream] = nil
        }
    }

    /// The log of `key`'s diffs on this loop (created on first use).
    func spectatorLog(_ key: StreamKey) -> SpectatorLog {
        if let log = spectatorLogs[key] { return log }
        let log = SpectatorLog(stream: key, capacity: Self.spectatorLogCapacity)
        spectatorLogs[key] = log
        return log
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
            for audience in self.streamSessions.values {
                for s in audience.sessions where ids.contains(ObjectIdentifier(s)) { s.pump() }
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
