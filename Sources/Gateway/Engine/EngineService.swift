// The engine thread: sole owner of the leaderboard engine. Runs as a one-loop event loop whose
// mailbox carries commands from the I/O loops. Score events arriving in one loop iteration form
// one batch (one apply, one log record); while the log writer fsyncs batch k, commands for
// batch k+1 queue up (group commit). Replies of a batch leave only after its durability point;
// its notifications leave when it is applied (or with the replies: `push.notify_when`).
// Everything here is touched only by the engine thread.
import GatewayFanout
import GatewayNet
import GatewayProtocols
import LeaderboardEngine

final class EngineService {
    let engine: LeaderboardEngine
    let configuration: GatewayConfiguration
    let journal: any EngineJournal
    let loops: [EventLoopHandle]
    let gate: IngestGate
    let metrics: Metrics
    let log: Log
    let clock: @Sendable () -> Int64
    /// The engine's own loop (timers, enqueue); set when installed.
    unowned(unsafe) var loop: EventLoop!
    var handle: EngineHandle!

    // Pending work of the current loop iteration.
    var pendingEvents: [ScoreEvent] = []
    var pendingRequests: [PendingRequest] = []
    var isFlushScheduled = false
    /// Operations of ticks not yet handed to the journal (mutations join the next tick).
    var tickOperations: [EngineOperation] = []

    /// Ticks handed to the journal and not yet released (TickReleaser: released in order by
    /// whichever thread learns they are durable).
    let releaser: TickReleaser
    var nextTickID: UInt64 = 1
    var storageFailure: String?

    // Sessions and streams (see EngineService+Sessions).
    var presence = PresenceTable()
    /// The byte budget over all resume buffers (`push.resume_total_bytes`).
    var resumeBudget: ResumeBudget
    var streams: [StreamKey: StreamState] = [:]
    var watchCounts: [WatchKey: Int] = [:]
    var encoder = NotificationEncoder()
    var tickBuffer: [UInt8] = []
    /// First pages of rankings, shared with the I/O loops (cleared on every ranking change).
    let topPages: TopPageCache
    var rotationTimer: TimerHandle?
    /// Which sets anyone follows (EngineService+Interest).
    var interest: InterestTracker

    /// A score request waiting for the next tick: its events in `pendingEvents`, where its answer
    /// goes, whether it asked for the minimal answer, and when it was read (monotonic ns).
    struct PendingRequest {
        var events: Range<Int>
        let reply: ReplyTarget
        let minimal: Bool
        let receivedAt: UInt64
    }

    /// A batch being built: what to release once it is durable.
    struct Tick {
        var id: UInt64
        var replies: [(ReplyTarget, EngineReply)] = []
        var fanout: [FanoutBatch?] = []
        var appliedAt: UInt64 = 0
    }

    init(engine: LeaderboardEngine, configuration: GatewayConfiguration, journal: any EngineJournal,
         loops: [EventLoopHandle], gate: IngestGate, metrics: Metrics, log: Log, clock: @escaping @Sendable () -> Int64,
         topPages: TopPageCache = TopPageCache()) {
        self.engine = engine
        self.configuration = configuration
        self.journal = journal
        self.loops = loops
        self.gate = gate
        self.metrics = metrics
        self.log = log
        self.clock = clock
        self.topPages = topPages
        releaser = TickReleaser(loops: loops, metrics: metrics)
        resumeBudget = ResumeBudget(limitBytes: configuration.push.resumeTotalBytes)
        interest = InterestTracker(lingerMillis: Int64(configuration.push.resumeAgeSeconds) * 1000 + 3 * Self.censusIntervalMillis)
        tickBuffer.reserveCapacity(64 << 10)
    }

    var nowMilliseconds: Int64 { clock() / 1_000_000 }

    /// Binds the service to its loop and starts its timers.
    func install(on loop: EventLoop, handle: EngineHandle) {
        self.loop = loop
        self.handle = handle
        loop.context = self
        engine.filtersPersonal = true
        scheduleRotation()
        scheduleHousekeeping()
        scheduleCensus()
    }

    // MARK: Scores

