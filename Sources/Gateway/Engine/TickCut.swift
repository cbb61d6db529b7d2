// How many pending score requests the next engine tick takes: whole requests, in arrival order,
// at most `tickMaxEvents` events unless the first request alone is larger. Bounding the tick
// bounds how long the engine thread is away from its mailbox (durability completions, replies,
// session traffic), so one burst of posts cannot delay every reply by a whole burst.

enum TickCut {
    /// Number of leading requests (given by their event ranges, contiguous from 0) to apply in
    /// one tick: at least one when any are pending.
    static func requests(_ ranges: some Collection<Range<Int>>, maxEvents: Int) -> Int {
        var taken = 0
        var events = 0
        for range in ranges {
            if taken > 0 && events + range.count > maxEvents { break }
            events += range.count
            taken += 1
        }
        return taken
    }
}
