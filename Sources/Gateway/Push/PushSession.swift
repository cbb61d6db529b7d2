// What WebSocket and SSE sessions share: the per-connection priority queue, sequence numbers,
// subscription filtering, de-duplication across resume/replay, and backpressure (coalesce
// spectator diffs above the soft limit; disconnect above the hard limit or when the oldest
// personal message is too old — personal messages are never dropped silently: the client
// resumes by pseq). Owned by the connection's loop.
import GatewayFanout
import GatewayNet
import GatewayProtocols
import LeaderboardEngine

struct Subscription: Hashable, Sendable {
    var board: BoardIndex
    var window: WindowKind
    /// 0 global, 1 region, 2 friends.
    var scope: UInt8

    static func scopeCode(_ scope: ScopeKey) -> UInt8 { scope.isGlobal ? 0 : scope.isFriends ? 2 : 1 }
}

class PushSession: EngineReplyReceiver {
    /// State few sessions use (spectator streams, watched board windows, live messages held
    /// while a resume is answered): allocated on first use and dropped once empty again, so an
    /// idle game session carries one nil reference for all of it.
    final class RareState {
        var held: [OutboundQueue.Item] = []
        /// Spectated streams → last event id queued.
        var spectating: [StreamKey: UInt64] = [:]
        /// Board windows this session watches (global rank follow).
        var watching = SubscriptionSet()

        var isEmpty: Bool { held.isEmpty && spectating.isEmpty && watching.isEmpty }
    }

    // Fields ordered by size so the object packs without padding (it exists per connection).
    unowned(unsafe) let context: LoopContext
    let connection: Connection
    var queue = OutboundQueue()
    /// Per-connection message counter (the `seq` of every message).
    var seq: UInt64 = 0
    /// Highest pseq queued to this connection (personal messages at or below it are duplicates).
    var lastPseq: UInt64 = 0
    /// Bytes this session contributes to the queue gauge.
    private var accountedBytes = 0
    private var rare: RareState?
    var subscriptions = SubscriptionSet()
    var player: PlayerIndex?
    let framing: Framing
    var isClosed = false
    /// Live personal messages are held (in `rare.held`) while a resume is answered, and
    /// delivered after it, in order.
    var resumePending = false
    /// Deliver every personal message (SSE personal stream without filters).
    var wantsAllPersonal = false
    /// The loop's dispatch that last queued to this session (LoopContext pumps each once).
    var dispatchStamp: UInt32 = 0
    /// The loop's `spectatorAppends` when this session last took every spectator diff: a
    /// spectator pass passes it over while no diff arrived since (see `LoopContext`).
    var spectatorAppendsTaken: UInt64 = 0

    init(context: LoopContext, connection: Connection, framing: Framing) {
        self.context = context
        self.connection = connection
        self.framing = framing
    }

    var metrics: Metrics { context.shared.metrics }
    var push: GatewayConfiguration.Push { context.shared.configuration.push }

    /// Whether a personal fan-out entry is for this session (subscribed or watched).
    func accepts(_ entry: FanoutBatch.Entry) -> Bool {
        switch entry.target {
        case .player:
            if wantsAllPersonal { return true }
            if subscriptions.contains(Subscription(board: entry.board, window: entry.window, scope: Subscription.scopeCode(entry.scope))) {
                return true
            }
            // Watching implies the global scope of that board window.
            return entry.scope.isGlobal && rare?.watching.contains(Subscription(board: entry.board, window: entry.window, scope: 0)) == true
        case .stream:
            // Spectator diffs reach sessions through the loop's spectator logs, not `enqueue`.
            return false
        }
    }

    /// Spectated streams → last event id queued (read-only view).
    var spectating: [StreamKey: UInt64] { rare?.spectating ?? [:] }
    /// Board windows this session watches (read-only view).
    var watching: SubscriptionSet { rare?.watching ?? SubscriptionSet() }

    /// The rarely used state, allocated on first use.
    var rareState: RareState {
        if let rare { return rare }
        let created = RareState()
        rare = created
        return created
    }

    /// Drops the rarely used state once nothing is left in it.
    func releaseRareStateIfEmpty() {
        if rare?.isEmpty == true { rare = nil }
    }

    func enqueue(_ item: OutboundQueue.Item) {
        guard !isClosed else { return }
        if item.isPersonal {
            if resumePending {
                rareState.held.append(item)
                return
            }
            guard item.sequence > lastPseq else { return }
            lastPseq = item.sequence
        }
        queue.push(item)
    }

