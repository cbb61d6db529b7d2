// Every metric the gateway exports, updated from any thread with relaxed atomics (each is a
// single counter; no cross-metric consistency is promised), rendered at GET /metrics.
import GatewayFanout

final class Metrics: Sendable {
    enum ConnectionKind: String, CaseIterable, Sendable { case http, websocket, sse }
    enum DisconnectReason: String, CaseIterable, Sendable {
        case slowConsumer = "slow_consumer"
        case personalBacklogAge = "personal_backlog_age"
        case protocolError = "protocol_error"
        case idleTimeout = "idle_timeout"
        case authFailed = "auth_failed"
        case shutdown
    }

    let connections = Dictionary(uniqueKeysWithValues: ConnectionKind.allCases.map { ($0, Counter()) })
    let connectionsOpened = Counter()
    let acceptShed = Counter()
    let acceptPauses = Counter()
    let httpRequests = Dictionary(uniqueKeysWithValues: (1...5).map { ($0, Counter()) })
    let ingestAccepted = Counter()
    let ingestRejected = Counter()
    let ingestDuplicate = Counter()
    let ingestThrottled = Counter()
    let ingestQueued = Counter()
    let ticks = Counter()
    let batchEvents = Histogram(bounds: [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536])
    let tickDuration = Histogram()
    let ingestWait = Histogram()
    let commitLatency = Histogram()
    /// By priority (indexed by `Priority.rawValue`).
    let notificationsSent = Priority.allCases.map { _ in Counter() }
    let notificationsProduced = Counter()
    let notificationLatency = Histogram()
    let queueBytes = Counter()
    let coalescedDiffs = Counter()
    let disconnects = Dictionary(uniqueKeysWithValues: DisconnectReason.allCases.map { ($0, Counter()) })
    let spectatorStreams = Counter()
    let playersPresent = Counter()
    let resumeBytes = Counter()
    let resumeEvictions = Counter()
    let snapshotsWritten = Counter()
    let ready = Counter()

    init() {}

    func render() -> String {
        var out = ""
        func family(_ name: String, _ type: String, _ help: String) {
            out += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
        }
        family("overtake_up", "gauge", "1 once recovery finished and the gateway serves.")
        out += "overtake_up \(ready.value)\n"
        family("overtake_connections", "gauge", "Open client connections by kind.")
        for kind in ConnectionKind.allCases { out += "overtake_connections{kind=\"\(kind.rawValue)\"} \(connections[kind]!.value)\n" }
        family("overtake_connections_opened_total", "counter", "Connections accepted.")
        out += "overtake_connections_opened_total \(connectionsOpened.value)\n"
        family("overtake_http_requests_total", "counter", "HTTP responses by status class.")
        for c in 1...5 { out += "overtake_http_requests_total{class=\"\(c)xx\"} \(httpRequests[c]!.value)\n" }
        family("overtake_ingest_events_total", "counter", "Score events by outcome.")
        out += "overtake_ingest_events_total{result=\"accepted\"} \(ingestAccepted.value)\n"
        out += "overtake_ingest_events_total{result=\"rejected\"} \(ingestRejected.value)\n"
        out += "overtake_ingest_events_total{result=\"duplicate\"} \(ingestDuplicate.value)\n"
        family("overtake_ingest_throttled_total", "counter", "Score requests refused with 429 because the ingest queue was full.")
        out += "overtake_ingest_throttled_total \(ingestThrottled.value)\n"
        family("overtake_ingest_queue_events", "gauge", "Score events waiting for the engine.")
        out += "overtake_ingest_queue_events \(ingestQueued.value)\n"
        family("overtake_ticks_total", "counter", "Engine ticks (batches applied and logged).")
        out += "overtake_ticks_total \(ticks.value)\n"
        family("overtake_batch_events", "histogram", "Events per applied batch.")
        batchEvents.render("overtake_batch_events", plain: true, into: &out)
        family("overtake_ingest_wait_seconds", "histogram",
               "From a score request read in full to the start of the engine tick that applies it.")
        ingestWait.render("overtake_ingest_wait_seconds", into: &out)
        family("overtake_tick_duration_seconds", "histogram", "Engine time to apply a batch and prepare its notifications.")
        tickDuration.render("overtake_tick_duration_seconds", into: &out)
        family("overtake_commit_latency_seconds", "histogram", "From handing a batch to the log until it is durable (write + fsync).")
        commitLatency.render("overtake_commit_latency_seconds", into: &out)
        family("overtake_notifications_total", "counter", "Personal and spectator messages produced by the detector.")
        out += "overtake_notifications_total \(notificationsProduced.value)\n"
        family("overtake_notifications_sent_total", "counter", "Messages written to client connections by priority.")
        for p in Priority.allCases { out += "overtake_notifications_sent_total{priority=\"\(p.label)\"} \(notificationsSent[p.rawValue].value)\n" }
        family("overtake_notification_latency_seconds", "histogram", "From applying a score event to writing its notifications to sockets.")
        notificationLatency.render("overtake_notification_latency_seconds", into: &out)
        family("overtake_queue_bytes", "gauge", "Bytes waiting to be sent to client connections (priority queues plus unsent output), summed per connection: a shared message body counts once for each connection it waits for, so this bounds sends, not memory.")
        out += "overtake_queue_bytes \(max(0, queueBytes.value))\n"
        family("overtake_coalesced_diffs_total", "counter", "Spectator diffs replaced by a snapshot for slow consumers.")
        out += "overtake_coalesced_diffs_total \(coalescedDiffs.value)\n"
        family("overtake_disconnects_total", "counter", "Connections closed by the gateway, by reason.")
        for r in DisconnectReason.allCases { out += "overtake_disconnects_total{reason=\"\(r.rawValue)\"} \(disconnects[r]!.value)\n" }
        family("overtake_accept_shed_total", "counter", "Connections closed at accept because descriptors ran out (EMFILE).")
        out += "overtake_accept_shed_total \(acceptShed.value)\n"
        family("overtake_accept_pauses_total", "counter", "Times accepting paused because the process ran out of file descriptors.")
        out += "overtake_accept_pauses_total \(acceptPauses.value)\n"
        family("overtake_spectator_streams", "gauge", "Spectator streams with at least one follower.")
        out += "overtake_spectator_streams \(spectatorStreams.value)\n"
        family("overtake_players_present", "gauge", "Players connected or within their resume window.")
        out += "overtake_players_present \(playersPresent.value)\n"
        family("overtake_resume_bytes", "gauge", "Bytes of personal messages buffered for resume, all players.")
        out += "overtake_resume_bytes \(resumeBytes.value)\n"
        family("overtake_resume_evictions_total", "counter", "Buffered personal messages dropped to stay within push.resume_total_bytes.")
        out += "overtake_resume_evictions_total \(resumeEvictions.value)\n"
        family("overtake_snapshots_total", "counter", "Snapshots written.")
        out += "overtake_snapshots_total \(snapshotsWritten.value)\n"
        return out
    }
}
