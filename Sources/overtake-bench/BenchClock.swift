// Monotonic time and latency summaries for benchmarks.
import Glibc

enum BenchClock {
    @inline(__always)
    static func nanos() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
    }

    /// Sleeps until the monotonic time `deadline` (ns); returns at once if it has passed.
    static func sleep(until deadline: UInt64) {
        var ts = timespec(tv_sec: Int(deadline / 1_000_000_000), tv_nsec: Int(deadline % 1_000_000_000))
        while clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nil) == EINTR {}
    }

    /// Cost of one `nanos()` call, to subtract from per-operation timings.
    static func overhead() -> Double {
        let n = 1_000_000
        let start = nanos()
        var sink: UInt64 = 0
        for _ in 0..<n { sink &+= nanos() }
        let total = Double(nanos() - start)
        if sink == 42 { print("") }
        return total / Double(n)
    }

    /// Resident set size of this process in bytes (from /proc/self/statm).
    static func residentBytes() -> Int {
        guard let f = fopen("/proc/self/statm", "r") else { return 0 }
        defer { fclose(f) }
        var size = 0, resident = 0
        withUnsafeMutablePointer(to: &size) { s in
            withUnsafeMutablePointer(to: &resident) { r in
                _ = withVaList([s, r]) { vfscanf(f, "%ld %ld", $0) }
            }
        }
        return resident * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}

struct LatencySummary {
    var samples: [Double]

    func percentile(_ p: Double) -> Double {
        guard !samples.isEmpty else { return 0 }
        let sorted = samples.sorted()
        let index = min(sorted.count - 1, Int(Double(sorted.count) * p))
        return sorted[index]
    }

    var description: String {
        "p50 \(format(percentile(0.5))) ns, p99 \(format(percentile(0.99))) ns, p99.9 \(format(percentile(0.999))) ns"
    }
}

func format(_ value: Double, decimals: Int = 1) -> String {
    var scale = 1.0
    for _ in 0..<decimals { scale *= 10 }
    let rounded = (value * scale).rounded() / scale
    return "\(rounded)"
}