    /// Queues a request's events for this iteration's batch; `minimal`: answer with counts and
    /// rejections only (`Prefer: return=minimal`); `receivedAt`: when its I/O loop had read it
    /// (monotonic ns; now when nil), for `overtake_ingest_wait_seconds`.
    func submitScores(_ events: [ScoreEvent], reply: ReplyTarget, minimal: Bool = false, receivedAt: UInt64? = nil) {
        if let storageFailure {
            gate.release(events.count)
            reply.send(.http(.error(.serviceUnavailable, "storage_failed", "the write-ahead log failed: \(storageFailure)")))
            return
        }
        let start = pendingEvents.count
        pendingEvents.append(contentsOf: events)
        pendingRequests.append(PendingRequest(events: start..<pendingEvents.count, reply: reply, minimal: minimal,
                                              receivedAt: receivedAt ?? MonotonicClock.system.now()))
        scheduleFlush()
    }

    func scheduleFlush() {
        guard !isFlushScheduled else { return }
        isFlushScheduled = true
        loop.enqueue { [unowned self] in
            isFlushScheduled = false
            // One tick per job: durability completions, replies and session traffic queued on
            // the engine loop run before the next tick.
            if flushTick() { scheduleFlush() }
        }
    }

    /// Applies everything pending, tick by tick (for mutations, queries and shutdown, which
    /// must follow every score submitted before them).
    func flush() {
        while flushTick() {}
    }

    /// Applies the pending requests that fit one tick (`TickCut`: whole requests, at most
    /// `tickMaxEvents` events unless one request is larger) and logs the tick. Returns whether
    /// requests remain pending.
    @discardableResult
    func flushTick() -> Bool {
        guard !pendingEvents.isEmpty || !tickOperations.isEmpty else { return false }
        var tick = Tick(id: nextTickID)
        nextTickID += 1
        tick.appliedAt = MonotonicClock.system.now()
        let started = tick.appliedAt
        let events: [ScoreEvent], requests: [PendingRequest]
        let cut = TickCut.requests(pendingRequests.lazy.map(\.events), maxEvents: configuration.ingest.tickMaxEvents)
        if cut == pendingRequests.count {
            events = pendingEvents
            requests = pendingRequests
            pendingEvents.removeAll(keepingCapacity: true)
            pendingRequests.removeAll(keepingCapacity: true)
        } else {
            let end = pendingRequests[cut - 1].events.upperBound
            events = Array(pendingEvents[..<end])
            requests = Array(pendingRequests[..<cut])
            pendingEvents.removeFirst(end)
            pendingRequests = pendingRequests[cut...].map { r in
                PendingRequest(events: r.events.lowerBound - end..<r.events.upperBound - end, reply: r.reply, minimal: r.minimal,
                               receivedAt: r.receivedAt)
            }
        }
        for r in requests { metrics.ingestWait.observe(nanoseconds: Int(started &- min(started, r.receivedAt))) }
        var fanout = FanoutAccumulator(loopCount: loops.count)
        if !events.isEmpty {
            let now = nowMilliseconds
            let limit = configuration.ingest.tickMaxEvents
            var offset = 0
            var results: [EventResult] = []
            var changes: [WindowChange] = []
            results.reserveCapacity(events.count)
            while offset < events.count {
                let slice = events.count <= limit ? events : Array(events[offset..<min(events.count, offset + limit)])
                var outcome = engine.apply(slice, now: now)
                let base = changes.count
                for i in outcome.results.indices { outcome.results[i].changes = (outcome.results[i].changes.lowerBound + base)..<(outcome.results[i].changes.upperBound + base) }
                results += outcome.results
                changes += outcome.changes
                tickOperations.append(.scores(now: now, events: slice))
                prepareFanout(outcome, into: &fanout)
                metrics.batchEvents.observe(nanoseconds: slice.count)
                offset += limit
            }
            gate.release(events.count)
            metrics.ingestQueued.set(gate.queuedEvents)
            countResults(results)
            for r in requests {
                let answer = r.minimal ? ScoreReply(results: Array(results[r.events]), changes: [], minimal: true)
                    : makeScoreReply(events[r.events], results[r.events], changes)
                tick.replies.append((r.reply, .scores(answer)))
            }
            topPages.removeAll()
        }
        tick.fanout = fanout.finish(appliedAt: tick.appliedAt)
        metrics.tickDuration.observe(nanoseconds: Int(MonotonicClock.system.now() - started))
        commit(&tick)
        return !pendingEvents.isEmpty
    }

