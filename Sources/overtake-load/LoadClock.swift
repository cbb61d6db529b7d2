// Clock readings of the load generator. `t` in server messages is Unix time in nanoseconds, so
// receive times use the same clock (CLOCK_REALTIME; one clock on loopback, so the difference is
// a latency). Intervals and rates use CLOCK_MONOTONIC.
import Glibc

enum LoadClock {
    /// Unix time in nanoseconds (CLOCK_REALTIME, vDSO: ~20 ns).
    @inline(__always)
    static func unixNanoseconds() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) &* 1_000_000_000 &+ Int64(ts.tv_nsec)
    }

    /// Monotonic nanoseconds since an arbitrary origin.
    @inline(__always)
    static func monotonicNanoseconds() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
    }

    /// Seconds since `start` (a monotonic reading).
    static func seconds(since start: UInt64) -> Double {
        Double(monotonicNanoseconds() &- start) / 1e9
    }

    /// Sleeps the calling (orchestrating) thread; never called on a loop thread.
    static func sleep(seconds: Double) {
        guard seconds > 0 else { return }
        var request = timespec(tv_sec: Int(seconds), tv_nsec: Int((seconds - Double(Int(seconds))) * 1e9))
        var remaining = timespec()
        while nanosleep(&request, &remaining) != 0 && errno == EINTR { request = remaining }
    }
}

/// SplitMix64: a small seeded generator, so every run with the same seed makes the same
/// players, scores and masking keys (masking keys need no secrecy against our own server).
struct LoadRandom: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
