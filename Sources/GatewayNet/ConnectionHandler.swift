// The contract between a loop and the code that speaks a protocol over its connections.
// Invariant: every callback runs on the connection's loop thread; `connectionClosed` is the
// last callback a connection ever makes, exactly once.

/// Receives a connection's events. The gateway implements it (one object per loop or one per
/// connection; the connection holds a strong reference until it has closed).
///
/// Ownership: the loop owns the socket and the `Connection`; the handler may keep the
/// `Connection` while it is open and must not use it from another thread.
public protocol ConnectionHandler: AnyObject {
    /// The connection is ready for application bytes: accepted (plain TCP), connected
    /// (client), or its TLS handshake completed. Called at most once, before any read.
    func connectionOpened(_ connection: Connection)

    /// Bytes arrived (plaintext when TLS is on). `bytes` points into the loop's shared read
    /// buffer and is valid only during this call: copy whatever must outlive it.
    func connectionRead(_ connection: Connection, _ bytes: UnsafeRawBufferPointer)

    /// Queued output fell to the low watermark after having exceeded the high watermark.
    func connectionWritable(_ connection: Connection)

    /// A timer scheduled with `Connection.scheduleTimer` fired. Not called once a close was
    /// requested.
    func timerFired(_ connection: Connection, _ token: UInt64)

    /// The loop is shutting down gracefully: say goodbye (e.g. WebSocket close 1001) and call
    /// `close()`. Connections still open when the grace period ends are closed with `.shutdown`.
    func shutdownRequested(_ connection: Connection)

    /// The socket is closed; `reason` says why. The last callback, exactly once per connection
    /// (also for failed connects and failed TLS handshakes, which never saw `connectionOpened`).
    func connectionClosed(_ connection: Connection, _ reason: CloseReason)
}

extension ConnectionHandler {
    public func connectionWritable(_ connection: Connection) {}
    public func timerFired(_ connection: Connection, _ token: UInt64) {}
    public func shutdownRequested(_ connection: Connection) { connection.close() }
}

/// Why a connection closed.
public enum CloseReason: Equatable, Sendable {
    /// The handler called `close`.
    case local
    /// The peer ended the stream (EOF, or a TLS close_notify).
    case peerClosed
    /// read(2) failed, e.g. ECONNRESET.
    case readFailed(Errno)
    /// writev(2) failed, e.g. EPIPE or ECONNRESET.
    case writeFailed(Errno)
    /// A client connect did not complete (SO_ERROR), e.g. ECONNREFUSED.
    case connectFailed(Errno)
    /// The TLS layer rejected the peer or failed (handshake or record error). Boxed: the
    /// error's strings would otherwise make every connection's `closeReason` 33 bytes.
    indirect case tlsFailed(TLSError)
    /// A graceful close waited too long for the peer: to read what was queued (the drain
    /// timeout) or to finish (the linger timeout).
    case lingerTimedOut
    /// The loop shut down while the connection was still open.
    case shutdown
}

/// Stands in for a closed connection's handler so the connection drops its reference (and
/// any handler → connection → handler cycle). Stateless, hence `Sendable`.
final class DetachedHandler: ConnectionHandler, Sendable {
    static let shared = DetachedHandler()
    func connectionOpened(_ connection: Connection) {}
    func connectionRead(_ connection: Connection, _ bytes: UnsafeRawBufferPointer) {}
    func connectionClosed(_ connection: Connection, _ reason: CloseReason) {}
    func shutdownRequested(_ connection: Connection) {}
}
