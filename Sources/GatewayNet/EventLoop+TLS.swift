// TLS on the loop: ciphertext from reads goes into the session, plaintext goes to the handler,
// and every ciphertext the session produces is moved into the connection's OutboundBuffer.
// Invariant: after any SSL call the session's pending ciphertext is drained and a flush is
// scheduled, so handshake messages and alerts are never stranded in the memory BIO.

extension EventLoop {
    func receiveCiphertext(_ connection: Connection, _ tls: TLSSession, _ ciphertext: UnsafeRawBufferPointer) {
        tls.receive(ciphertext)
        if !tls.isHandshakeComplete {
            guard progressHandshake(connection, tls) else { return }
        }
        deliverBufferedPlaintext(connection)
    }

    /// Advances the handshake; true once it completed and the connection is open.
    @discardableResult
    func progressHandshake(_ connection: Connection, _ tls: TLSSession) -> Bool {
        let step = tls.advanceHandshake()
        tls.drainCiphertext(into: &connection.outbound)
        switch step {
        case .needsMoreInput:
            scheduleFlush(connection)
            return false
        case .failed(let error):
            flush(connection)  // best effort: let the peer see our alert
            closeNow(connection, reason: .tlsFailed(error))
            return false
        case .complete:
            connection.state = .open
            cancelLifecycleTimer(connection)
            if let error = tls.writeEarlyPlaintext() {
                closeNow(connection, reason: .tlsFailed(error))
                return false
            }
            tls.drainCiphertext(into: &connection.outbound)
            scheduleFlush(connection)
            connection.handler.connectionOpened(connection)
            return connection.state == .open
        }
    }

    /// Decrypts every complete record buffered in the session and hands the plaintext to the
    /// handler, stopping if it pauses reading or closes. Reuses the loop read buffer: the
    /// ciphertext in it was already copied into the session.
    func deliverBufferedPlaintext(_ connection: Connection) {
        guard let tls = connection.tls, connection.state == .open else { return }
        reading: while connection.state == .open && !connection.isReadingPaused {
            switch tls.read(into: readBuffer) {
            case .plaintext(let count):
                connection.handler.connectionRead(connection, UnsafeRawBufferPointer(rebasing: readBuffer[0..<count]))
            case .needsMoreInput:
                break reading
            case .closeNotify:
                requestClose(connection, mode: .graceful, reason: .peerClosed)
                break reading
            case .failed(let error):
                closeNow(connection, reason: .tlsFailed(error))
                return
            }
        }
        guard connection.state != .closed else { return }
        // Post-handshake messages (session tickets, key updates) may have produced output.
        tls.drainCiphertext(into: &connection.outbound)
        if !connection.outbound.isEmpty { scheduleFlush(connection) }
    }

    /// Encrypts handler plaintext into the connection's output queue.
    func encrypt(_ connection: Connection, _ tls: TLSSession, _ plaintext: UnsafeRawBufferPointer) {
        if let error = tls.write(plaintext) {
            closeNow(connection, reason: .tlsFailed(error))
            return
        }
        tls.drainCiphertext(into: &connection.outbound)
    }
}
