// The system calls whose outcome the loop's logic branches on, as injectable closures, so tests
// can simulate partial writes, EAGAIN, EINTR, EMFILE and resets without real sockets.
// Invariant: every closure reports failure only by throwing the errno; none retries EINTR.
import CSystem
import Glibc

/// The calls the loop, the acceptor and `OutboundBuffer.flush` make. `live` issues the real
/// calls; tests substitute fakes. Callers own the EINTR retry policy.
public struct SystemCalls: Sendable {
    /// read(2) into `buffer`; returns the byte count, 0 at end of stream.
    public var read: @Sendable (_ fd: Int32, _ buffer: UnsafeMutableRawBufferPointer) throws(Errno) -> Int
    /// writev(2) of `iovecs`; returns the byte count written (possibly partial).
    public var writev: @Sendable (_ fd: Int32, _ iovecs: UnsafeBufferPointer<iovec>) throws(Errno) -> Int
    /// accept4(2) with SOCK_NONBLOCK | SOCK_CLOEXEC; returns the new descriptor.
    public var accept: @Sendable (_ listenerFD: Int32) throws(Errno) -> Int32
    /// close(2); errors are ignored (on Linux the descriptor is released even on EINTR).
    public var close: @Sendable (_ fd: Int32) -> Void
    /// Opens the spare descriptor kept for the EMFILE trick (/dev/null, read-only, CLOEXEC).
    public var openReserveDescriptor: @Sendable () throws(Errno) -> Int32
    /// shutdown(2) with SHUT_WR; errors are ignored (the peer may already be gone).
    public var shutdownWrite: @Sendable (_ fd: Int32) -> Void

    public init(
        read: @escaping @Sendable (Int32, UnsafeMutableRawBufferPointer) throws(Errno) -> Int,
        writev: @escaping @Sendable (Int32, UnsafeBufferPointer<iovec>) throws(Errno) -> Int,
        accept: @escaping @Sendable (Int32) throws(Errno) -> Int32,
        close: @escaping @Sendable (Int32) -> Void,
        openReserveDescriptor: @escaping @Sendable () throws(Errno) -> Int32,
        shutdownWrite: @escaping @Sendable (Int32) -> Void
    ) {
        self.read = read
        self.writev = writev
        self.accept = accept
        self.close = close
        self.openReserveDescriptor = openReserveDescriptor
        self.shutdownWrite = shutdownWrite
    }

    /// The real system calls.
    public static let live = SystemCalls(
        read: { fd, buffer throws(Errno) in
            let n = Glibc.read(fd, buffer.baseAddress, buffer.count)
            if n < 0 { throw Errno.current }
            return n
        },
        writev: { fd, iovecs throws(Errno) in
            let n = Glibc.writev(fd, iovecs.baseAddress, Int32(iovecs.count))
            if n < 0 { throw Errno.current }
            return n
        },
        accept: { listenerFD throws(Errno) in
            let flags = Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
            let fd = accept4(listenerFD, nil, nil, flags)
            if fd < 0 { throw Errno.current }
            return fd
        },
        close: { fd in _ = Glibc.close(fd) },
        openReserveDescriptor: { () throws(Errno) in
            let fd = Glibc.open("/dev/null", O_RDONLY | O_CLOEXEC)
            if fd < 0 { throw Errno.current }
            return fd
        },
        shutdownWrite: { fd in _ = Glibc.shutdown(fd, Int32(SHUT_WR)) }
    )
}

/// Linux's writev(2) iovec limit (UIO_MAXIOV). Glibc's module does not export IOV_MAX.
public let maxIOVectors = 1024

/// A monotonic time source in nanoseconds, injected so timer logic never reads the clock itself.
public struct MonotonicClock: Sendable {
    /// Nanoseconds since an arbitrary fixed origin; never decreases.
    public var now: @Sendable () -> UInt64

    public init(now: @escaping @Sendable () -> UInt64) { self.now = now }

    /// CLOCK_MONOTONIC.
    public static let system = MonotonicClock {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
    }
}

extension Duration {
    /// The duration in whole nanoseconds, clamped to 0 for negative values and saturated at
    /// `UInt64.max` (durations that long mean "never" to the timer wheel).
    var clampedNanoseconds: UInt64 {
        let (seconds, attoseconds) = components
        if seconds < 0 { return 0 }
        let (whole, overflow) = UInt64(seconds).multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return .max }
        let (sum, overflow2) = whole.addingReportingOverflow(UInt64(attoseconds / 1_000_000_000))
        return overflow2 ? .max : sum
    }
}
