// Per-connection WebSocket lifecycle after the handshake: message delivery, ping/pong
// heartbeat, idle timeout and the close handshake (RFC 6455 §5.5, §7). Time is injected as a
// monotonic nanosecond count; every input returns one Equatable action for the transport.

/// Lifecycle of one server-side WebSocket connection. Owned by the connection's I/O loop.
///
/// ```
///  open ──close(code:) ─────────────▶ closing ──peer close / closeTimeout──▶ closed
///   │                                             (.closeTransport)
///   ├── peer close ─▶ closed   (.closeConnection echoing the peer's code)
///   ├── protocol error / pong timeout / idle timeout ─▶ closed  (.closeConnection)
///   └── transportClosed() from any state ─▶ closed
/// ```
/// Time values are monotonic nanoseconds (any origin) and must not go backwards; a value
/// earlier than a previous one is treated as "no time passed".
public struct WebSocketConnectionStateMachine: Sendable {
    /// Timeouts and limits. `Duration`s must not be negative.
    public struct Configuration: Sendable, Equatable {
        /// Send a ping once the peer has been silent (and unpinged) this long; nil disables pings.
        public var pingInterval: Duration?
        /// Close if no pong arrives this long after our ping.
        public var pongTimeout: Duration
        /// Close if no frame at all arrives from the peer for this long; nil disables it.
        /// With pings enabled a live peer's pongs keep the connection from going idle.
        public var idleTimeout: Duration?
        /// After we send a close frame, wait this long for the peer's close before closing the transport.
        public var closeTimeout: Duration
        /// Largest inbound data message in bytes; give it to `makeDecoder()`.
        public var maxMessageBytes: Int

        public init(pingInterval: Duration? = .seconds(20), pongTimeout: Duration = .seconds(10),
                    idleTimeout: Duration? = .seconds(120), closeTimeout: Duration = .seconds(5),
                    maxMessageBytes: Int = 64 * 1024) {
            self.pingInterval = pingInterval
            self.pongTimeout = pongTimeout
            self.idleTimeout = idleTimeout
            self.closeTimeout = closeTimeout
            self.maxMessageBytes = maxMessageBytes
        }
    }

    /// What the transport must do next.
    public enum Action: Equatable, Sendable {
        /// Nothing.
        case none
        /// Hand this complete message to the application.
        case deliver(WebSocketMessage)
        /// Write a pong frame with this payload (P0 control priority).
        case sendPong([UInt8])
        /// Write a ping frame with this payload.
        case sendPing([UInt8])
        /// Write this close frame and keep reading: we started the close handshake.
        case sendClose(code: WebSocketCloseCode, reason: String)
        /// Write this close frame (code nil: empty payload), flush what can be flushed, then
        /// close the transport. Used to echo a peer's close and to fail the connection.
        case closeConnection(code: WebSocketCloseCode?, reason: String)
        /// Close the transport now; no frame to send.
        case closeTransport
    }

    enum State: Equatable, Sendable {
        case open
        /// We sent a close frame; the transport closes at `deadline` at the latest.
        case closing(deadline: UInt64)
        case closed
    }

    /// The configuration as the machine reads it (whole nanoseconds), immutable so that every
    /// connection of a server can share one instance: a machine holds a reference to it
    /// instead of its own copy, since one machine lives in every connection.
    public final class Settings: Sendable {
        public let maxMessageBytes: Int
        let pingIntervalNanos: UInt64?
        let pongTimeoutNanos: UInt64
        let idleTimeoutNanos: UInt64?
        let closeTimeoutNanos: UInt64

        public init(_ configuration: Configuration) {
            maxMessageBytes = configuration.maxMessageBytes
            pingIntervalNanos = configuration.pingInterval.map(WebSocketConnectionStateMachine.nanoseconds)
            pongTimeoutNanos = WebSocketConnectionStateMachine.nanoseconds(configuration.pongTimeout)
            idleTimeoutNanos = configuration.idleTimeout.map(WebSocketConnectionStateMachine.nanoseconds)
            closeTimeoutNanos = WebSocketConnectionStateMachine.nanoseconds(configuration.closeTimeout)
        }
    }

    private let settings: Settings
    /// When the peer last sent any frame.
    private var lastReceived: UInt64
    /// When we last sent a ping (initially: when the connection opened).
    private var lastPingSent: UInt64
    /// Number of pings sent; the next ping payload is this + 1, 8 bytes big-endian.
    private var pingCount: UInt64 = 0
    private(set) var state: State = .open
    /// The ping sent at `lastPingSent` is still waiting for a pong.
    private var awaitingPong = false

    public var maxMessageBytes: Int { settings.maxMessageBytes }

    /// Starts in `open` at time `now` (the moment the 101 response was written).
    public init(configuration: Configuration = Configuration(), now: UInt64) {
        self.init(settings: Settings(configuration), now: now)
    }

    /// Starts in `open` at time `now` with shared settings.
    public init(settings: Settings, now: UInt64) {
        self.settings = settings
        lastReceived = now
        lastPingSent = now
    }

