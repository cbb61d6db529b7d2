// End-to-end latency: each `rank` message a client received is matched to the post that caused
// it by (player, score) — scores are unique per player (see `ScoreEvents`) — and the latency is
// receive time − post send time. Sort-merge join: O((p + r) log(p + r)), no hash table.

struct PostMatcher {
    /// How the receipts and posts paired up.
    struct Outcome: Equatable {
        var latency = LatencyHistogram()
        /// Receipts whose post is unknown (posted before the window, or seeded).
        var unmatchedReceipts = 0
        /// Posts with no receipt (player not connected or slow, superseded in the same tick,
        /// or not delivered yet).
        var postsWithoutReceipt = 0
    }

    /// Joins posts (key, send time) with receipts (key, receive time). A key posted twice keeps
    /// the later post; a key received twice counts each receipt against it.
    static func match(postKeys: [UInt64], postTimes: [Int64], receiptKeys: [UInt64], receiptTimes: [Int64]) -> Outcome {
        precondition(postKeys.count == postTimes.count && receiptKeys.count == receiptTimes.count, "unpaired arrays")
        var posts = zip(postKeys, postTimes).map { (key: $0, time: $1) }
        posts.sort { $0.key < $1.key || ($0.key == $1.key && $0.time < $1.time) }
        var receipts = zip(receiptKeys, receiptTimes).map { (key: $0, time: $1) }
        receipts.sort { $0.key < $1.key }
        var outcome = Outcome()
        var i = 0
        var j = 0
        while j < receipts.count {
            let key = receipts[j].key
            while i < posts.count && posts[i].key < key {
                if i + 1 == posts.count || posts[i + 1].key != posts[i].key { outcome.postsWithoutReceipt += 1 }
                i += 1
            }
            // The last post with this key (posts are sorted by time within a key).
            var last = i
            while last + 1 < posts.count && posts[last + 1].key == key { last += 1 }
            if i < posts.count && posts[i].key == key {
                while j < receipts.count && receipts[j].key == key {
                    outcome.latency.record(receipts[j].time - posts[last].time)
                    j += 1
                }
                i = last + 1
            } else {
                while j < receipts.count && receipts[j].key == key {
                    outcome.unmatchedReceipts += 1
                    j += 1
                }
            }
        }
        while i < posts.count {
            if i + 1 == posts.count || posts[i + 1].key != posts[i].key { outcome.postsWithoutReceipt += 1 }
            i += 1
        }
        return outcome
    }
}
