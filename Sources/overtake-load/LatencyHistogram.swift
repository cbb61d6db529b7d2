// A log-linear latency histogram in nanoseconds (HDR-style: 32 sub-buckets per power of two, so
// a reported quantile is within 1/32 ≈ 3.1% above the true one). Recording is O(1) and
// allocation-free; histograms of several loops merge by adding counts.

/// Counts of non-negative nanosecond values. Values below 64 ns are exact; above, bucket `i`
/// covers [lower(i), lower(i+1)) with a width of 1/32 of its power of two. Values of 2^41 ns
/// (~37 min) and more land in the last bucket.
struct LatencyHistogram: Sendable, Equatable {
    static let subBucketBits = 5
    static let maxExponent = 40
    static let bucketCount = (maxExponent - subBucketBits) << subBucketBits + (1 << (subBucketBits + 1))

    private(set) var counts: [UInt64] = Array(repeating: 0, count: LatencyHistogram.bucketCount)
    private(set) var count: UInt64 = 0
    private(set) var sum: UInt64 = 0
    private(set) var max: UInt64 = 0
    /// Samples that were negative (clock steps) and recorded as 0.
    private(set) var negative: UInt64 = 0

    /// The bucket index of `value`. O(1).
    static func index(of value: UInt64) -> Int {
        let small = UInt64(1) << (subBucketBits + 1)
        if value < small { return Int(value) }
        let exponent = 63 - value.leadingZeroBitCount
        guard exponent <= maxExponent else { return bucketCount - 1 }
        let sub = Int(value >> UInt64(exponent - subBucketBits)) & ((1 << subBucketBits) - 1)
        return Int(small) + (exponent - subBucketBits - 1) << subBucketBits + sub
    }

    /// The smallest value that lands in bucket `index`.
    static func lowerBound(of index: Int) -> UInt64 {
        let small = 1 << (subBucketBits + 1)
        if index < small { return UInt64(index) }
        let exponent = (index - small) >> subBucketBits + subBucketBits + 1
        let sub = UInt64((index - small) & ((1 << subBucketBits) - 1))
        return (UInt64(1) << UInt64(exponent)) + sub << UInt64(exponent - subBucketBits)
    }

    /// Records one sample (a difference of two clock readings; negative is clamped to 0).
    mutating func record(_ nanoseconds: Int64) {
        let value: UInt64
        if nanoseconds < 0 {
            negative += 1
            value = 0
        } else {
            value = UInt64(nanoseconds)
        }
        counts[Self.index(of: value)] += 1
        count += 1
        sum &+= value
        if value > max { max = value }
    }

    mutating func merge(_ other: LatencyHistogram) {
        for i in counts.indices { counts[i] += other.counts[i] }
        count += other.count
        sum &+= other.sum
        max = Swift.max(max, other.max)
        negative += other.negative
    }

    /// The value at quantile `q` (0…1): the upper edge of the bucket holding the ⌈q·count⌉-th
    /// smallest sample, capped at the maximum seen; 0 when empty. O(buckets).
    func quantile(_ q: Double) -> UInt64 {
        guard count > 0 else { return 0 }
        let rank = Swift.max(1, UInt64((q * Double(count)).rounded(.up)))
        var seen: UInt64 = 0
        for (i, c) in counts.enumerated() where c > 0 {
            seen += c
            if seen >= rank {
                let upper = i + 1 < Self.bucketCount ? Self.lowerBound(of: i + 1) - 1 : max
                return Swift.min(upper, max)
            }
        }
        return max
    }

    var mean: Double { count == 0 ? 0 : Double(sum) / Double(count) }
}
