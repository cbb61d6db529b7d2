// The thread-safe face of an event loop: other threads post jobs through it.
// Invariant: it never touches loop state directly; everything goes through the mailbox.

/// A reference to an `EventLoop` usable from any thread.
public final class EventLoopHandle: Sendable {
    /// The loop's index in its group (0-based).
    public let index: Int
    let mailbox: Mailbox

    init(index: Int, mailbox: Mailbox) {
        self.index = index
        self.mailbox = mailbox
    }

    /// Runs `job` on the loop thread, after jobs posted earlier from the same thread (FIFO).
    /// Returns false, dropping the job, if the loop has already stopped.
    @discardableResult
    public func execute(_ job: @escaping LoopJob) -> Bool {
        mailbox.post(job)
    }

    /// Stops the loop at once: open connections are closed with `.shutdown`.
    public func stop() {
        execute { loop in loop.stop() }
    }

    /// Graceful stop: listeners close, every open connection's handler gets
    /// `shutdownRequested`, and the loop exits when all are closed or `gracePeriod` ends.
    public func shutdown(gracePeriod: Duration) {
        execute { loop in loop.beginShutdown(gracePeriod: gracePeriod) }
    }
}