    /// Queues a control or one-off message built from `body` (a brace-less JSON object).
    func enqueueControl(_ body: [UInt8], kind: MessageKind, priority: Priority = .p0, sequence: UInt64 = 0, stream: StreamKey? = nil) {
        queue.push(OutboundQueue.Item(bytes: SharedBytes(body), range: 0..<body.count, kind: kind, priority: priority,
                                      sequence: sequence, isPersonal: false, stream: stream, enqueuedAt: context.loop.now))
    }

    /// Moves queued messages onto the socket in priority order, applying backpressure first.
    func pump() {
        guard !isClosed else { return }
        let appends = context.spectatorAppends
        let total = queue.bytes + connection.queuedBytes
        if total > push.softLimitBytes {
            let dropped = queue.coalesceSpectators(latest: { self.context.latestSnapshots[$0] }, now: context.loop.now)
            if dropped > 0 { metrics.coalescedDiffs.add(dropped) }
        }
        let now = context.loop.now
        let maxAge = UInt64(push.maxPersonalAgeMilliseconds) * 1_000_000
        if queue.bytes + connection.queuedBytes > push.hardLimitBytes {
            disconnect(.slowConsumer, "slow consumer: more than \(push.hardLimitBytes) bytes queued")
            return
        }
        if let oldest = queue.oldestPersonalEnqueuedAt, now > oldest, now - oldest > maxAge {
            disconnect(.personalBacklogAge, "slow consumer: personal messages waited over \(push.maxPersonalAgeMilliseconds) ms")
            return
        }
        let t = context.now
        var sent = SIMD4<Int>()
        while connection.isWritable, let item = queue.pop() {
            seq += 1
            context.framer.write(item, seq: seq, t: t, framing: framing, to: connection)
            sent[item.priority.rawValue] &+= 1
        }
        var behind = false
        var tookSpectatorDiffs = true
        if let rare, !rare.spectating.isEmpty {
            if connection.isWritable {
                sent[3] &+= takeSpectatorDiffs(rare, t: t, behind: &behind)
                tookSpectatorDiffs = !behind
            } else {
                tookSpectatorDiffs = false
            }
        }
        if tookSpectatorDiffs { spectatorAppendsTaken = appends }
        // One shared-counter update per priority per pump, not one per message: the counters
        // are atomics every loop writes.
        for p in 0..<4 where sent[p] != 0 { metrics.notificationsSent[p].add(sent[p]) }
        if !queue.isEmpty || behind { context.markBacklogged(self) }
        account()
    }

    /// Writes each spectated stream's diffs after this session's cursor from the loop's
    /// spectator logs — or, when the log already dropped some of them (the session is more than
    /// `LoopContext.spectatorLogCapacity` diffs behind), the stream's latest snapshot and what
    /// follows it (the skipped diffs count as coalesced). Spectator output waits while the
    /// connection holds more than the soft limit unsent; the log keeps the diffs meanwhile, so
    /// nothing queues per session. Returns the messages written; `behind` is set when some had
    /// to wait. (Sending a snapshot as soon as the pending diffs outweigh it was measured: it
    /// tripled the bytes and cut the messages delivered to a third in the fan-out benchmark.)
    private func takeSpectatorDiffs(_ rare: RareState, t: Int64, behind: inout Bool) -> Int {
        var written = 0
        var coalesced = 0
        let softLimit = push.softLimitBytes
        for i in rare.spectating.indices {
            let key = rare.spectating.keys[i]
            var cursor = rare.spectating.values[i]
            guard let log = context.spectatorLogs[key], log.newest > cursor else { continue }
            guard connection.isWritable, connection.queuedBytes < softLimit else {
                behind = true
                break
            }
            var pending = log.entries(after: cursor)
            if pending == nil, let snapshot = context.latestSnapshots[key], snapshot.eventID > cursor {
                seq += 1
                context.framer.write(OutboundQueue.Item(bytes: snapshot.bytes, range: 0..<snapshot.bytes.count, kind: .snapshot,
                                                        priority: .p3, sequence: snapshot.eventID, isPersonal: false, stream: key,
                                                        enqueuedAt: context.loop.now),
                                     seq: seq, t: t, framing: framing, to: connection)
                written += 1
                coalesced += Int(snapshot.eventID - cursor)
                cursor = snapshot.eventID
                pending = log.entries(after: cursor)
            }
            for item in pending ?? [] {
                guard connection.isWritable, connection.queuedBytes < softLimit else {
                    behind = true
                    break
                }
                seq += 1
                context.framer.write(item, seq: seq, t: t, framing: framing, to: connection)
                written += 1
                cursor = item.sequence
            }
            rare.spectating.values[i] = cursor
        }
        if coalesced > 0 { metrics.coalescedDiffs.add(coalesced) }
        return written
    }

