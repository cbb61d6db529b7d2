// The gateway's typed configuration with every default in one place. Loaded from config.json,
// then overridden by OVERTAKE_* environment variables and command-line flags (see
// ConfigurationSchema for the key table, which also generates `overtake --help`).
import LeaderboardEngine

public struct GatewayConfiguration: Sendable, Equatable {
    public struct Listen: Sendable, Equatable {
        public var host = "0.0.0.0"
        public var port = 8080
        /// I/O loops; 0 = one per core.
        public var ioThreads = 0
        public var backlog = 1024
    }

    public struct TLS: Sendable, Equatable {
        public var enabled = false
        public var port = 8443
        public var certificatePath = ""
        public var privateKeyPath = ""
    }

    public struct Auth: Sendable, Equatable {
        /// Bearer token for game backends (POST /v1/scores, PUT /v1/boards, POST /v1/tokens, …).
        public var internalToken = "dev-internal-token"
        /// HMAC-SHA256 key for player tokens.
        public var tokenSecret = "dev-token-secret-change-me"
        public var tokenTTLSeconds = 3600
        public var spectatorsRequireToken = false
    }

    public struct HTTP: Sendable, Equatable {
        public var maxRequestLineBytes = 8192
        public var maxHeaderBytes = 16384
        public var maxHeaderCount = 100
        public var maxBodyBytes = 8 << 20
        public var maxEventsPerRequest = 10_000
        public var headerTimeoutMilliseconds = 10_000
        public var bodyTimeoutMilliseconds = 30_000
        public var idleTimeoutMilliseconds = 60_000
    }

    public struct Ingest: Sendable, Equatable {
        /// Events waiting for the engine at most; beyond it POST /v1/scores answers 429.
        public var queueEvents = 500_000
        /// Events applied per tick at most.
        public var tickMaxEvents = 4_096
        public var retryAfterSeconds = 1
    }

    public enum Fsync: String, Sendable, Equatable, CaseIterable {
        case always, interval, never
    }

    /// When a tick's notifications leave for the I/O loops.
    public enum NotifyWhen: String, Sendable, Equatable, CaseIterable {
        /// As soon as the tick is applied, like reads: push latency does not include the fsync.
        case applied
        /// Only once the tick's log record is durable, with its HTTP replies.
        case durable
    }

    public struct Storage: Sendable, Equatable {
        public var fsync = Fsync.always
        public var fsyncIntervalMilliseconds = 10
        public var segmentBytes = 64 << 20
        /// Zeros written ahead of the log records so that an fsync need not commit a new file
        /// size (0: none).
        public var walPreallocateBytes = 256 << 10
        public var snapshotIntervalSeconds = 300
        /// Also snapshot after this many log records (ticks); 0 = by time only. Bounds the log
        /// tail to replay at start (≈ 1 µs per event), at the cost of a snapshot export on the
        /// engine thread (~150 ms per million members) each time.
        public var snapshotEveryRecords = 0
        public var snapshotsKept = 2
    }

    public struct WebSocket: Sendable, Equatable {
        public var path = "/v1/ws"
        /// Conformance echo endpoint; empty = off.
        public var echoPath = ""
        public var allowedOrigins: [String] = []
        public var maxMessageBytes = 64 << 10
        public var pingIntervalMilliseconds = 20_000
        public var pongTimeoutMilliseconds = 10_000
        public var idleTimeoutMilliseconds = 120_000
    }

    public struct SSE: Sendable, Equatable {
        public var heartbeatMilliseconds = 15_000
        public var retryMilliseconds = 2_000
        /// Events kept per spectator stream for Last-Event-ID replay.
        public var replayEvents = 512
        public var allowedOrigins: [String] = ["*"]
    }

    public struct Push: Sendable, Equatable {
        /// Unsent bytes above which a connection's spectator diffs wait in the loop's log.
        public var softLimitBytes = 64 << 10
        /// Queued bytes above which the connection is closed (1013 / SSE end).
        public var hardLimitBytes = 1 << 20
        /// Oldest queued personal message older than this closes the connection.
        public var maxPersonalAgeMilliseconds = 10_000
        /// Personal messages kept per player for `resume`, and their bytes at most.
        public var resumeMessages = 256
        public var resumeBytes = 64 << 10
        public var resumeTotalBytes = 256 << 20
        /// Kernel send buffer of a push connection (SO_SNDBUF), so a stalled reader cannot make
        /// the kernel hold megabytes before backpressure starts; 0 leaves the system default.
        public var socketSendBufferBytes = 256 << 10
        public var resumeAgeSeconds = 120
        /// Notifications leave when the tick is applied (default) or once it is durable.
        public var notifyWhen = NotifyWhen.applied
    }

    public var listen = Listen()
    public var tls = TLS()
    public var dataDirectory = "data"
    public var staticDirectory = "Public"
    public var logLevel = LogLevel.info
    public var auth = Auth()
    public var http = HTTP()
    public var ingest = Ingest()
    public var storage = Storage()
    public var engine = EngineConfiguration()
    public var websocket = WebSocket()
    public var sse = SSE()
    public var push = Push()
    /// Boards created at start when missing (existing ones are updated to match).
    public var boards: [BoardDefinition] = []

    public init() {}
}
