// Posts score events over a few HTTP keep-alive connections: first one event per player (so
// every player has a rank), then NDJSON batches at a steady rate from a 1 ms timer. Each event's
// send time is kept with its (player, score) key for end-to-end matching. Owned by its loop.
import GatewayNet
import Synchronization

/// What the posters did. Copied out when the run collects it.
struct PosterStats: Sendable {
    var requests = 0
    var eventsSent = 0
    var accepted = 0
    var rejected = 0
    /// Requests answered 429/503 (ingest queue full).
    var throttled = 0
    /// Other non-200 statuses → count.
    var failures: [Int: Int] = [:]
    var transportErrors = 0
    /// Events the schedule skipped because every connection was busy for over half a second.
    var shedEvents = 0
    /// Request sent → response received.
    var ackLatency = LatencyHistogram()
    /// Posts of the measured run: key (see `ScoreEvents.key`) and send time (Unix ns).
    var postKeys: [UInt64] = []
    var postTimes: [Int64] = []
}

/// Progress the orchestrating thread polls.
final class PosterProgress: Sendable {
    let connected = Atomic<Int>(0)
    let seeded = Atomic<Int>(0)
    let failed = Atomic<Int>(0)
}

final class ScorePoster {
    struct Plan: Sendable {
        var target: SocketAddress
        var authority: String
        var internalToken: String
        var connections: Int
        var batch: Int
        var seedBatch: Int
        /// Publish mode (another server, e.g. nchan): one JSON message per POST to this path,
        /// carrying `t` (send time) and `type`, padded to `messageBytes`.
        var publishPath: String?
        var messageBytes: Int
        /// Score posts ask for `Prefer: return=minimal` (counts and rejections, no rank changes).
        var minimalReplies = false
    }

    unowned(unsafe) let loop: EventLoop
    let plan: Plan
    let progress: PosterProgress
    var events: ScoreEvents
    var stats = PosterStats()
    private var idle: [PosterConnection] = []
    private var all: [PosterConnection] = []
    private var seedNext = 0
    private var seeding = false
    private var running = false
    private var rate = 0.0
    private var startedAt: UInt64 = 0
    private var generated = 0
    private var body: [UInt8] = []

    init(loop: EventLoop, plan: Plan, events: ScoreEvents, progress: PosterProgress) {
        self.loop = loop
        self.plan = plan
        self.events = events
        self.progress = progress
        body.reserveCapacity(64 * max(plan.batch, plan.seedBatch))
    }

    /// Opens the keep-alive connections.
    func connect() {
        for _ in 0..<plan.connections { open() }
    }

    private func open() {
        let c = PosterConnection(poster: self)
        do { _ = try loop.connect(to: plan.target, handler: c) } catch {
            stats.transportErrors += 1
            progress.failed.add(1, ordering: .relaxed)
        }
    }

    /// Posts one event per player, `seedBatch` per request.
    func seed() {
        seeding = true
        seedMore()
    }

    /// Starts posting `rate` events per second in batches.
    func start(rate: Double) {
        self.rate = rate
        running = true
        startedAt = LoadClock.monotonicNanoseconds()
        generated = 0
        stats.postKeys.reserveCapacity(Int(rate * 60))
        stats.postTimes.reserveCapacity(Int(rate * 60))
        tick()
    }

    func stop() { running = false }

    /// Forgets what was posted before the measured window.
    func resetWindow() {
        stats.postKeys.removeAll(keepingCapacity: true)
        stats.postTimes.removeAll(keepingCapacity: true)
        stats.ackLatency = LatencyHistogram()
    }

    private func tick() {
        guard running else { return }
        let elapsed = Double(LoadClock.monotonicNanoseconds() - startedAt) / 1e9
        var due = Int(rate * elapsed) - generated
        let limit = max(plan.batch, Int(rate / 2))
        if due > limit {
            stats.shedEvents += due - plan.batch
            generated += due - plan.batch
            due = plan.batch
        }
        while due >= plan.batch, let c = idle.popLast() {
            send(c, count: plan.batch, record: true)
            generated += plan.batch
            due -= plan.batch
        }
        loop.schedule(after: .milliseconds(1)) { [unowned self] in self.tick() }
    }

