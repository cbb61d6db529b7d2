// The acceptor: drains a listening socket up to a fairness budget and sheds load when the
// process runs out of descriptors. Invariant: after EMFILE/ENFILE it reports `.paused` and is
// not polled again before the back-off ends, so it can never spin on an unservable backlog.

/// A log sink for rare operational events (one line each, no trailing newline).
public typealias NetLogger = @Sendable (String) -> Void

/// How a listener accepts and how it backs off when descriptors run out.
public struct AcceptPolicy: Sendable, Equatable {
    /// Accept attempts per readiness event, so one busy listener cannot starve the loop's
    /// connections (level-triggered epoll reports it again next iteration).
    public var budget: Int
    /// How long to stop polling the listener after EMFILE/ENFILE/ENOBUFS/ENOMEM.
    public var backoff: Duration
    /// At most one exhaustion log line per interval; the rest are counted and summarised.
    public var logInterval: Duration
    /// Keep one spare descriptor (/dev/null) to close on EMFILE, accept and immediately close
    /// queued connections (so those clients see a prompt close instead of hanging), reopen.
    public var keepsReserveDescriptor: Bool

    public init(budget: Int = 64, backoff: Duration = .milliseconds(100), logInterval: Duration = .seconds(10),
                keepsReserveDescriptor: Bool = true) {
        precondition(budget > 0, "accept budget must be positive")
        self.budget = budget
        self.backoff = backoff
        self.logInterval = logInterval
        self.keepsReserveDescriptor = keepsReserveDescriptor
    }
}

/// What one readiness event on a listener achieved.
public enum AcceptOutcome: Equatable, Sendable {
    /// The backlog is empty (EAGAIN).
    case drained(accepted: Int)
    /// The budget ran out; connections may still be queued.
    case budgetExhausted(accepted: Int)
    /// Out of descriptors: do not poll the listener before `resumeAt` (ns). `shed` queued
    /// connections were accepted and closed at once through the reserve descriptor.
    case paused(accepted: Int, shed: Int, resumeAt: UInt64)
}

/// One listening socket's accept logic. Owned by one loop thread; knows nothing of epoll.
public final class Listener {
    public let descriptor: Int32
    public let policy: AcceptPolicy
    private let syscalls: SystemCalls
    private let logger: NetLogger
    private var reserveDescriptor: Int32 = -1
    private var lastLogTime: UInt64?
    private var suppressedLogCount = 0
    /// True between a `.paused` outcome and `resume()`.
    public private(set) var isPaused = false
    /// Connections accepted and closed at once while out of descriptors, since creation.
    public private(set) var shedCount = 0

    public init(descriptor: Int32, policy: AcceptPolicy, syscalls: SystemCalls, logger: @escaping NetLogger) {
        self.descriptor = descriptor
        self.policy = policy
        self.syscalls = syscalls
        self.logger = logger
        if policy.keepsReserveDescriptor { reserveDescriptor = (try? syscalls.openReserveDescriptor()) ?? -1 }
    }

    /// True while the spare descriptor is held.
    public var holdsReserveDescriptor: Bool { reserveDescriptor >= 0 }

    /// Accepts up to `policy.budget` connections, handing each new descriptor (non-blocking,
    /// close-on-exec) to `onAccepted`, which takes ownership. Per-connection errors
    /// (ECONNABORTED, EPROTO, EPERM, …) skip that connection and use up one attempt.
    public func acceptBatch(now: UInt64, _ onAccepted: (Int32) -> Void) -> AcceptOutcome {
        precondition(!isPaused, "acceptBatch on a paused listener")
        var accepted = 0
        for _ in 0..<policy.budget {
            let fd: Int32
            do {
                fd = try syscalls.accept(descriptor)
            } catch {
                if error == .wouldBlock { return .drained(accepted: accepted) }
                if error.isDescriptorExhaustion { return pause(now: now, accepted: accepted, cause: error) }
                continue
            }
            accepted += 1
            onAccepted(fd)
        }
        return .budgetExhausted(accepted: accepted)
    }

    /// Ends a pause (the loop calls this from the back-off timer) and re-acquires the spare
    /// descriptor if it was lost.
    public func resume() {
        isPaused = false
        if policy.keepsReserveDescriptor && reserveDescriptor < 0 {
            reserveDescriptor = (try? syscalls.openReserveDescriptor()) ?? -1
        }
    }

    /// The bound address (the way to learn the port after binding port 0).
    public func localAddress() throws(NetError) -> SocketAddress {
        try Socket.localAddress(descriptor)
    }

    /// Closes the listening socket and the spare descriptor.
    public func close() {
        syscalls.close(descriptor)
        if reserveDescriptor >= 0 { syscalls.close(reserveDescriptor) }
        reserveDescriptor = -1
    }

    private func pause(now: UInt64, accepted: Int, cause: Errno) -> AcceptOutcome {
        let shed = shedQueuedConnections()
        shedCount += shed
        isPaused = true
        let resumeAt = now &+ policy.backoff.clampedNanoseconds
        logThrottled(now: now, "accept on fd \(descriptor): \(cause); pausing accepts for \(policy.backoff), "
            + "closed \(shed) queued connection(s) at once")
        return .paused(accepted: accepted, shed: shed, resumeAt: resumeAt)
    }

    /// The reserve-descriptor trick: free one descriptor, then accept-and-close queued
    /// connections with it. Caveat: another thread may take the freed slot first, and then
    /// nothing is shed this time.
    private func shedQueuedConnections() -> Int {
        guard reserveDescriptor >= 0 else { return 0 }
        syscalls.close(reserveDescriptor)
        reserveDescriptor = -1
        var shed = 0
        for _ in 0..<policy.budget {
            guard let fd = try? syscalls.accept(descriptor) else { break }
            syscalls.close(fd)
            shed += 1
        }
        reserveDescriptor = (try? syscalls.openReserveDescriptor()) ?? -1
        return shed
    }

    private func logThrottled(now: UInt64, _ line: String) {
        if let last = lastLogTime, now &- last < policy.logInterval.clampedNanoseconds {
            suppressedLogCount += 1
            return
        }
        let suffix = suppressedLogCount > 0 ? " (\(suppressedLogCount) similar event(s) not logged)" : ""
        logger(line + suffix)
        lastLogTime = now
        suppressedLogCount = 0
    }
}
