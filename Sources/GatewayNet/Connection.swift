// One TCP (optionally TLS) connection owned by one loop: state, queued output, and the API the
// handler calls. Invariant: only the owning loop's thread touches it; it holds no read buffer
// (reads land in the loop's buffer): a 160-byte object per idle connection.

/// How `Connection.close` ends the connection.
public enum CloseMode: Equatable, Sendable {
    /// Flush queued output (and TLS close_notify) within the loop's drain timeout, send FIN,
    /// wait for the peer's FIN up to the linger timeout, then close. Input arriving meanwhile
    /// is discarded.
    case graceful
    /// Drop queued output and close the descriptor now.
    case immediately
}

/// A connection registered on an `EventLoop`. Created by the loop (accept or `connect`);
/// the loop keeps it alive until it has closed.
public final class Connection {
    enum State: Equatable {
        case connecting
        case handshaking
        case open
        /// Close requested: flushing what is queued.
        case draining
        /// FIN sent: waiting for the peer's FIN (bounded by the linger timer).
        case lingering
        case closed
    }

    // Stored properties are ordered widest first so the object packs without padding: one
    // exists per connection (144 B of fields, a 160 B malloc chunk).

    /// The owning loop; valid while the connection is open (always so inside callbacks).
    /// `unowned(unsafe)`: a checked `unowned` reference cost ~3% of CPU in the fan-out
    /// benchmark (swift_unownedRetainStrong on every write). Safe because the loop marks every
    /// connection closed before it goes away (tear-down or deinit), and no method below
    /// touches `loop` once the connection is closed.
    public unowned(unsafe) let loop: EventLoop
    /// Receives this connection's events; replaceable (e.g. HTTP → WebSocket upgrade).
    /// Released (replaced by a no-op) after `connectionClosed`.
    public var handler: any ConnectionHandler
    var outbound: OutboundBuffer
    var tls: TLSSession?
    var closeReason: CloseReason?
    /// Connect/handshake deadline, then linger deadline (one at a time).
    var lifecycleTimer: TimerHandle?
    /// The socket descriptor (for logs; owned by the loop).
    public let descriptor: Int32
    let slot: UInt32
    let generation: UInt32
    /// The epoll interest currently registered.
    var interest: UInt32
    var state: State
    var isFlushScheduled = false
    var isWritePollArmed = false
    var isReadingPaused = false

    init(loop: EventLoop, descriptor: Int32, slot: UInt32, generation: UInt32, handler: any ConnectionHandler,
         state: State, tls: TLSSession?, interest: UInt32) {
        self.loop = loop
        self.descriptor = descriptor
        self.slot = slot
        self.generation = generation
        self.handler = handler
        self.state = state
        self.tls = tls
        self.interest = interest
        outbound = OutboundBuffer(watermarks: loop.configuration.watermarks)
    }

    /// True until the connection closed (also while connecting, handshaking or closing).
    public var isOpen: Bool { state != .closed }
    /// True while the handler may write (not yet closing).
    public var acceptsWrites: Bool { state == .open || state == .connecting || state == .handshaking }
    public var isTLS: Bool { tls != nil }
    /// Bytes queued and not yet written to the socket (ciphertext when TLS is on).
    public var queuedBytes: Int { outbound.queuedBytes }
    /// False while queued output is above the high watermark (until it falls to the low one).
    public var isWritable: Bool { !outbound.isAboveHighWatermark }

    /// Marks the next bytes written as the start of a message (see
    /// `discardUnstartedOutput`). No effect on TLS connections (their queue holds ciphertext).
    public func beginMessage() {
        if tls == nil { outbound.beginMessage() }
    }

    /// Drops queued messages that have not started to reach the socket, keeping the rest of a
    /// message partly written, so what is written next (a close frame) follows promptly. Returns
    /// the bytes dropped (0 on TLS connections, whose queued ciphertext cannot be cut).
    @discardableResult
    public func discardUnstartedOutput() -> Int {
        tls == nil ? outbound.discardUnstartedMessages() : 0
    }

