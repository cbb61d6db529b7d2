// A fixed-bucket latency histogram updated with relaxed atomics from any thread and rendered in
// the Prometheus text format (cumulative `le` buckets in seconds, `_sum`, `_count`).
import Synchronization

final class Histogram: Sendable {
    /// Upper bounds in nanoseconds.
    let bounds: [Int]
    private let buckets: [Counter]
    private let sum = Atomic<Int>(0)
    private let total = Atomic<Int>(0)

    /// Bounds from 50 µs to 10 s, roughly ×2.5 apart: notification and fsync latencies.
    static let latencyBounds = [50_000, 100_000, 250_000, 500_000, 1_000_000, 2_500_000, 5_000_000, 10_000_000,
                                25_000_000, 50_000_000, 100_000_000, 250_000_000, 500_000_000, 1_000_000_000,
                                2_500_000_000, 10_000_000_000]

    init(bounds: [Int] = Histogram.latencyBounds) {
        self.bounds = bounds
        buckets = (0...bounds.count).map { _ in Counter() }
    }

    func observe(nanoseconds: Int) {
        var i = 0
        while i < bounds.count && nanoseconds > bounds[i] { i += 1 }
        buckets[i].add(1)
        sum.wrappingAdd(max(0, nanoseconds), ordering: .relaxed)
        total.wrappingAdd(1, ordering: .relaxed)
    }

    var count: Int { total.load(ordering: .relaxed) }

    /// Appends `name_bucket`, `name_sum`, `name_count` lines (after the HELP/TYPE lines).
    /// Values are nanoseconds rendered as seconds, unless `plain` (counts).
    func render(_ name: String, labels: String = "", plain: Bool = false, into out: inout String) {
        let format: (Int) -> String = plain ? { (v: Int) -> String in String(v) } : { Self.seconds($0) }
        var cumulative = 0
        let prefix = labels.isEmpty ? "" : labels + ","
        for (i, bound) in bounds.enumerated() {
            cumulative += buckets[i].value
            out += "\(name)_bucket{\(prefix)le=\"\(format(bound))\"} \(cumulative)\n"
        }
        cumulative += buckets[bounds.count].value
        out += "\(name)_bucket{\(prefix)le=\"+Inf\"} \(cumulative)\n"
        let suffix = labels.isEmpty ? "" : "{\(labels)}"
        out += "\(name)_sum\(suffix) \(format(sum.load(ordering: .relaxed)))\n"
        out += "\(name)_count\(suffix) \(cumulative)\n"
    }

    /// Nanoseconds as decimal seconds without floating-point noise (e.g. 0.00025).
    static func seconds(_ ns: Int) -> String {
        let whole = ns / 1_000_000_000
        var fraction = String(ns % 1_000_000_000)
        fraction = String(repeating: "0", count: 9 - fraction.count) + fraction
        while fraction.last == "0" { fraction.removeLast() }
        return fraction.isEmpty ? "\(whole)" : "\(whole).\(fraction)"
    }
}

/// A relaxed atomic counter or gauge.
final class Counter: Sendable {
    private let storage = Atomic<Int>(0)

    init() {}

    func add(_ n: Int) { storage.wrappingAdd(n, ordering: .relaxed) }
    func set(_ n: Int) { storage.store(n, ordering: .relaxed) }
    var value: Int { storage.load(ordering: .relaxed) }
}
