// One epoll instance driven by one thread: registrations, the mailbox, timers and deferred
// work. Invariant: everything here is touched only by the thread that runs the loop; other
// threads reach it only through `EventLoopHandle` (the mailbox).
import CSystem
import Glibc

/// Descriptors a loop needs before its thread starts (made on the starting thread so setup
/// errors surface there). `Sendable`: an epoll descriptor number and a `Sendable` mailbox.
struct LoopResources: Sendable {
    let epollDescriptor: Int32
    let mailbox: Mailbox

    /// Creates the epoll instance and mailbox, registering the mailbox in slot 0.
    static func make() throws(NetError) -> LoopResources {
        let epfd = epoll_create1(Int32(EPOLL_CLOEXEC))
        if epfd < 0 { throw .systemCall("epoll_create1", .current) }
        let mailbox: Mailbox
        do { mailbox = try Mailbox() } catch {
            Glibc.close(epfd)
            throw error
        }
        var event = csystem_epoll_event(EPOLLIN.rawValue, EventLoop.tag(slot: 0, generation: 0))
        if epoll_ctl(epfd, EPOLL_CTL_ADD, mailbox.eventDescriptor, &event) != 0 {
            let error = Errno.current
            Glibc.close(epfd)
            throw .systemCall("epoll_ctl(ADD eventfd)", error)
        }
        return LoopResources(epollDescriptor: epfd, mailbox: mailbox)
    }
}

/// A single-threaded event loop. Create it on the thread that will run it (or let
/// `EventLoopGroup` do so); every method must be called on that thread.
public final class EventLoop {
    enum Registration {
        case free
        case mailbox
        case connection(Connection)
        case listener(ListenerRegistration)
        case signals(SignalWatcher)
    }

    struct Slot {
        var registration: Registration
        /// Bumped whenever the slot is freed, so stale epoll events and timers are ignored.
        var generation: UInt32
    }

    enum LoopTimer {
        case connection(slot: UInt32, generation: UInt32, token: UInt64)
        case lifecycle(slot: UInt32, generation: UInt32)
        case resumeListener(slot: UInt32, generation: UInt32)
        case job(UInt64)
        case shutdownDeadline
    }

    /// The thread-safe handle other threads use to reach this loop.
    public let handle: EventLoopHandle
    public let configuration: EventLoopConfiguration
    /// Per-loop state of the embedding application (e.g. the gateway's loop context).
    public var context: AnyObject?
    /// Time (ns, the configured monotonic clock) read after the last epoll_wait returned.
    public private(set) var now: UInt64
    /// Open connections (including connecting and closing ones).
    public internal(set) var connectionCount = 0

    let syscalls: SystemCalls
    let epollDescriptor: Int32
    private let ownerThread: pthread_t
    var slots: [Slot] = [Slot(registration: .mailbox, generation: 0)]
    var freeSlots: [UInt32] = []
    var timers: TimerWheel<LoopTimer>
    private var expiredTimers: [LoopTimer] = []
    private var timedJobs: [UInt64: () -> Void] = [:]
    private var nextTimedJobID: UInt64 = 0
    var pendingFlushes: [Connection] = []
    private var flushScratch: [Connection] = []
    private var localJobs: [() -> Void] = []
    private var localJobScratch: [() -> Void] = []
    private var mailboxJobs: [LoopJob] = []
    /// The one read buffer all connections of this loop read into.
    let readBuffer: UnsafeMutableRawBufferPointer
    /// Scratch for encoding plaintext before TLS encryption.
    let scratchBuffer: UnsafeMutableRawBufferPointer
    let iovecs: UnsafeMutableBufferPointer<iovec>
    /// Burst-start output chunks handed back by drained connections (see `ByteChunkPool`).
    let chunkPool = ByteChunkPool()
    private let events: UnsafeMutablePointer<epoll_event>
    private var stopRequested = false
    private(set) var isShuttingDown = false
    private var hasTornDown = false

    /// A loop driven by the calling thread (with `run()` or `runOnce`).
    public convenience init(configuration: EventLoopConfiguration = EventLoopConfiguration()) throws(NetError) {
        self.init(index: 0, resources: try LoopResources.make(), configuration: configuration)
    }

