// Per-loop counters (sessions of a player, spectators of a stream) without a heap allocation in
// the common case: up to four loops pack into one UInt64 as 16-bit counters; more loops (or a
// count past 65,535) fall back to an array. The engine keeps one per present player, so this is
// part of the per-connection memory budget.

struct LoopCounts {
    private var packed: UInt64 = 0
    private var spilled: [Int]?

    init(loopCount: Int) {
        if loopCount > 4 { spilled = Array(repeating: 0, count: loopCount) }
    }

    func count(_ loop: Int) -> Int {
        if let spilled { return spilled[loop] }
        return Int((packed >> UInt64(loop * 16)) & 0xFFFF)
    }

    mutating func add(_ loop: Int, _ delta: Int) {
        if spilled != nil {
            spilled![loop] += delta
            return
        }
        let now = count(loop) + delta
        if now > 0xFFFF {
            spilled = (0..<4).map { count($0) }
            spilled![loop] = now
            return
        }
        let shift = UInt64(loop * 16)
        packed = (packed & ~(0xFFFF << shift)) | (UInt64(max(0, now)) << shift)
    }

    /// Loops with a non-zero count, in index order.
    func forEachLoop(_ body: (Int) -> Void) {
        if let spilled {
            for (i, c) in spilled.enumerated() where c > 0 { body(i) }
            return
        }
        var bits = packed
        var loop = 0
        while bits != 0 {
            if bits & 0xFFFF != 0 { body(loop) }
            bits >>= 16
            loop += 1
        }
    }
}
