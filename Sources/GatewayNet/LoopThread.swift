// Minimal pthread wrapper for loop threads (no Foundation `Thread`).
// Invariant: the closure box is retained exactly once for the thread and released by it.
import CSystem
import Glibc

enum LoopThread {
    private final class Start {
        let name: String
        let body: @Sendable () -> Void
        init(name: String, body: @escaping @Sendable () -> Void) {
            self.name = name
            self.body = body
        }
    }

    /// Starts a joinable thread named `name` (first 15 bytes) running `body`.
    static func spawn(name: String, _ body: @escaping @Sendable () -> Void) throws(NetError) -> pthread_t {
        let start = Unmanaged.passRetained(Start(name: name, body: body))
        var thread = pthread_t()
        let result = pthread_create(&thread, nil, { raw in
            guard let raw else { return nil }
            let start = Unmanaged<Start>.fromOpaque(raw).takeRetainedValue()
            _ = csystem_set_thread_name(start.name)
            start.body()
            return nil
        }, start.toOpaque())
        if result != 0 {
            start.release()
            throw .systemCall("pthread_create", Errno(result))
        }
        return thread
    }

    static func join(_ thread: pthread_t) {
        _ = pthread_join(thread, nil)
    }
}
