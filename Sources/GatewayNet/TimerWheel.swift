// A hashed timing wheel (Varghese & Lauck, scheme 6) driven by an injected monotonic time.
// Invariant: every scheduled entry has deadlineTick > currentTick and sits in bucket
// deadlineTick % slotCount; a timer never fires before its deadline.

/// Identifies one scheduled timer. Stale handles (fired or cancelled) are recognised by their
/// generation and ignored, so holding on to a handle is always safe.
public struct TimerHandle: Hashable, Sendable {
    let index: UInt32
    let generation: UInt32
}

/// Timers for one loop, with O(1) schedule/cancel/reschedule. Time is nanoseconds from an
/// injected monotonic clock; resolution is one tick (default 10 ms): a timer fires at the
/// first `advance(to:)` whose tick reaches its deadline, so at most one tick late, never early.
/// Owned by one thread.
public struct TimerWheel<Token> {
    struct Entry {
        var deadline: UInt64
        var deadlineTick: UInt64
        var sequence: UInt64
        var token: Token?
        var generation: UInt32
        var previous: Int32
        var next: Int32
        /// Bucket index, or -1 while the entry is free.
        var bucket: Int32
    }

    public let tickNanoseconds: UInt64
    private let slotMask: Int
    private var entries: [Entry] = []
    private var freeHead: Int32 = -1
    private var bucketHeads: [Int32]
    /// One bit per bucket: set while the bucket is non-empty (finds the next wake quickly).
    private var occupancy: [UInt64]
    /// The last tick processed by `advance`.
    private var currentTick: UInt64
    private var nextSequence: UInt64 = 0
    private var expiredScratch: [Int32] = []
    /// Number of scheduled timers.
    public private(set) var count = 0

    /// - Parameters:
    ///   - now: the current time; timers due at or before it fire on the next tick.
    ///   - tickNanoseconds: resolution (default 10 ms).
    ///   - slotCount: buckets, a power of two ≥ 64 (default 512: one revolution is 5.12 s;
    ///     longer deadlines simply stay in their bucket for later revolutions).
    public init(now: UInt64, tickNanoseconds: UInt64 = 10_000_000, slotCount: Int = 512) {
        precondition(tickNanoseconds > 0, "tick must be positive")
        precondition(slotCount >= 64 && slotCount & (slotCount - 1) == 0, "slotCount must be a power of two ≥ 64")
        self.tickNanoseconds = tickNanoseconds
        slotMask = slotCount - 1
        bucketHeads = Array(repeating: -1, count: slotCount)
        occupancy = Array(repeating: 0, count: slotCount / 64)
        currentTick = now / tickNanoseconds
    }

    /// Schedules `token` to fire at `deadline` (ns). A deadline in the past fires on the next
    /// tick. O(1) amortised.
    public mutating func schedule(at deadline: UInt64, _ token: Token) -> TimerHandle {
        let index = allocateEntry()
        entries[index].token = token
        place(index, deadline: deadline)
        count += 1
        return TimerHandle(index: UInt32(index), generation: entries[index].generation)
    }

    /// Cancels a pending timer and returns its token; nil (and nothing happens) for a stale
    /// handle. O(1).
    @discardableResult
    public mutating func cancel(_ handle: TimerHandle) -> Token? {
        guard let index = liveIndex(handle) else { return nil }
        let token = entries[index].token
        unlink(index)
        freeEntry(index)
        count -= 1
        return token
    }

    /// Moves a pending timer to a new deadline, keeping its handle and token. Returns false for
    /// a stale handle (re-arm a fired timer with `schedule` instead). O(1).
    @discardableResult
    public mutating func reschedule(_ handle: TimerHandle, at deadline: UInt64) -> Bool {
        guard let index = liveIndex(handle) else { return false }
        unlink(index)
        place(index, deadline: deadline)
        return true
    }

    /// True while `handle` names a timer that has neither fired nor been cancelled.
    public func isPending(_ handle: TimerHandle) -> Bool { liveIndex(handle) != nil }

    /// The time (ns) of the earliest non-empty bucket: a lower bound on the next deadline, so
    /// a loop that sleeps until then never wakes late. Nil when no timer is scheduled.
    /// O(slotCount / 64).
    public func nextWakeTime() -> UInt64? {
        guard count > 0 else { return nil }
        let start = Int((currentTick &+ 1) & UInt64(slotMask))
        guard let distance = distanceToOccupiedBucket(from: start) else { return nil }
        let (time, overflow) = (currentTick &+ 1 &+ UInt64(distance)).multipliedReportingOverflow(by: tickNanoseconds)
        return overflow ? .max : time
    }

