// Tunables of one event loop, with their defaults and the reasons for them in one place.
import Glibc

/// Configuration shared by the loops of a group.
public struct EventLoopConfiguration: Sendable {
    /// epoll_wait batch size.
    public var maxEventsPerWait = 256
    /// The loop-owned read buffer every connection reads into (no per-connection buffer).
    public var readBufferBytes = 64 * 1024
    /// Reads per readiness event and connection before yielding to others (fairness; a read
    /// that does not fill the buffer ends the turn early).
    public var maxReadsPerWake = 4
    /// writev calls per flush before yielding (each gathers up to 1024 chunks).
    public var maxWritevCallsPerFlush = 16
    /// Per-connection output watermarks.
    public var watermarks = WriteWatermarks()
    /// How listeners accept and shed load.
    public var acceptPolicy = AcceptPolicy()
    /// After a graceful close (output flushed, FIN sent) how long to wait for the peer's FIN
    /// before closing anyway. Closing with unread input would send RST and could destroy the
    /// final response (e.g. a 413) before the peer read it.
    public var lingerTimeout: Duration = .seconds(2)
    /// After a graceful close is requested, how long queued output may take to drain before
    /// the connection is closed anyway (`.lingerTimedOut`): a peer that stopped reading (a slow
    /// consumer being disconnected) must not hold its descriptor and buffers forever.
    public var drainTimeout: Duration = .seconds(10)
    /// Limit for a client connect plus, with TLS, the handshake (server side: the handshake).
    public var connectionSetupTimeout: Duration = .seconds(10)
    /// Timer wheel resolution and size (10 ms × 512 = one revolution per 5.12 s).
    public var timerTickNanoseconds: UInt64 = 10_000_000
    public var timerSlots = 512
    /// The monotonic clock (injected by tests).
    public var clock = MonotonicClock.system
    /// The system calls (injected by tests).
    public var syscalls = SystemCalls.live
    /// Where rare operational events go (EMFILE back-off, listener errors).
    public var logger: NetLogger = { line in
        var text = line + "\n"
        text.withUTF8 { _ = Glibc.write(2, $0.baseAddress, $0.count) }
    }

    /// Called on the loop thread each time a listener pauses accepting because descriptors ran
    /// out (EMFILE/ENFILE), with how many queued connections it closed at once (metrics).
    public var onAcceptPaused: (@Sendable (Int) -> Void)?

    public init() {}
}
