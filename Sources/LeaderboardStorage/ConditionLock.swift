// A pthread mutex and condition variable (on CLOCK_MONOTONIC) guarding one value. pthread_cond
// needs a pthread mutex, which is why this does not use Synchronization.Mutex.
import Glibc

/// A value guarded by a pthread mutex, with a condition variable to wait for changes to it.
// @unchecked Sendable: `value` is read and written only between pthread_mutex_lock and
// pthread_mutex_unlock on `mutex` (withLock / wait), and the pthread objects are heap-allocated
// once, never moved, and destroyed only in deinit when no thread can hold a reference.
final class ConditionLock<Value>: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private var value: Value

    init(_ value: Value) {
        self.value = value
        pthread_mutex_init(mutex, nil)
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        pthread_cond_init(condition, &attributes)
        pthread_condattr_destroy(&attributes)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    func withLock<R>(_ body: (inout Value) throws -> R) rethrows -> R {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&value)
    }

    /// Locks, then calls `ready` until it returns non-nil, sleeping on the condition between calls.
    /// Returns nil if `timeoutNanoseconds` (real monotonic time; nil = no limit) passes first.
    func wait<R>(timeoutNanoseconds: UInt64?, until ready: (inout Value) -> R?) -> R? {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        var deadline = timespec()
        if let timeoutNanoseconds {
            let target = monotonicNanoseconds() &+ timeoutNanoseconds
            deadline.tv_sec = Int(target / 1_000_000_000)
            deadline.tv_nsec = Int(target % 1_000_000_000)
        }
        while true {
            if let result = ready(&value) { return result }
            if timeoutNanoseconds == nil {
                pthread_cond_wait(condition, mutex)
            } else if pthread_cond_timedwait(condition, mutex, &deadline) == ETIMEDOUT {
                return ready(&value)
            }
        }
    }

    /// Wakes the waiting thread (there is at most one: the committer's writer).
    func signal() { pthread_cond_signal(condition) }
}