    /// Expires every timer whose deadline is ≤ `now` (tick-rounded) and returns their tokens
    /// in deadline order, ties in scheduling order. Time never moves backwards: an earlier
    /// `now` is ignored. O(buckets crossed + entries visited), at most one revolution.
    public mutating func advance(to now: UInt64) -> [Token] {
        var expired: [Token] = []
        advance(to: now, into: &expired)
        return expired
    }

    /// As `advance(to:)`, appending to a caller-owned array so the loop can reuse it.
    public mutating func advance(to now: UInt64, into expired: inout [Token]) {
        let target = now / tickNanoseconds
        guard target > currentTick else { return }
        let crossed = target - currentTick
        let bucketsToVisit = crossed > UInt64(slotMask) ? slotMask + 1 : Int(crossed)
        expiredScratch.removeAll(keepingCapacity: true)
        for step in 1...bucketsToVisit {
            collectDue(bucket: Int((currentTick &+ UInt64(step)) & UInt64(slotMask)), upTo: target)
        }
        currentTick = target
        guard !expiredScratch.isEmpty else { return }
        expiredScratch.sort { a, b in
            let left = entries[Int(a)], right = entries[Int(b)]
            return (left.deadline, left.sequence) < (right.deadline, right.sequence)
        }
        for index in expiredScratch {
            if let token = entries[Int(index)].token { expired.append(token) }
            freeEntry(Int(index))
        }
        count -= expiredScratch.count
    }
}

extension TimerWheel {
    private func liveIndex(_ handle: TimerHandle) -> Int? {
        let index = Int(handle.index)
        guard index < entries.count else { return nil }
        let entry = entries[index]
        guard entry.generation == handle.generation, entry.bucket >= 0 else { return nil }
        return index
    }

    private mutating func allocateEntry() -> Int {
        if freeHead >= 0 {
            let index = Int(freeHead)
            freeHead = entries[index].next
            return index
        }
        entries.append(Entry(deadline: 0, deadlineTick: 0, sequence: 0, token: nil, generation: 0,
                             previous: -1, next: -1, bucket: -1))
        return entries.count - 1
    }

    private mutating func freeEntry(_ index: Int) {
        entries[index].token = nil
        entries[index].bucket = -1
        entries[index].generation &+= 1
        entries[index].previous = -1
        entries[index].next = freeHead
        freeHead = Int32(index)
    }

    /// Sets the deadline and links the entry at the head of its bucket.
    private mutating func place(_ index: Int, deadline: UInt64) {
        // Round up so the timer never fires early; clamp past deadlines to the next tick.
        var tick = deadline / tickNanoseconds
        if deadline % tickNanoseconds != 0 { tick &+= 1 }
        if tick <= currentTick { tick = currentTick &+ 1 }
        let bucket = Int(tick & UInt64(slotMask))
        entries[index].deadline = deadline
        entries[index].deadlineTick = tick
        entries[index].sequence = nextSequence
        nextSequence &+= 1
        entries[index].bucket = Int32(bucket)
        entries[index].previous = -1
        entries[index].next = bucketHeads[bucket]
        if bucketHeads[bucket] >= 0 { entries[Int(bucketHeads[bucket])].previous = Int32(index) }
        bucketHeads[bucket] = Int32(index)
        occupancy[bucket >> 6] |= 1 << UInt64(bucket & 63)
    }

    private mutating func unlink(_ index: Int) {
        let entry = entries[index]
        let bucket = Int(entry.bucket)
        if entry.previous >= 0 {
            entries[Int(entry.previous)].next = entry.next
        } else {
            bucketHeads[bucket] = entry.next
            if entry.next < 0 { occupancy[bucket >> 6] &= ~(1 << UInt64(bucket & 63)) }
        }
        if entry.next >= 0 { entries[Int(entry.next)].previous = entry.previous }
    }

    /// Unlinks every entry of `bucket` due by `target` into `expiredScratch`.
    private mutating func collectDue(bucket: Int, upTo target: UInt64) {
        var cursor = bucketHeads[bucket]
        while cursor >= 0 {
            let index = Int(cursor)
            cursor = entries[index].next
            if entries[index].deadlineTick <= target {
                unlink(index)
                entries[index].bucket = -1
                expiredScratch.append(Int32(index))
            }
        }
    }

    /// Distance (0..<slotCount) from bucket `start` to the first non-empty bucket, circularly.
    private func distanceToOccupiedBucket(from start: Int) -> Int? {
        let wordCount = occupancy.count
        var word = start >> 6
        var bits = occupancy[word] & (~UInt64(0) << UInt64(start & 63))
        for _ in 0...wordCount {
            if bits != 0 {
                let slot = word * 64 + bits.trailingZeroBitCount
                return (slot - start + slotMask + 1) & slotMask
            }
            word = (word + 1) % wordCount
            bits = occupancy[word]
        }
        return nil
    }
}
