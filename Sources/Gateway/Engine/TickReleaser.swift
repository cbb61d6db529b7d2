// Releases each tick's replies and notifications once its log record is durable, in tick order,
// on whichever thread learns it: the log writer (its completion) or the engine thread (a tick
// with nothing to log). Releasing on the writer means a durable tick no longer waits for the
// engine thread to finish the tick it is applying before its replies leave (that wait was most of
// the commit latency under load). The engine thread registers ticks in order; sends are mailbox
// posts, so they happen under the lock: order is kept and nobody holds it for long.
import GatewayFanout
import GatewayNet
import Synchronization

final class TickReleaser: Sendable {
    /// What one tick sends once durable.
    struct Output: Sendable {
        var replies: [(ReplyTarget, EngineReply)] = []
        /// One batch per I/O loop (nil: nothing for that loop).
        var fanout: [FanoutBatch?] = []
        /// When the tick was handed to the log (monotonic ns), for the commit latency metric.
        var loggedAt: UInt64 = 0
    }

    private struct Entry {
        let id: UInt64
        var output: Output
        var result: Result<UInt64, any Error>?
    }

    private struct State {
        var entries: [Entry] = []
        var head = 0
    }

    /// Sends one tick's output (called under the lock, in tick order).
    typealias Release = @Sendable (_ id: UInt64, _ output: Output, _ outcome: Result<UInt64, any Error>) -> Void

    private let state = Mutex(State())
    private let release: Release

    init(release: @escaping Release) {
        self.release = release
    }

    /// A releaser that sends replies to their loops and each loop its fan-out batch, and records
    /// the commit latency.
    convenience init(loops: [EventLoopHandle], metrics: Metrics) {
        self.init { _, output, outcome in
            metrics.commitLatency.observe(nanoseconds: Int(MonotonicClock.system.now() &- output.loggedAt))
            switch outcome {
            case let .failure(error):
                // Not durable: the requests fail and the tick's notifications are not sent.
                for (reply, _) in output.replies {
                    reply.send(.http(.error(.serviceUnavailable, "storage_failed", "not durable: \(error)")))
                }
            case .success:
                for (reply, message) in output.replies { reply.send(message) }
                TickReleaser.dispatch(output.fanout, to: loops)
            }
        }
    }

    /// Hands each I/O loop its fan-out batch of a tick (one mailbox post per loop with work).
    static func dispatch(_ fanout: [FanoutBatch?], to loops: [EventLoopHandle]) {
        for (i, batch) in fanout.enumerated() {
            guard let batch else { continue }
            loops[i].execute { loop in (loop.context as? LoopContext)?.dispatch(batch) }
        }
    }

    /// Ticks registered and not yet released.
    var pendingCount: Int { state.withLock { $0.entries.count - $0.head } }

    /// Registers the next tick (ids increase). Engine thread only.
    func register(_ id: UInt64, _ output: Output) {
        state.withLock { $0.entries.append(Entry(id: id, output: output, result: nil)) }
    }

    /// Records tick `id`'s outcome and releases every tick at the head whose outcome is known.
    /// Any thread.
    func complete(_ id: UInt64, _ result: Result<UInt64, any Error>) {
        state.withLock { s in
            guard let i = s.entries[s.head...].firstIndex(where: { $0.id == id }) else { return }
            s.entries[i].result = result
            while s.head < s.entries.count, let outcome = s.entries[s.head].result {
                release(s.entries[s.head].id, s.entries[s.head].output, outcome)
                s.entries[s.head].output = Output()
                s.head += 1
            }
            if s.head == s.entries.count {
                s.entries.removeAll(keepingCapacity: true)
                s.head = 0
            } else if s.head >= 64 && s.head * 2 >= s.entries.count {
                s.entries.removeFirst(s.head)
                s.head = 0
            }
        }
    }
}
