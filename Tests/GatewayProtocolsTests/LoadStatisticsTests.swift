// The load generator's statistics: histogram quantiles stay within the stated 1/32 bucket
// error of the exact value, merging equals recording together, and posts match rank receipts.
import Glibc
import Testing
@testable import overtake_load
import TestSupport

struct LoadStatisticsTests {
    @Test func bucketsRoundTripTheirLowerBounds() {
        for index in 0..<LatencyHistogram.bucketCount {
            #expect(LatencyHistogram.index(of: LatencyHistogram.lowerBound(of: index)) == index, "bucket \(index)")
        }
        #expect(LatencyHistogram.index(of: .max) == LatencyHistogram.bucketCount - 1)
    }

    @Test func quantilesAreWithinOneBucketOfTheExactValue() {
        var random = SeededRandom(label: "LoadStatisticsTests.quantiles")
        var histogram = LatencyHistogram()
        var values: [Int64] = []
        for _ in 0..<20_000 {
            // Log-uniform from 1 µs to 10 s: the spread of real latencies.
            let v = Int64(exp(Double.random(in: log(1e3)...log(1e10), using: &random)))
            values.append(v)
            histogram.record(v)
        }
        values.sort()
        for q in [0.5, 0.9, 0.99, 0.999] {
            let exact = Double(values[Int((q * Double(values.count)).rounded(.up)) - 1])
            let reported = Double(histogram.quantile(q))
            #expect(reported >= exact && reported <= exact * (1 + 1.0 / 32) + 1, "seed \(random.seed) q \(q): \(reported) vs \(exact)")
        }
        #expect(histogram.count == 20_000)
        #expect(histogram.quantile(1) == histogram.max)
    }

    @Test func negativeSamplesCountAsZeroAndAreReported() {
        var h = LatencyHistogram()
        h.record(-5)
        h.record(10)
        #expect(h.negative == 1)
        #expect(h.quantile(0.5) == 0)
        #expect(h.quantile(1) == 10)
    }

    @Test func mergingEqualsRecordingTogether() {
        var a = LatencyHistogram(), b = LatencyHistogram(), both = LatencyHistogram()
        for v in [1, 100, 5_000, 70_000_000] as [Int64] {
            a.record(v)
            both.record(v)
        }
        for v in [3, 999_999, 2_000_000_000] as [Int64] {
            b.record(v)
            both.record(v)
        }
        a.merge(b)
        #expect(a == both)
    }

    @Test func matchesEachReceiptToTheLatestPostOfItsKey() {
        let outcome = PostMatcher.match(
            postKeys: [ScoreEvents.key(player: 1, score: 10), ScoreEvents.key(player: 2, score: 7), ScoreEvents.key(player: 1, score: 10),
                       ScoreEvents.key(player: 3, score: 1)],
            postTimes: [100, 200, 300, 400],
            receiptKeys: [ScoreEvents.key(player: 1, score: 10), ScoreEvents.key(player: 2, score: 7), ScoreEvents.key(player: 9, score: 9),
                          ScoreEvents.key(player: 2, score: 7)],
            receiptTimes: [1_300, 2_200, 5, 2_500])
        #expect(outcome.latency.count == 3)
        #expect(outcome.latency.max == 2_300)
        #expect(outcome.latency.quantile(0) >= 1_000 && outcome.latency.quantile(0) <= 1_000 + 1_000 / 32)
        #expect(outcome.unmatchedReceipts == 1)
        #expect(outcome.postsWithoutReceipt == 1)
    }

    @Test func scoresNameOnePostPerPlayer() {
        var events = ScoreEvents(board: "b", prefix: "p", players: 3, range: 10, step: 3, seed: 9)
        var keys = Set<UInt64>()
        for _ in 0..<3_000 {
            let e = events.next()
            #expect(e.score >= 0 && e.score < Int64(10) << 20)
            keys.insert(ScoreEvents.key(player: e.player, score: e.score))
        }
        #expect(keys.count == 3_000)
        var line: [UInt8] = []
        events.appendLine(player: 12, score: -34, to: &line)
        #expect(String(decoding: line, as: UTF8.self) == "{\"board\":\"b\",\"player\":\"p12\",\"score\":-34}\n")
        // With ids, each post's id is its (player, score) pair, unique like the key.
        let withIDs = ScoreEvents(board: "b", prefix: "p", players: 3, range: 10, step: 3, eventIDs: true, seed: 9)
        line.removeAll()
        withIDs.appendLine(player: 12, score: 1_048_577, to: &line)
        #expect(String(decoding: line, as: UTF8.self)
                == "{\"board\":\"b\",\"player\":\"p12\",\"score\":1048577,\"event_id\":\"12.1048577\"}\n")
    }
}