    private func countResults(_ results: [EventResult]) {
        var accepted = 0, rejected = 0, duplicate = 0
        for r in results {
            switch r.status {
            case .accepted: accepted += 1
            case .rejected: rejected += 1
            case .duplicate: duplicate += 1
            }
        }
        metrics.ingestAccepted.add(accepted)
        metrics.ingestRejected.add(rejected)
        metrics.ingestDuplicate.add(duplicate)
    }

    /// Hands the tick's operations to the journal; its replies (and, under `push.notify_when =
    /// durable`, its notifications) are released once durable, in order, by `releaser` on the
    /// log writer's thread. Under `applied` the notifications leave now, in tick order: they
    /// reflect applied state as reads do, so a disk's fsync stalls do not reach players.
    func commit(_ tick: inout Tick) {
        let operations = tickOperations
        tickOperations.removeAll(keepingCapacity: true)
        metrics.ticks.add(1)
        let id = tick.id
        if configuration.push.notifyWhen == .applied {
            TickReleaser.dispatch(tick.fanout, to: loops)
            tick.fanout = []
        }
        releaser.register(id, TickReleaser.Output(replies: tick.replies, fanout: tick.fanout,
                                                  loggedAt: MonotonicClock.system.now()))
        tick.replies = []
        tick.fanout = []
        if operations.isEmpty {
            releaser.complete(id, .success(0))
            return
        }
        let handle = self.handle!, releaser = self.releaser, gate = self.gate
        journal.append(operations) { result in
            // On failure, refuse new requests before the failed tick's 503s leave: a client that
            // reads its 503 and asks again must not reach the engine before `journalFailed` runs.
            if case .failure = result { gate.set(.failed) }
            releaser.complete(id, result)
            if case let .failure(error) = result { handle.run { service in service.journalFailed(error) } }
        }
        journal.snapshotIfDue(engine, nowMilliseconds: nowMilliseconds)
    }

    /// The journal failed: refuse writes from now on (the failed ticks' requests got 503).
    func journalFailed(_ error: any Error) {
        guard storageFailure == nil else { return }
        storageFailure = "\(error)"
        gate.set(.failed)
        log.error("write-ahead log failed: \(error); refusing writes from now on")
    }

    /// Runs `operation` (a mutation) after pending scores, logs it with this tick, and replies
    /// after durability.
    func mutate(_ operation: EngineOperation, reply: ReplyTarget, _ perform: () -> HTTPReply) {
        if let storageFailure {
            reply.send(.http(.error(.serviceUnavailable, "storage_failed", "the write-ahead log failed: \(storageFailure)")))
            return
        }
        flush()
        let answer = perform()
        topPages.removeAll()
        var tick = Tick(id: nextTickID)
        nextTickID += 1
        if answer.status.code < 300 { tickOperations.append(operation) }
        tick.replies.append((reply, .http(answer)))
        commit(&tick)
    }

    private func makeScoreReply(_ events: ArraySlice<ScoreEvent>, _ results: ArraySlice<EventResult>,
                                _ changes: [WindowChange]) -> ScoreReply {
        var out = ScoreReply(results: [], changes: [])
        out.results.reserveCapacity(results.count)
        // Batches usually name one board and one period per window: look them up on change only.
        var boardName: String?, board: BoardIndex?
        var labelWindow: WindowKind?, labelStart = Int64.min, label = ""
        for (event, var r) in zip(events, results) {
            let start = out.changes.count
            if event.board != boardName {
                boardName = event.board
                board = engine.board(named: event.board)
                labelWindow = nil
            }
            if !r.changes.isEmpty, let board {
                for c in changes[r.changes] {
                    if c.window != labelWindow || c.periodStart != labelStart {
                        (labelWindow, labelStart) = (c.window, c.periodStart)
                        label = encoder.periodLabel(engine, board, c.window, c.periodStart)
                    }
                    out.changes.append(ScoreReplyChange(
                        window: c.window, period: label,
                        region: c.scope.region.map { engine.players.regionName($0) },
                        oldRank: c.oldRank, newRank: c.newRank, oldScore: c.oldScore, newScore: c.newScore))
                }
            }
            r.changes = start..<out.changes.count
            out.results.append(r)
        }
        return out
    }
}

/// The engine thread as seen from other threads.
struct EngineHandle: Sendable {
    let loop: EventLoopHandle

    /// Runs `body` with the service on the engine thread.
    func run(_ body: @escaping @Sendable (EngineService) -> Void) {
        loop.execute { loop in
            if let service = loop.context as? EngineService { body(service) }
        }
    }
}
