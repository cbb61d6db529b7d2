// A one-shot signal between threads for start-up and shutdown sequencing (not a hot path:
// waiting polls every millisecond).
import Glibc
import Synchronization

final class Latch: Sendable {
    private let state = Mutex<Bool>(false)

    init() {}

    func open() { state.withLock { $0 = true } }
    var isOpen: Bool { state.withLock { $0 } }

    /// Waits until opened or `timeout` passes; returns whether it opened.
    @discardableResult
    func wait(timeout: Duration) -> Bool {
        var remaining = timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000
        while remaining > 0 {
            if isOpen { return true }
            var ts = timespec(tv_sec: 0, tv_nsec: 1_000_000)
            nanosleep(&ts, nil)
            remaining -= 1
        }
        return isOpen
    }
}
