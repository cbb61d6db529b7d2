// One client event loop's state: the connect queue (a bounded number of connects in flight,
// so 19,000 clients do not overflow the server's accept backlog at once), the clients it owns,
// and its statistics. Invariant: touched only by its loop's thread (it is `loop.context`).
import CSystem
import GatewayNet
import GatewayProtocols
import Glibc

final class LoadLoop {
    unowned(unsafe) let loop: EventLoop
    let target: SocketAddress
    /// `host:port` for Host headers.
    let authority: String
    let progress: LoadProgress
    /// Connects and upgrades in flight at most.
    let maxConnecting: Int
    /// SO_RCVBUF for slow clients (0 = kernel default), so a stalled reader backs the server
    /// up quickly instead of parking megabytes in the kernel.
    let slowReceiveBuffer: Int32
    var stats = ClientStats()
    var random: LoadRandom
    /// Scratch for outgoing frames and requests.
    var scratch: [UInt8] = []
    let frames = WebSocketFrameEncoder(role: .client)
    private var queue: [ClientSpec] = []
    private var nextQueued = 0
    private var connecting = 0
    /// Every client started here (kept until the run ends).
    private(set) var clients: [LoadClient] = []

    init(loop: EventLoop, target: SocketAddress, authority: String, progress: LoadProgress, maxConnecting: Int,
         slowReceiveBuffer: Int32, seed: UInt64) {
        self.loop = loop
        self.target = target
        self.authority = authority
        self.progress = progress
        self.maxConnecting = maxConnecting
        self.slowReceiveBuffer = slowReceiveBuffer
        random = LoadRandom(seed: seed)
        scratch.reserveCapacity(512)
    }

    /// Queues clients; they connect as earlier ones finish their upgrade.
    func add(_ specs: [ClientSpec]) {
        queue += specs
        startQueued()
    }

    /// A client finished (or failed) its upgrade: start the next queued one.
    func setupFinished() {
        connecting -= 1
        startQueued()
    }

    private func startQueued() {
        while connecting < maxConnecting && nextQueued < queue.count {
            let spec = queue[nextQueued]
            nextQueued += 1
            start(spec)
        }
        if nextQueued == queue.count {
            queue.removeAll()
            nextQueued = 0
        }
    }

    private func start(_ spec: ClientSpec) {
        let client: LoadClient
        switch spec.kind {
        case .webSocket: client = WebSocketClient(home: self, spec: spec)
        case .eventStream: client = EventStreamClient(home: self, spec: spec)
        }
        connecting += 1
        do {
            let connection = try loop.connect(to: target, from: spec.source, handler: client)
            if spec.slow && slowReceiveBuffer > 0 { Self.setReceiveBuffer(connection.descriptor, slowReceiveBuffer) }
            clients.append(client)
        } catch {
            stats.fail("connect: \(error)")
            progress.failed.add(1, ordering: .relaxed)
            connecting -= 1
        }
    }

    private static func setReceiveBuffer(_ fd: Int32, _ bytes: Int32) {
        var value = bytes
        _ = setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &value, socklen_t(MemoryLayout<Int32>.size))
    }

    /// A fresh masking key (RFC 6455 §5.3) from the seeded generator.
    func maskingKey() -> WebSocketMaskingKey {
        let r = random.next()
        return WebSocketMaskingKey(UInt8(truncatingIfNeeded: r), UInt8(truncatingIfNeeded: r >> 8),
                                   UInt8(truncatingIfNeeded: r >> 16), UInt8(truncatingIfNeeded: r >> 24))
    }

    /// Slow clients start reading again (to drain what the server queued, close frames included).
    func resumeSlowClients() {
        for client in clients where client.spec.slow { client.resumeReading() }
    }

    /// Closes every client (end of the run).
    func closeAll() {
        for client in clients { client.close() }
    }

    // MARK: Per-message accounting (the hot path)

    /// Counts one server message received at `now` (Unix ns) and returns its kind.
    @discardableResult
    func record(_ payload: UnsafeRawBufferPointer, now: Int64, slow: Bool, player: UInt32?) -> ServerMessageKind {
        let header = MessageScan.header(payload)
        let kind = header.kind
        stats.counters.bytes += payload.count
        if slow {
            stats.counters.slow[kind.rawValue] += 1
        } else {
            stats.counters.healthy[kind.rawValue] += 1
        }
        if kind.isPersonal || kind.isSpectator, let sent = header.sentAt {
            let latency = now - sent
            switch (kind.isPersonal, slow) {
            case (true, false): stats.latency.healthyPersonal.record(latency)
            case (true, true): stats.latency.slowPersonal.record(latency)
            case (false, false): stats.latency.healthyBoard.record(latency)
            case (false, true): stats.latency.slowBoard.record(latency)
            }
        }
        switch kind {
        case .rank:
            // End-to-end latency is a healthy-client figure: slow clients read after the run.
            if !slow, let player, let score = MessageScan.score(payload, from: header.typeEnd) {
                stats.rankKeys.append(UInt64(player) << 32 | UInt64(UInt32(truncatingIfNeeded: score)))
                stats.rankTimes.append(now)
            }
        case .ack: stats.acks += 1
        case .snapshot: stats.snapshots += 1
        case .error, .reset: stats.noteError(String(decoding: payload, as: UTF8.self))
        default: break
        }
        return kind
    }
}

/// What the loop needs from any client kind.
protocol LoadClient: ConnectionHandler {
    var spec: ClientSpec { get }
    func resumeReading()
    func close()
}

extension CloseReason {
    /// A short label for failure tables.
    var label: String {
        switch self {
        case .local: "closed locally"
        case .peerClosed: "server closed"
        case let .readFailed(e): "read: \(e)"
        case let .writeFailed(e): "write: \(e)"
        case let .connectFailed(e): "connect: \(e)"
        case let .tlsFailed(e): "tls: \(e)"
        case .lingerTimedOut: "linger timeout"
        case .shutdown: "shutdown"
        }
    }
}
