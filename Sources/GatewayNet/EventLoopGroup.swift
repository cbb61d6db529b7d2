// N event loops, one pthread each. Invariant: every loop's epoll instance and mailbox exist
// before its thread starts, so handles are usable (jobs queue) from the moment init returns.
import Glibc
import Synchronization

/// A fixed set of running event loops.
public final class EventLoopGroup: Sendable {
    /// One handle per loop, by index.
    public let loops: [EventLoopHandle]
    /// Joinable threads; nil once joined.
    private let threads: Mutex<[pthread_t]?>
    private let roundRobin = Atomic<Int>(0)

    /// Online CPU cores (at least 1).
    public static var coreCount: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }

    /// Starts `loopCount` loops. `initializer` runs first on each loop thread (e.g. to set
    /// `loop.context`). Signals meant for a `SignalWatcher` must be blocked before this.
    public init(
        loopCount: Int = EventLoopGroup.coreCount, configuration: EventLoopConfiguration = EventLoopConfiguration(),
        name: String = "overtake-io", initializer: (@Sendable (EventLoop) -> Void)? = nil
    ) throws(NetError) {
        precondition(loopCount > 0, "an EventLoopGroup needs at least one loop")
        var resources: [LoopResources] = []
        for _ in 0..<loopCount {
            do { resources.append(try LoopResources.make()) } catch {
                for made in resources { Glibc.close(made.epollDescriptor) }
                throw error
            }
        }
        loops = resources.enumerated().map { EventLoopHandle(index: $0.offset, mailbox: $0.element.mailbox) }
        var started: [pthread_t] = []
        for (index, resource) in resources.enumerated() {
            do {
                started.append(try LoopThread.spawn(name: "\(name)-\(index)") {
                    let loop = EventLoop(index: index, resources: resource, configuration: configuration)
                    initializer?(loop)
                    loop.run()
                })
            } catch {
                for handle in loops { handle.stop() }
                for thread in started { LoopThread.join(thread) }
                for unstarted in resources[started.count...] { Glibc.close(unstarted.epollDescriptor) }
                throw error
            }
        }
        threads = Mutex(started)
    }

    deinit {
        // Not shut down explicitly: stop the loops and let their threads finish detached
        // (joining here could deadlock if the last reference dies on a loop thread).
        guard let remaining = threads.withLock({ $0 }) else { return }
        for handle in loops { handle.stop() }
        for thread in remaining { pthread_detach(thread) }
    }

    /// The next loop in round-robin order (for spreading client connections).
    public func next() -> EventLoopHandle {
        loops[roundRobin.wrappingAdd(1, ordering: .relaxed).oldValue % loops.count]
    }

    /// Graceful stop: every loop closes its listeners, asks handlers to close their
    /// connections, and exits when none remain or `gracePeriod` has passed; then the threads
    /// are joined. Must not be called from a loop thread. Idempotent.
    public func shutdown(gracePeriod: Duration = .seconds(5)) {
        for handle in loops { handle.shutdown(gracePeriod: gracePeriod) }
        join()
    }

    /// Immediate stop: open connections are closed with `.shutdown`; threads are joined.
    public func stop() {
        for handle in loops { handle.stop() }
        join()
    }

    private func join() {
        guard let joinable = threads.withLock({ state -> [pthread_t]? in
            let current = state
            state = nil
            return current
        }) else { return }
        precondition(!joinable.contains { pthread_equal($0, pthread_self()) != 0 }, "a loop cannot join its own group")
        for thread in joinable { LoopThread.join(thread) }
    }
}
