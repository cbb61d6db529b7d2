// What one client loop measured: connection outcomes, messages by type, latency histograms
// (receive time − server `t`) for healthy and slow clients, and the rank receipts used to
// match score posts. Owned by its loop; copied out (a value) when the run collects it.

/// Message counters, split by client health. Cheap to copy: the orchestrator snapshots them
/// at the start and end of the measured window to compute rates.
struct MessageCounters: Sendable, Equatable {
    /// Messages by `ServerMessageKind.rawValue`, healthy clients.
    var healthy = [Int](repeating: 0, count: ServerMessageKind.allCases.count)
    /// Messages by kind, slow clients.
    var slow = [Int](repeating: 0, count: ServerMessageKind.allCases.count)
    /// Payload bytes received (all clients).
    var bytes = 0

    func total(_ kinds: (ServerMessageKind) -> Bool, slow includeSlow: Bool = true) -> Int {
        var n = 0
        for kind in ServerMessageKind.allCases where kinds(kind) {
            n += healthy[kind.rawValue] + (includeSlow ? slow[kind.rawValue] : 0)
        }
        return n
    }

    static func - (a: MessageCounters, b: MessageCounters) -> MessageCounters {
        var d = a
        for i in d.healthy.indices {
            d.healthy[i] -= b.healthy[i]
            d.slow[i] -= b.slow[i]
        }
        d.bytes -= b.bytes
        return d
    }

    mutating func add(_ o: MessageCounters) {
        for i in healthy.indices {
            healthy[i] += o.healthy[i]
            slow[i] += o.slow[i]
        }
        bytes += o.bytes
    }
}

/// Latency (ns) from the server's `t` to our receive time, by message class and client health.
struct DeliveryLatency: Sendable, Equatable {
    var healthyPersonal = LatencyHistogram()
    var healthyBoard = LatencyHistogram()
    var slowPersonal = LatencyHistogram()
    var slowBoard = LatencyHistogram()

    mutating func merge(_ o: DeliveryLatency) {
        healthyPersonal.merge(o.healthyPersonal)
        healthyBoard.merge(o.healthyBoard)
        slowPersonal.merge(o.slowPersonal)
        slowBoard.merge(o.slowBoard)
    }
}

/// Everything one loop measured. Merged over loops by `merge`.
struct ClientStats: Sendable {
    var established = 0
    var failed = 0
    /// Failure descriptions (connect errors, HTTP statuses) → count.
    var failures: [String: Int] = [:]
    /// Close codes received in server close frames → count.
    var closeCodes: [UInt16: Int] = [:]
    /// Connections that ended without a close frame after the upgrade.
    var droppedWithoutClose = 0
    /// Connect + upgrade time per connection.
    var setupTime = LatencyHistogram()
    var acks = 0
    var errors = 0
    var snapshots = 0
    var sampleErrors: [String] = []
    var counters = MessageCounters()
    var latency = DeliveryLatency()
    /// Rank receipts of healthy clients: (player << 32 | low 32 bits of score) and receive
    /// time (Unix ns).
    var rankKeys: [UInt64] = []
    var rankTimes: [Int64] = []

    mutating func fail(_ reason: String) {
        failed += 1
        failures[reason, default: 0] += 1
    }

    mutating func noteError(_ text: String) {
        errors += 1
        if sampleErrors.count < 5 { sampleErrors.append(text) }
    }

    /// Clears what the measured window reports (latencies, rank receipts); counters stay
    /// cumulative (rates come from snapshot differences).
    mutating func resetWindow() {
        latency = DeliveryLatency()
        rankKeys.removeAll(keepingCapacity: true)
        rankTimes.removeAll(keepingCapacity: true)
    }

    mutating func merge(_ o: ClientStats) {
        established += o.established
        failed += o.failed
        for (k, v) in o.failures { failures[k, default: 0] += v }
        for (k, v) in o.closeCodes { closeCodes[k, default: 0] += v }
        droppedWithoutClose += o.droppedWithoutClose
        setupTime.merge(o.setupTime)
        acks += o.acks
        errors += o.errors
        snapshots += o.snapshots
        sampleErrors += o.sampleErrors.prefix(max(0, 5 - sampleErrors.count))
        counters.add(o.counters)
        latency.merge(o.latency)
        rankKeys += o.rankKeys
        rankTimes += o.rankTimes
    }
}