    /// A server-role decoder limited to `configuration.maxMessageBytes`.
    public func makeDecoder() -> WebSocketFrameDecoder {
        WebSocketFrameDecoder(role: .server, maxMessageBytes: maxMessageBytes)
    }

    public var isOpen: Bool { state == .open }
    public var isClosed: Bool { state == .closed }

    /// A decoded event from the peer arrived at `now`.
    public mutating func received(_ event: WebSocketEvent, now: UInt64) -> Action {
        switch state {
        case .closed:
            return .none
        case .closing:
            // Our close is out: only the peer's close matters; data after it is discarded.
            guard case .close = event else { return .none }
            state = .closed
            return .closeTransport
        case .open:
            lastReceived = max(lastReceived, now)
            switch event {
            case .text(let bytes): return .deliver(.text(bytes))
            case .binary(let bytes): return .deliver(.binary(bytes))
            case .ping(let payload): return .sendPong(payload)
            case .pong:
                // Any pong proves liveness; RFC 6455 §5.5.3 allows unsolicited pongs as heartbeats.
                awaitingPong = false
                return .none
            case .close(let code, _):
                // §5.5.1: answer with a close echoing the code, then the server closes TCP first (§7.1.1).
                state = .closed
                return .closeConnection(code: code, reason: "")
            }
        }
    }

    /// The decoder threw: fail the connection (RFC 6455 §7.1.7) with the error's close code.
    public mutating func receivedProtocolError(_ error: WebSocketProtocolError) -> Action {
        switch state {
        case .open:
            state = .closed
            return .closeConnection(code: error.closeCode, reason: error.closeReason)
        case .closing:
            // A close frame is already out; we may not send another.
            state = .closed
            return .closeTransport
        case .closed:
            return .none
        }
    }

    /// We want to close (shutdown 1001, backpressure 1013/1008, …): start the close handshake.
    /// Returns `.none` unless open.
    public mutating func close(code: WebSocketCloseCode, reason: String, now: UInt64) -> Action {
        guard state == .open else { return .none }
        state = .closing(deadline: Self.adding(now, settings.closeTimeoutNanos))
        return .sendClose(code: code, reason: reason)
    }

    /// The transport is gone (EOF, error, or we closed it). Idempotent.
    public mutating func transportClosed() {
        state = .closed
    }

    /// Time passed: checks the close deadline, pong timeout, idle timeout and ping schedule,
    /// in that order, and returns the first action due.
    public mutating func tick(now: UInt64) -> Action {
        switch state {
        case .closed:
            return .none
        case .closing(let deadline):
            guard now >= deadline else { return .none }
            state = .closed
            return .closeTransport
        case .open:
            if awaitingPong, Self.elapsed(from: lastPingSent, to: now) >= settings.pongTimeoutNanos {
                state = .closed
                return .closeConnection(code: .goingAway, reason: "pong timeout")
            }
            if let idle = settings.idleTimeoutNanos, Self.elapsed(from: lastReceived, to: now) >= idle {
                state = .closed
                return .closeConnection(code: .goingAway, reason: "idle timeout")
            }
            if !awaitingPong, let interval = settings.pingIntervalNanos,
               Self.elapsed(from: max(lastReceived, lastPingSent), to: now) >= interval {
                return sendPing(now: now)
            }
            return .none
        }
    }

    /// The earliest time at which `tick` may return something other than `.none`, or nil when
    /// no timer is needed (closed, or every timeout disabled). For the loop's timer wheel.
    public func nextDeadline() -> UInt64? {
        switch state {
        case .closed:
            return nil
        case .closing(let deadline):
            return deadline
        case .open:
            var heartbeat: UInt64?
            if awaitingPong {
                heartbeat = Self.adding(lastPingSent, settings.pongTimeoutNanos)
            } else if let interval = settings.pingIntervalNanos {
                heartbeat = Self.adding(max(lastReceived, lastPingSent), interval)
            }
            guard let idle = settings.idleTimeoutNanos else { return heartbeat }
            let idleDeadline = Self.adding(lastReceived, idle)
            return heartbeat.map { min($0, idleDeadline) } ?? idleDeadline
        }
    }

    private mutating func sendPing(now: UInt64) -> Action {
        pingCount += 1
        let payload = withUnsafeBytes(of: pingCount.bigEndian) { Array($0) }
        awaitingPong = true
        lastPingSent = now
        return .sendPing(payload)
    }

    /// Whole nanoseconds in `duration`, clamped to 0…UInt64.max.
    static func nanoseconds(_ duration: Duration) -> UInt64 {
        let (seconds, attoseconds) = duration.components
        guard seconds >= 0, attoseconds >= 0 else { return 0 }
        let (whole, overflow) = UInt64(seconds).multipliedReportingOverflow(by: 1_000_000_000)
        guard !overflow else { return .max }
        return adding(whole, UInt64(attoseconds / 1_000_000_000))
    }

    private static func adding(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let (sum, overflow) = a.addingReportingOverflow(b)
        return overflow ? .max : sum
    }

    private static func elapsed(from start: UInt64, to now: UInt64) -> UInt64 {
        now >= start ? now - start : 0
    }
}
