// Every configuration key, in one table: the single source for parsing config.json, environment
// and flag overrides, `overtake --help` and the README's key reference.
import LeaderboardEngine

enum ConfigurationSchema {
    static let keys: [ConfigurationKey] = [
        .string("listen.host", \.listen.host, "Address to listen on (0.0.0.0 = all IPv4 interfaces)."),
        .int("listen.port", \.listen.port, 0...65535, "HTTP/WebSocket/SSE port (0 = pick a free port)."),
        .int("listen.io_threads", \.listen.ioThreads, 0...256, "I/O event loops (0 = one per core)."),
        .int("listen.backlog", \.listen.backlog, 1...65535, "Listen backlog per loop."),
        .bool("tls.enabled", \.tls.enabled, "Also serve HTTPS/WSS on tls.port."),
        .int("tls.port", \.tls.port, 0...65535, "TLS port."),
        .string("tls.certificate", \.tls.certificatePath, "PEM certificate chain file."),
        .string("tls.private_key", \.tls.privateKeyPath, "PEM private key file."),
        .string("data_dir", \.dataDirectory, "Write-ahead log and snapshots (created if missing)."),
        .string("static_dir", \.staticDirectory, "Files served at / (the spectator page and friends)."),
        .choice("log_level", \.logLevel, "Lowest level logged to stderr."),
        .string("auth.internal_token", \.auth.internalToken, "Bearer token for game backends (scores, boards, players, tokens)."),
        .string("auth.token_secret", \.auth.tokenSecret, "HMAC-SHA256 key signing player tokens."),
        .int("auth.token_ttl_seconds", \.auth.tokenTTLSeconds, 1...31_536_000, unit: "s", "Default player token lifetime."),
        .bool("auth.spectators_require_token", \.auth.spectatorsRequireToken, "Spectator streams need a player token."),
        .int("http.max_request_line_bytes", \.http.maxRequestLineBytes, 64...1_048_576, unit: "B", "Longest request line (414 beyond)."),
        .int("http.max_header_bytes", \.http.maxHeaderBytes, 256...1_048_576, unit: "B", "All header lines together (431 beyond)."),
        .int("http.max_header_count", \.http.maxHeaderCount, 1...10_000, "Header fields (431 beyond)."),
        .int("http.max_body_bytes", \.http.maxBodyBytes, 1...1_073_741_824, unit: "B", "Request body (413 beyond)."),
        .int("http.max_events_per_request", \.http.maxEventsPerRequest, 1...1_000_000, "Score events in one POST (413 beyond)."),
        .int("http.header_timeout_ms", \.http.headerTimeoutMilliseconds, 1...3_600_000, unit: "ms", "Time to receive a request head (408)."),
        .int("http.body_timeout_ms", \.http.bodyTimeoutMilliseconds, 1...3_600_000, unit: "ms", "Time to receive a request body (408)."),
        .int("http.idle_timeout_ms", \.http.idleTimeoutMilliseconds, 1...86_400_000, unit: "ms", "Idle keep-alive connection lifetime."),
        .int("ingest.queue_events", \.ingest.queueEvents, 1...100_000_000, "Events waiting for the engine (429 beyond)."),
        .int("ingest.tick_max_events", \.ingest.tickMaxEvents, 1...1_000_000, "Events per engine tick at most (whole requests; a larger single request is one tick)."),
        .int("ingest.retry_after_seconds", \.ingest.retryAfterSeconds, 1...3600, unit: "s", "Retry-After on 429."),
        .choice("storage.fsync", \.storage.fsync, "always: acknowledge after fsync; interval: fsync every fsync_interval_ms; never."),
        .int("storage.fsync_interval_ms", \.storage.fsyncIntervalMilliseconds, 1...60_000, unit: "ms", "Fsync period under storage.fsync = interval."),
        .int("storage.segment_bytes", \.storage.segmentBytes, 65_536...4_294_967_295, unit: "B", "Write-ahead log segment size."),
        .int("storage.wal_preallocate_bytes", \.storage.walPreallocateBytes, 0...1_073_741_824, unit: "B", "Zeros written ahead of the log, a chunk at a time, so an fsync flushes data only (0 = off)."),
        .int("storage.snapshot_interval_seconds", \.storage.snapshotIntervalSeconds, 0...86_400, unit: "s", "Periodic snapshots (0 = only at shutdown)."),
        .int("storage.snapshot_every_records", \.storage.snapshotEveryRecords, 0...100_000_000, "Also snapshot after this many log records (0 = by time only)."),
        .int("storage.snapshots_kept", \.storage.snapshotsKept, 1...100, "Snapshots kept on disk."),
        .int("engine.friend_limit", \.engine.friendLimit, 1...100_000, "Friends per player."),
        .int("engine.watcher_limit_per_event", \.engine.watcherLimitPerEvent, 0...100_000, "Watchers told 'overtaken' per score event."),
        .int64("engine.future_skew_ms", \.engine.futureSkewMillis, 0...86_400_000, unit: "ms", "Largest accepted 'at' in the future."),
        .int64("engine.dedupe_window_ms", \.engine.dedupeWindowMillis, 0...2_592_000_000, unit: "ms", "Event-id memory for idempotency."),
        .int("engine.dedupe_capacity", \.engine.dedupeCapacity, 1...100_000_000, "Event ids remembered at most."),
        .string("websocket.path", \.websocket.path, "WebSocket endpoint for game clients."),
        .string("websocket.echo_path", \.websocket.echoPath, "Echo endpoint for conformance tests (empty = off)."),
        .strings("websocket.allowed_origins", \.websocket.allowedOrigins, "Browser Origins allowed to connect (empty = any)."),
        .int("websocket.max_message_bytes", \.websocket.maxMessageBytes, 125...1_073_741_824, unit: "B", "Largest client message (close 1009 beyond)."),
        .int("websocket.ping_interval_ms", \.websocket.pingIntervalMilliseconds, 0...3_600_000, unit: "ms", "Server pings (0 = off)."),
        .int("websocket.pong_timeout_ms", \.websocket.pongTimeoutMilliseconds, 1...3_600_000, unit: "ms", "Pong wait before closing."),
        .int("websocket.idle_timeout_ms", \.websocket.idleTimeoutMilliseconds, 0...86_400_000, unit: "ms", "Close after this long without client frames (0 = off)."),
        .int("sse.heartbeat_ms", \.sse.heartbeatMilliseconds, 1...3_600_000, unit: "ms", "Keep-alive comment period."),
        .int("sse.retry_ms", \.sse.retryMilliseconds, 0...3_600_000, unit: "ms", "Reconnect delay sent as retry:."),
        .int("sse.replay_events", \.sse.replayEvents, 0...1_000_000, "Events kept per spectator stream for Last-Event-ID."),
        .strings("sse.allowed_origins", \.sse.allowedOrigins, "CORS origins for event streams ('*' = any)."),
        .int("push.soft_limit_bytes", \.push.softLimitBytes, 1...1_073_741_824, unit: "B", "Unsent bytes above which a connection's spectator diffs wait (more than 64 behind: a snapshot replaces them)."),
        .int("push.hard_limit_bytes", \.push.hardLimitBytes, 1...1_073_741_824, unit: "B", "Queued bytes above which a slow client is disconnected."),
        .int("push.max_personal_age_ms", \.push.maxPersonalAgeMilliseconds, 1...3_600_000, unit: "ms", "Age of the oldest queued personal message that disconnects."),
        .int("push.resume_messages", \.push.resumeMessages, 0...1_000_000, "Personal messages kept per player for resume."),
        .int("push.resume_bytes", \.push.resumeBytes, 0...1_073_741_824, unit: "B", "Bytes of personal messages kept per player for resume."),
        .int("push.resume_total_bytes", \.push.resumeTotalBytes, 0...68_719_476_736, unit: "B",
             "Bytes of personal messages kept for resume across all players; above it the oldest go first."),
        .int("push.socket_send_buffer_bytes", \.push.socketSendBufferBytes, 0...268_435_456, unit: "B", "SO_SNDBUF of WebSocket/SSE connections (0 = system default)."),
        .choice("push.notify_when", \.push.notifyWhen, "applied: notifications leave when their tick is applied; durable: only after its fsync, with the HTTP replies."),
        .int("push.resume_age_seconds", \.push.resumeAgeSeconds, 0...86_400, unit: "s", "How long after disconnecting a player can resume."),
        ConfigurationKey(path: "boards", kind: .boards, unit: "", help: "Boards created (or updated) at start.",
                         apply: { c, v throws(ConfigurationError) in
                             guard let items = v.arrayValue else { throw ConfigurationError("boards", "expected a list of board definitions") }
                             var boards: [BoardDefinition] = []
                             for (i, item) in items.enumerated() {
                                 let b = try BoardDefinition.parse(item, id: nil, path: "boards[\(i)]")
                                 if b.id.isEmpty { throw ConfigurationError("boards[\(i)].id", "is required") }
                                 boards.append(b)
                             }
                             c.boards = boards
                         }, current: { c in "[" + c.boards.map(\.id).joined(separator: ", ") + "]" }),
    ]

    static func key(_ path: String) -> ConfigurationKey? { keys.first { $0.path == path } }
}
