// A loop's inbox for other threads: a mutex-protected FIFO plus an eventfd that wakes the loop.
// Invariant: at most one wake-up write is outstanding (`wakePending`); the loop resets the
// eventfd before taking the queue, so a job posted after the take always triggers a new wake.
import CSystem
import Glibc
import Synchronization

/// A job run on a loop thread with that loop. Closures rather than a message enum: the
/// gateway's traffic is one batch per engine tick per loop, so a closure allocation per
/// message is noise, and closures keep GatewayNet ignorant of gateway message types.
public typealias LoopJob = @Sendable (EventLoop) -> Void

/// Multi-producer, single-consumer queue of `LoopJob`s; FIFO per producer (and globally).
final class Mailbox: Sendable {
    private struct State {
        var jobs: [LoopJob] = []
        var wakePending = false
        var isClosed = false
    }

    /// The eventfd; lives exactly as long as this object, so a poster can never write to a
    /// closed (and perhaps reused) descriptor.
    let eventDescriptor: Int32
    private let state = Mutex(State())

    init() throws(NetError) {
        let fd = eventfd(0, Int32(EFD_NONBLOCK) | Int32(EFD_CLOEXEC))
        if fd < 0 { throw .systemCall("eventfd", .current) }
        eventDescriptor = fd
    }

    deinit { Glibc.close(eventDescriptor) }

    /// Appends `job`; wakes the loop unless a wake is already pending. Returns false (and
    /// drops the job) once the loop has stopped. Safe from any thread.
    @discardableResult
    func post(_ job: @escaping LoopJob) -> Bool {
        let (accepted, mustWake) = state.withLock { state -> (Bool, Bool) in
            if state.isClosed { return (false, false) }
            state.jobs.append(job)
            if state.wakePending { return (true, false) }
            state.wakePending = true
            return (true, true)
        }
        if mustWake {
            var one: UInt64 = 1
            _ = Glibc.write(eventDescriptor, &one, 8)  // EAGAIN only at a counter of 2^64-2: impossible here
        }
        return accepted
    }

    /// Loop thread: clears the eventfd, then swaps the queued jobs into `jobs` (which must be
    /// empty; its storage is recycled).
    func take(into jobs: inout [LoopJob]) {
        var counter: UInt64 = 0
        _ = Glibc.read(eventDescriptor, &counter, 8)
        state.withLock { state in
            swap(&state.jobs, &jobs)
            state.wakePending = false
        }
    }

    /// Refuses further jobs and returns the ones still queued (the loop drops them).
    func close() -> [LoopJob] {
        state.withLock { state in
            state.isClosed = true
            let remaining = state.jobs
            state.jobs = []
            return remaining
        }
    }
}