    init(index: Int, resources: LoopResources, configuration: EventLoopConfiguration) {
        precondition(configuration.readBufferBytes > 0 && configuration.maxEventsPerWait > 0, "bad loop configuration")
        handle = EventLoopHandle(index: index, mailbox: resources.mailbox)
        self.configuration = configuration
        syscalls = configuration.syscalls
        epollDescriptor = resources.epollDescriptor
        ownerThread = pthread_self()
        now = configuration.clock.now()
        timers = TimerWheel(now: now, tickNanoseconds: configuration.timerTickNanoseconds, slotCount: configuration.timerSlots)
        readBuffer = .allocate(byteCount: configuration.readBufferBytes, alignment: 16)
        scratchBuffer = .allocate(byteCount: configuration.readBufferBytes, alignment: 16)
        iovecs = .allocate(capacity: maxIOVectors)
        events = .allocate(capacity: configuration.maxEventsPerWait)
    }

    deinit {
        // Normally `run()` has torn everything down; a loop dropped without running closes
        // its descriptors here, without callbacks (handlers may not outlive it).
        for slot in slots {
            switch slot.registration {
            case .connection(let connection) where connection.state != .closed:
                connection.state = .closed  // its `loop` reference is about to dangle
                syscalls.close(connection.descriptor)
            case .listener(let registration): registration.listener.close()
            case .signals(let watcher): Glibc.close(watcher.descriptor)
            default: break
            }
        }
        Glibc.close(epollDescriptor)
        readBuffer.deallocate()
        scratchBuffer.deallocate()
        iovecs.deallocate()
        events.deallocate()
    }

    static func tag(slot: UInt32, generation: UInt32) -> UInt64 { UInt64(generation) << 32 | UInt64(slot) }

    func assertOnLoopThread() {
        assert(pthread_equal(pthread_self(), ownerThread) != 0, "EventLoop used off its thread")
    }

    /// Runs until `stop()` (or a finished graceful shutdown), then closes every connection,
    /// listener and watcher, delivering their final callbacks.
    public func run() {
        assertOnLoopThread()
        while !stopRequested { runOnce() }
        tearDown()
    }

    /// One iteration: wait for events (at most `maxWaitMilliseconds`, -1 = until the next
    /// timer or event), dispatch them, fire due timers, run deferred jobs, flush output.
    public func runOnce(maxWaitMilliseconds: Int32 = -1) {
        assertOnLoopThread()
        let timeout = waitTimeout(cap: maxWaitMilliseconds)
        let count = epoll_wait(epollDescriptor, events, Int32(configuration.maxEventsPerWait), timeout)
        now = configuration.clock.now()
        if count > 0 {
            for index in 0..<Int(count) { dispatch(events + index) }
        }
        fireTimers()
        runLocalJobs()
        flushPendingConnections()
        if isShuttingDown && connectionCount == 0 { stopRequested = true }
    }

    /// Asks `run()` to return after the current iteration; remaining connections are closed
    /// with `.shutdown`.
    public func stop() {
        stopRequested = true
    }

    /// Whether `stop()` was called or a graceful shutdown finished.
    public var isStopping: Bool { stopRequested }

    /// Runs `job` on this loop after the current event batch (loop thread only; other
    /// threads use `handle.execute`).
    public func enqueue(_ job: @escaping () -> Void) {
        assertOnLoopThread()
        localJobs.append(job)
    }

    /// Runs `job` on this loop after `delay`. O(1).
    @discardableResult
    public func schedule(after delay: Duration, _ job: @escaping () -> Void) -> TimerHandle {
        assertOnLoopThread()
        let id = nextTimedJobID
        nextTimedJobID &+= 1
        timedJobs[id] = job
        return timers.schedule(at: deadline(after: delay), .job(id))
    }

    /// Cancels a timer from `schedule(after:)` or `Connection.scheduleTimer`; stale handles
    /// are ignored.
    public func cancelTimer(_ handle: TimerHandle) {
        if case .job(let id)? = timers.cancel(handle) { timedJobs[id] = nil }
    }

