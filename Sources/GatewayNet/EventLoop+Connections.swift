// Connection lifecycle on the loop: register, connect, read, flush, close, linger.
// Invariant: a connection's handler is called only from the loop (never from inside the
// handler's own write/flush/close call), and `connectionClosed` is delivered exactly once.
import CSystem
import Glibc

extension EventLoop {
    /// Starts a non-blocking client connection. `source` binds a local address first (e.g.
    /// 127.0.0.2, to spread load-generator connections over several source addresses). The
    /// handler sees `connectionOpened` once connected (and, with `tls`, after the handshake),
    /// or `connectionClosed(.connectFailed)`. Errors the kernel reports at once are thrown.
    public func connect(
        to address: SocketAddress, from source: SocketAddress? = nil, tls: TLSContext? = nil,
        serverName: String? = nil, handler: any ConnectionHandler
    ) throws(NetError) -> Connection {
        assertOnLoopThread()
        var session: TLSSession?
        if let tls {
            do { session = try TLSSession(context: tls, serverName: serverName) } catch { throw .tls(error) }
        }
        let (fd, _) = try Socket.startConnect(to: address, from: source)
        do {
            let connection = try register(fd, handler: handler, state: .connecting, tls: session, interest: EPOLLOUT.rawValue)
            armSetupDeadline(connection)
            return connection
        } catch {
            syscalls.close(fd)
            throw error
        }
    }

    func register(
        _ fd: Int32, handler: any ConnectionHandler, state: Connection.State, tls: TLSSession?, interest: UInt32
    ) throws(NetError) -> Connection {
        let (slot, generation) = allocateSlot()
        do { try epollAdd(fd, events: interest, slot: slot, generation: generation) } catch {
            freeSlot(slot)
            throw error
        }
        let connection = Connection(loop: self, descriptor: fd, slot: slot, generation: generation, handler: handler,
                                    state: state, tls: tls, interest: interest)
        slots[Int(slot)].registration = .connection(connection)
        connectionCount += 1
        return connection
    }

    /// Takes ownership of a freshly accepted descriptor.
    func adoptAccepted(_ fd: Int32, from registration: ListenerRegistration) {
        Socket.setNoDelay(fd)
        var session: TLSSession?
        if let context = registration.tls {
            do { session = try TLSSession(context: context, serverName: nil) } catch {
                configuration.logger("TLS session for accepted fd \(fd): \(error)")
                syscalls.close(fd)
                return
            }
        }
        let handler = registration.makeHandler()
        let connection: Connection
        do {
            connection = try register(fd, handler: handler, state: session == nil ? .open : .handshaking,
                                      tls: session, interest: EPOLLIN.rawValue)
        } catch {
            configuration.logger("registering accepted fd \(fd): \(error)")
            syscalls.close(fd)
            return
        }
        if session == nil {
            handler.connectionOpened(connection)
        } else {
            armSetupDeadline(connection)
        }
    }

    func handleConnectionEvent(_ connection: Connection, flags: UInt32) {
        if connection.state == .connecting {
            finishConnect(connection)
            return
        }
        if flags & EPOLLOUT.rawValue != 0 {
            flush(connection)
            if connection.state == .closed { return }
        }
        let hangup = flags & (EPOLLERR.rawValue | EPOLLHUP.rawValue) != 0
        if connection.isReadingPaused {
            // Hang-ups are reported even without EPOLLIN interest; ignoring them would spin.
            if hangup {
                closeNow(connection, reason: Socket.pendingError(connection.descriptor).map { .readFailed($0) } ?? .peerClosed)
            }
            return
        }
        if flags & EPOLLIN.rawValue != 0 || hangup { handleReadable(connection) }
    }

    /// Reads into the loop buffer up to `maxReadsPerWake` times; a short read ends the turn.
    private func handleReadable(_ connection: Connection) {
        var attempts = 0
        while attempts < configuration.maxReadsPerWake {
            attempts += 1
            let count: Int
            do {
                count = try syscalls.read(connection.descriptor, readBuffer)
            } catch {
                if error == .interrupted { continue }
                if error != .wouldBlock { closeNow(connection, reason: .readFailed(error)) }
                return
            }
            if count == 0 {
                peerEnded(connection)
                return
            }
            deliver(connection, UnsafeRawBufferPointer(rebasing: readBuffer[0..<count]))
            let canContinue = connection.state == .open || connection.state == .handshaking
            guard canContinue, !connection.isReadingPaused, count == readBuffer.count else { return }
        }
    }

    private func deliver(_ connection: Connection, _ bytes: UnsafeRawBufferPointer) {
        guard connection.state == .open || connection.state == .handshaking else { return }  // closing: discard
        if let tls = connection.tls {
            receiveCiphertext(connection, tls, bytes)
        } else {
            connection.handler.connectionRead(connection, bytes)
        }
    }

    private func peerEnded(_ connection: Connection) {
        if connection.state == .draining || connection.state == .lingering {
            closeNow(connection, reason: connection.closeReason ?? .local)
            return
        }
        // Best effort: a half-closing client may still read what is already queued.
        if !connection.outbound.isEmpty {
            _ = connection.outbound.flush(fd: connection.descriptor, syscalls: syscalls, iovecs: iovecs, maxWritevCalls: 1)
        }
        closeNow(connection, reason: .peerClosed)
    }

    private func finishConnect(_ connection: Connection) {
        if let error = Socket.pendingError(connection.descriptor) {
            closeNow(connection, reason: .connectFailed(error))
            return
        }
        if let tls = connection.tls {
            connection.state = .handshaking
            updateInterest(connection)
            progressHandshake(connection, tls)
        } else {
            connection.state = .open
            cancelLifecycleTimer(connection)
            updateInterest(connection)
            scheduleFlush(connection)
            connection.handler.connectionOpened(connection)
        }
    }