    private func seedMore() {
        while seeding, seedNext < events.players, let c = idle.popLast() {
            let count = min(plan.seedBatch, events.players - seedNext)
            body.removeAll(keepingCapacity: true)
            for p in seedNext..<seedNext + count {
                let e = events.next(player: p)
                events.appendLine(player: e.player, score: e.score, to: &body)
            }
            seedNext += count
            c.post(path: "/v1/scores", contentType: "application/x-ndjson", body: body, events: count, seed: true,
                   token: plan.internalToken, authority: plan.authority, minimalReply: plan.minimalReplies)
            stats.requests += 1
        }
    }

    private func send(_ c: PosterConnection, count: Int, record: Bool) {
        body.removeAll(keepingCapacity: true)
        let now = LoadClock.unixNanoseconds()
        if let path = plan.publishPath {
            publishBody(sentAt: now)
            c.post(path: path, contentType: "application/json", body: body, events: 1, seed: false,
                   token: plan.internalToken, authority: plan.authority, minimalReply: plan.minimalReplies)
            stats.requests += 1
            stats.eventsSent += 1
            return
        }
        for _ in 0..<count {
            let e = events.next()
            events.appendLine(player: e.player, score: e.score, to: &body)
            if record {
                stats.postKeys.append(ScoreEvents.key(player: e.player, score: e.score))
                stats.postTimes.append(now)
            }
        }
        c.post(path: "/v1/scores", contentType: "application/x-ndjson", body: body, events: count, seed: false,
               token: plan.internalToken, authority: plan.authority, minimalReply: plan.minimalReplies)
        stats.requests += 1
        stats.eventsSent += count
    }

    /// `{"seq":0,"t":…,"type":"board","board":"…","pad":"xxx…"}` of `messageBytes` bytes.
    private func publishBody(sentAt: Int64) {
        body.append(contentsOf: #"{"seq":0,"t":"#.utf8)
        ScoreEvents.appendDecimal(sentAt, to: &body)
        body.append(contentsOf: #","type":"board","board":""#.utf8)
        body.append(contentsOf: events.board)
        body.append(contentsOf: #"","pad":""#.utf8)
        while body.count < plan.messageBytes - 2 { body.append(UInt8(ascii: "x")) }
        body.append(contentsOf: #""}"#.utf8)
    }

    // MARK: From the connections

    func opened(_ c: PosterConnection) {
        all.append(c)
        idle.append(c)
        progress.connected.add(1, ordering: .relaxed)
        if seeding { seedMore() }
    }

    func answered(_ c: PosterConnection, status: Int, accepted: Int, rejected: Int, events: Int, latency: Int64, seed: Bool) {
        stats.ackLatency.record(latency)
        switch status {
        case 200...299 where plan.publishPath != nil:
            stats.accepted += events
        case 200:
            stats.accepted += accepted
            stats.rejected += rejected
            if seed { progress.seeded.add(accepted + rejected, ordering: .relaxed) }
        case 429, 503: stats.throttled += 1
        default: stats.failures[status, default: 0] += 1
        }
        idle.append(c)
        if seeding { seedMore() }
    }

    /// A connection could not be opened (not retried: the server is likely down).
    func connectFailed() {
        stats.transportErrors += 1
        progress.failed.add(1, ordering: .relaxed)
    }

    /// A connection closed (e.g. the server's keep-alive timeout while clients connected):
    /// counted, and replaced so the offered rate holds.
    func lost(_ c: PosterConnection) {
        stats.transportErrors += 1
        idle.removeAll { $0 === c }
        all.removeAll { $0 === c }
        progress.connected.add(-1, ordering: .relaxed)
        open()
    }

    func finishSeeding() { seeding = false }
}