    /// Queues a copy of `bytes`; written at the end of the loop iteration (or by `flush`).
    /// Ignored once a close was requested.
    public func write(copying bytes: UnsafeRawBufferPointer) {
        guard acceptsWrites else { return }
        if let tls {
            loop.encrypt(self, tls, bytes)
        } else {
            outbound.append(copying: bytes, pool: loop.chunkPool)
        }
        loop.scheduleFlush(self)
    }

    /// Queues a copy of `bytes`.
    public func write(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { write(copying: $0) }
    }

    /// Queues a reference to shared bytes (no copy on plain TCP; TLS encrypts a copy).
    public func write(_ bytes: SharedBytes) {
        write(bytes, range: 0..<bytes.count)
    }

    /// Queues a reference to `bytes[range]` (no copy on plain TCP; TLS encrypts a copy).
    public func write(_ bytes: SharedBytes, range: Range<Int>) {
        guard acceptsWrites else { return }
        if let tls {
            bytes.withUnsafeBytes { loop.encrypt(self, tls, UnsafeRawBufferPointer(rebasing: $0[range])) }
        } else {
            outbound.append(bytes, range: range)
        }
        loop.scheduleFlush(self)
    }

    /// Lets an encoder write up to `capacity` bytes directly into the output queue (through a
    /// loop scratch buffer when TLS is on; then `capacity` ≤ the loop's read buffer size).
    public func write(reserving capacity: Int, _ body: (UnsafeMutableRawBufferPointer) -> Int) {
        guard acceptsWrites else { return }
        if let tls {
            precondition(capacity <= loop.scratchBuffer.count, "TLS reserve larger than the loop scratch buffer")
            let written = body(UnsafeMutableRawBufferPointer(rebasing: loop.scratchBuffer[0..<capacity]))
            precondition(written >= 0 && written <= capacity, "writer reported \(written) of \(capacity) bytes")
            loop.encrypt(self, tls, UnsafeRawBufferPointer(rebasing: loop.scratchBuffer[0..<written]))
        } else {
            outbound.append(reserving: capacity, pool: loop.chunkPool, body)
        }
        loop.scheduleFlush(self)
    }

    /// Writes queued output now instead of at the end of the iteration. Callbacks it causes
    /// (writable, closed) are delivered later by the loop, never from inside this call.
    public func flush() {
        guard state != .closed else { return }
        loop.flush(self)
    }

    /// Closes the connection; `connectionClosed(.local)` follows from the loop.
    public func close(_ mode: CloseMode = .graceful) {
        guard state != .closed else { return }
        loop.requestClose(self, mode: mode)
    }

    /// Stops reading from the socket (inbound backpressure) until `resumeReading`.
    public func pauseReading() {
        guard !isReadingPaused, state != .closed else { return }
        isReadingPaused = true
        loop.updateInterest(self)
    }

    public func resumeReading() {
        guard isReadingPaused, state != .closed else { return }
        isReadingPaused = false
        loop.updateInterest(self)
        if tls != nil { loop.enqueue { [self] in loop.deliverBufferedPlaintext(self) } }
    }

    /// Schedules `handler.timerFired(self, token)` after `delay`. O(1). On a closed
    /// connection nothing is scheduled and the handle is already stale.
    public func scheduleTimer(after delay: Duration, token: UInt64) -> TimerHandle {
        guard state != .closed else { return TimerHandle(index: .max, generation: 0) }
        return loop.timers.schedule(at: loop.deadline(after: delay), .connection(slot: slot, generation: generation, token: token))
    }

    /// Moves a pending timer (e.g. an idle timeout after activity); false if it already fired
    /// or was cancelled. O(1).
    @discardableResult
    public func rescheduleTimer(_ handle: TimerHandle, after delay: Duration) -> Bool {
        guard state != .closed else { return false }
        return loop.timers.reschedule(handle, at: loop.deadline(after: delay))
    }

    public func cancelTimer(_ handle: TimerHandle) {
        guard state != .closed else { return }
        loop.cancelTimer(handle)
    }

    /// The peer's address (getpeername), nil once closed or on error.
    public func peerAddress() -> SocketAddress? {
        guard state != .closed else { return nil }
        return try? Socket.peerAddress(descriptor)
    }

    /// The local address (getsockname), nil once closed or on error.
    public func localAddress() -> SocketAddress? {
        guard state != .closed else { return nil }
        return try? Socket.localAddress(descriptor)
    }
}