    func scheduleFlush(_ connection: Connection) {
        guard !connection.isFlushScheduled, !connection.isWritePollArmed,
              connection.state != .connecting, connection.state != .closed else { return }
        connection.isFlushScheduled = true
        pendingFlushes.append(connection)
    }

    /// Writes what is queued; arms EPOLLOUT while bytes remain. Never calls the handler
    /// directly (a writable notification is deferred to the loop).
    func flush(_ connection: Connection) {
        guard connection.state != .closed, connection.state != .connecting else { return }
        let wasAboveHigh = connection.outbound.isAboveHighWatermark
        let outcome = connection.outbound.flush(fd: connection.descriptor, syscalls: syscalls, iovecs: iovecs,
                                                maxWritevCalls: configuration.maxWritevCallsPerFlush, pool: chunkPool)
        switch outcome {
        case .failed(let error):
            closeNow(connection, reason: .writeFailed(error))
            return
        case .pending:
            setWritePoll(connection, armed: true)
        case .drained:
            setWritePoll(connection, armed: false)
            if connection.state == .draining { beginLinger(connection) }
        }
        if wasAboveHigh && !connection.outbound.isAboveHighWatermark && connection.state == .open {
            enqueue { if connection.state == .open { connection.handler.connectionWritable(connection) } }
        }
    }

    private func setWritePoll(_ connection: Connection, armed: Bool) {
        guard connection.isWritePollArmed != armed else { return }
        connection.isWritePollArmed = armed
        updateInterest(connection)
    }

    func updateInterest(_ connection: Connection) {
        guard connection.state != .closed else { return }
        var desired: UInt32 = 0
        if connection.state == .connecting {
            desired = EPOLLOUT.rawValue
        } else {
            if !connection.isReadingPaused { desired |= EPOLLIN.rawValue }
            if connection.isWritePollArmed { desired |= EPOLLOUT.rawValue }
        }
        guard desired != connection.interest else { return }
        connection.interest = desired
        epollModify(connection.descriptor, events: desired, slot: connection.slot, generation: connection.generation)
    }

    func requestClose(_ connection: Connection, mode: CloseMode, reason: CloseReason = .local) {
        switch connection.state {
        case .closed:
            return
        case .draining, .lingering:
            if mode == .immediately { closeNow(connection, reason: connection.closeReason ?? reason) }
        case .connecting:
            closeNow(connection, reason: reason)
        case .open, .handshaking:
            if mode == .immediately {
                closeNow(connection, reason: reason)
                return
            }
            connection.closeReason = reason
            if let tls = connection.tls {
                tls.sendCloseNotify()
                tls.drainCiphertext(into: &connection.outbound)
            }
            connection.state = .draining
            // Bound the drain: a peer that stops reading would otherwise keep the connection,
            // its queued output and its descriptor forever.
            cancelLifecycleTimer(connection)
            connection.lifecycleTimer = timers.schedule(
                at: deadline(after: configuration.drainTimeout),
                .lifecycle(slot: connection.slot, generation: connection.generation))
            scheduleFlush(connection)
        }
    }

    /// Output is flushed: send FIN and wait (bounded) for the peer's FIN.
    private func beginLinger(_ connection: Connection) {
        syscalls.shutdownWrite(connection.descriptor)
        connection.state = .lingering
        connection.isReadingPaused = false
        updateInterest(connection)
        cancelLifecycleTimer(connection)  // the drain deadline
        connection.lifecycleTimer = timers.schedule(
            at: deadline(after: configuration.lingerTimeout),
            .lifecycle(slot: connection.slot, generation: connection.generation))
    }

    /// Bounds connect and TLS handshake time.
    private func armSetupDeadline(_ connection: Connection) {
        connection.lifecycleTimer = timers.schedule(
            at: deadline(after: configuration.connectionSetupTimeout),
            .lifecycle(slot: connection.slot, generation: connection.generation))
    }

    func cancelLifecycleTimer(_ connection: Connection) {
        if let timer = connection.lifecycleTimer { timers.cancel(timer) }
        connection.lifecycleTimer = nil
    }

    func lifecycleTimerFired(_ slot: UInt32, _ generation: UInt32) {
        guard let connection = liveConnection(slot, generation) else { return }
        connection.lifecycleTimer = nil
        switch connection.state {
        case .connecting: closeNow(connection, reason: .connectFailed(.timedOut))
        case .handshaking:
            let limit = configuration.connectionSetupTimeout
            closeNow(connection, reason: .tlsFailed(.handshakeFailed(detail: "not finished within \(limit)")))
        case .draining, .lingering: closeNow(connection, reason: .lingerTimedOut)
        case .open, .closed: return
        }
    }

    func connectionTimerFired(_ slot: UInt32, _ generation: UInt32, _ token: UInt64) {
        guard let connection = liveConnection(slot, generation),
              connection.state == .open || connection.state == .handshaking else { return }
        connection.handler.timerFired(connection, token)
    }

    /// Closes the descriptor now and queues the handler's `connectionClosed`.
    func closeNow(_ connection: Connection, reason: CloseReason) {
        guard connection.state != .closed else { return }
        connection.state = .closed
        // Deregister explicitly: with an injected `close` (tests) the kernel might not.
        _ = epoll_ctl(epollDescriptor, EPOLL_CTL_DEL, connection.descriptor, nil)
        syscalls.close(connection.descriptor)
        freeSlot(connection.slot)
        connectionCount -= 1
        cancelLifecycleTimer(connection)
        connection.outbound.removeAll(pool: chunkPool)
        connection.tls = nil
        let handler = connection.handler
        connection.handler = DetachedHandler.shared
        enqueue { handler.connectionClosed(connection, reason) }
    }
}