    /// Keeps the queued-bytes gauge current.
    func account() {
        let now = isClosed ? 0 : queue.bytes + connection.queuedBytes
        metrics.queueBytes.add(now - accountedBytes)
        accountedBytes = now
    }

    /// Closes because of backpressure; subclasses send the protocol's goodbye.
    func disconnect(_ reason: Metrics.DisconnectReason, _ message: String) {
        metrics.disconnects[reason]!.add(1)
        context.shared.log.info("disconnecting \(connection.peerAddress().map { "\($0)" } ?? "client"): \(message)")
        queue.removeAll()
        // The goodbye (1013, SSE error) must not wait behind the backlog the client is too slow
        // to read: framed messages not yet started are dropped (the client resumes by pseq).
        connection.discardUnstartedOutput()
        sendGoodbye(reason, message)
        closeSession()
    }

    /// Protocol-specific last words (WebSocket close frame, SSE comment). Override.
    func sendGoodbye(_ reason: Metrics.DisconnectReason, _ message: String) {}

    /// Leaves every index and tells the engine; idempotent.
    func closeSession() {
        guard !isClosed else { return }
        isClosed = true
        queue.removeAll()
        rare?.held = []
        account()
        let index = context.index
        if let player {
            context.unregister(self, player: player)
            let watches = watching.elements.map { ($0.board, $0.window) }
            context.shared.engine.run { service in
                for (b, w) in watches { try? service.setWatching(player, board: service.engine.definition(of: b).id, window: w, false) }
                service.sessionClosed(player, loopIndex: index)
            }
        }
        for key in spectating.keys {
            context.unregister(self, stream: key)
            context.shared.engine.run { service in service.unspectate(key, loopIndex: index) }
        }
        rare = nil
        connection.close()
    }

    // MARK: Engine replies shared by both protocols

    func receive(_ reply: EngineReply, id: UInt64) {
        guard !isClosed else { return }
        switch reply {
        case let .spectate(r): applySpectate(r)
        case let .resume(r): applyResume(r)
        default: receiveOther(reply, id: id)
        }
        pump()
    }

    /// Replies a subclass handles (acks, errors). Override.
    func receiveOther(_ reply: EngineReply, id: UInt64) {}

    func applySpectate(_ r: SpectateReply) {
        if r.gap {
            var w = JSONWriter(capacity: 64)
            w.beginObject(); w.key("type"); w.string("reset"); w.key("reason"); w.string("last_event_id_unavailable"); w.endObject()
            enqueueControl(Array(w.bytes.dropFirst()), kind: .reset, priority: .p3, stream: r.stream)
        }
        var last = spectating[r.stream] ?? 0
        if let snapshot = r.snapshot {
            queue.push(OutboundQueue.Item(bytes: snapshot.bytes, range: 0..<snapshot.bytes.count, kind: .snapshot, priority: .p3,
                                          sequence: snapshot.eventID, isPersonal: false, stream: r.stream, enqueuedAt: context.loop.now))
            last = max(last, snapshot.eventID)
        }
        for (id, kind, body) in r.replay where id > last {
            enqueueControl(body, kind: kind, priority: .p3, sequence: id, stream: r.stream)
            last = id
        }
        // The loop's spectator log may still hold older diffs (other spectators took them):
        // this session starts after everything the reply covered, even with nothing to replay.
        rareState.spectating[r.stream] = max(last, r.latestEventID)
    }

    func applyResume(_ r: ResumeReply) {
        resumePending = false
        if r.gap {
            var w = JSONWriter(capacity: 64)
            w.beginObject(); w.key("type"); w.string("reset"); w.key("reason"); w.string("gap_too_large")
            w.key("latest_pseq"); w.uint(r.latest); w.endObject()
            enqueueControl(Array(w.bytes.dropFirst()), kind: .reset, priority: .p1)
            lastPseq = max(lastPseq, r.latest)
        }
        for m in r.messages where m.pseq > lastPseq {
            queue.push(OutboundQueue.Item(bytes: SharedBytes(m.body), range: 0..<m.body.count, kind: m.kind, priority: m.priority,
                                          sequence: m.pseq, isPersonal: true, stream: nil, enqueuedAt: context.loop.now))
            lastPseq = m.pseq
        }
        let live = rare?.held ?? []
        rare?.held = []
        releaseRareStateIfEmpty()
        for item in live { enqueue(item) }
    }
}
