// Counts of members per score bucket, for approximate ranks with a stated error bound on very
// large boards (and, later, for rank estimates across nodes). Buckets are log-linear in the
// normalized score: exact below 16 in magnitude, then 16 sub-buckets per power of two on each
// side of zero (≤ 6.25 % relative width). 1,952 buckets, 7.8 KB per window.

public struct ScoreHistogram: Sendable, Equatable {
    static let perSide = 976
    private(set) var counts: [UInt32]
    public private(set) var total = 0

    public init() { counts = [UInt32](repeating: 0, count: 2 * Self.perSide) }

    /// Bucket of a magnitude x ≥ 0 on one side: monotone in x.
    @inline(__always)
    static func sideBucket(_ x: UInt64) -> Int {
        if x < 16 { return Int(x) }
        let e = 63 - x.leadingZeroBitCount          // ≥ 4
        let sub = Int((x >> UInt64(e - 4)) & 15)
        return 16 + (e - 4) * 16 + sub
    }

    /// Bucket index of a normalized score (ascending = better), monotone in the score.
    @inline(__always)
    static func bucket(_ normalized: Int64) -> Int {
        if normalized >= 0 { return perSide + sideBucket(UInt64(normalized)) }
        // -1 → perSide - 1, more negative → lower buckets.
        return perSide - 1 - sideBucket(UInt64(bitPattern: ~normalized))
    }

    public mutating func add(_ normalized: Int64) {
        counts[Self.bucket(normalized)] &+= 1
        total += 1
    }

    public mutating func remove(_ normalized: Int64) {
        counts[Self.bucket(normalized)] &-= 1
        total -= 1
    }

    public mutating func removeAll() {
        for i in counts.indices { counts[i] = 0 }
        total = 0
    }

    /// Estimated 1-based rank of a normalized score: members in strictly better buckets, plus
    /// half of the score's own bucket. The exact rank (1 + members with a strictly better score)
    /// lies in [better buckets + 1, better buckets + bucket + 1], so within `rank ± errorBound`.
    /// O(buckets).
    public func approximateRank(ofNormalized normalized: Int64) -> (rank: Int, errorBound: Int) {
        let b = Self.bucket(normalized)
        var better = 0
        for i in 0..<b { better += Int(counts[i]) }
        let same = Int(counts[b])
        let half = same / 2
        return (better + half + 1, max(half, same - half))
    }
}