    func deadline(after delay: Duration) -> UInt64 {
        let (sum, overflow) = now.addingReportingOverflow(delay.clampedNanoseconds)
        return overflow ? .max : sum
    }

    private func waitTimeout(cap: Int32) -> Int32 {
        if stopRequested || !localJobs.isEmpty || !pendingFlushes.isEmpty { return 0 }
        var timeout: Int32 = -1
        if let wake = timers.nextWakeTime() {
            let current = configuration.clock.now()
            let delta = wake > current ? wake - current : 0
            timeout = Int32(clamping: (delta + 999_999) / 1_000_000)
        }
        if cap >= 0 && (timeout < 0 || timeout > cap) { timeout = cap }
        return timeout
    }

    private func dispatch(_ event: UnsafeMutablePointer<epoll_event>) {
        let tag = csystem_epoll_event_data(event)
        let flags = csystem_epoll_event_events(event)
        let index = Int(UInt32(truncatingIfNeeded: tag))
        // Skip events for registrations closed earlier in this batch (libuv's invalidate-fd).
        guard index < slots.count, slots[index].generation == UInt32(truncatingIfNeeded: tag >> 32) else { return }
        switch slots[index].registration {
        case .free: return
        case .mailbox: runMailbox()
        case .connection(let connection): handleConnectionEvent(connection, flags: flags)
        case .listener(let registration): handleListenerEvent(registration)
        case .signals(let watcher): watcher.deliverPendingSignals()
        }
    }

    private func runMailbox() {
        handle.mailbox.take(into: &mailboxJobs)
        for job in mailboxJobs { job(self) }
        mailboxJobs.removeAll(keepingCapacity: true)
    }

    private func fireTimers() {
        timers.advance(to: now, into: &expiredTimers)
        guard !expiredTimers.isEmpty else { return }
        let fired = expiredTimers
        expiredTimers.removeAll(keepingCapacity: true)
        for timer in fired {
            switch timer {
            case .connection(let slot, let generation, let token): connectionTimerFired(slot, generation, token)
            case .lifecycle(let slot, let generation): lifecycleTimerFired(slot, generation)
            case .resumeListener(let slot, let generation): resumeListener(slot, generation)
            case .job(let id): timedJobs.removeValue(forKey: id)?()
            case .shutdownDeadline: stopRequested = true
            }
        }
    }

    private func runLocalJobs() {
        guard !localJobs.isEmpty else { return }
        swap(&localJobs, &localJobScratch)
        for job in localJobScratch { job() }
        localJobScratch.removeAll(keepingCapacity: true)
    }

    /// Flushes connections that were written to during this iteration: one writev per
    /// connection per iteration however many writes the handlers made.
    private func flushPendingConnections() {
        var passes = 0
        while !pendingFlushes.isEmpty && passes < 2 {
            passes += 1
            swap(&pendingFlushes, &flushScratch)
            for connection in flushScratch {
                connection.isFlushScheduled = false
                flush(connection)
            }
            flushScratch.removeAll(keepingCapacity: true)
        }
    }

    /// Graceful shutdown: close listeners, ask every connection's handler to say goodbye, and
    /// stop when none is left or `gracePeriod` has passed.
    func beginShutdown(gracePeriod: Duration) {
        guard !isShuttingDown else { return }
        isShuttingDown = true
        closeAllListeners()
        for connection in openConnections() {
            if connection.state == .connecting || connection.state == .handshaking {
                closeNow(connection, reason: .shutdown)
            } else if connection.state == .open {
                connection.handler.shutdownRequested(connection)
            }
        }
        _ = timers.schedule(at: deadline(after: gracePeriod), .shutdownDeadline)
    }

    private func tearDown() {
        guard !hasTornDown else { return }
        hasTornDown = true
        // Jobs posted before the mailbox closed still run, while connections are still open.
        for job in handle.mailbox.close() { job(self) }
        // Final callbacks may register new descriptors; a few passes settle it.
        for _ in 0..<4 {
            for connection in openConnections() { closeNow(connection, reason: .shutdown) }
            closeAllListeners()
            closeAllSignalWatchers()
            if localJobs.isEmpty { break }
            runLocalJobs()
        }
        timedJobs = [:]
    }
}
