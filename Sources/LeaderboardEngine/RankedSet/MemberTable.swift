// Player → (normalized score, seq) for one board window: open addressing with linear probing and
// backward-shift deletion (no tombstones). Columns are stored apart (struct of arrays) so a probe
// touches only the 4-byte key column. Owned by the engine thread.

/// Hash table from player index to the member's key. Capacity is any integer (home slots are
/// mapped with a multiply-shift "fast range"), grown by 1.5× at 85 % load so the table stays
/// between ~57 % and 85 % full: that keeps memory near 24 bytes per member instead of the
/// 20–40 bytes of power-of-two doubling.
public final class MemberTable {
    @usableFromInline static let empty: UInt32 = .max
    @usableFromInline var keys: UnsafeMutablePointer<UInt32>
    @usableFromInline var scores: UnsafeMutablePointer<Int64>
    @usableFromInline var seqs: UnsafeMutablePointer<UInt64>
    @usableFromInline var capacity: Int
    /// Number of members.
    public private(set) var count: Int = 0

    public init(minimumCapacity: Int = 16) {
        capacity = max(16, minimumCapacity)
        keys = .allocate(capacity: capacity)
        keys.initialize(repeating: Self.empty, count: capacity)
        scores = .allocate(capacity: capacity)
        seqs = .allocate(capacity: capacity)
    }

    deinit {
        keys.deallocate()
        scores.deallocate()
        seqs.deallocate()
    }

    /// Bytes held by the table.
    public var memoryBytes: Int { capacity * (4 + 8 + 8) }

    @inline(__always)
    func home(_ player: UInt32) -> Int {
        // Fibonacci hashing, then multiply-shift into [0, capacity).
        let h = (UInt64(player) &* 0x9E37_79B9_7F4A_7C15) >> 32
        return Int((h &* UInt64(capacity)) >> 32)
    }

    /// The slot holding `player`, or nil. O(1) expected.
    @inline(__always)
    public func slot(of player: UInt32) -> Int? {
        var i = home(player)
        while true {
            let k = keys[i]
            if k == player { return i }
            if k == Self.empty { return nil }
            i += 1
            if i == capacity { i = 0 }
        }
    }

    @inline(__always) public func key(at slot: Int) -> SetKey { SetKey(score: scores[slot], seq: seqs[slot]) }
    @inline(__always) public func player(at slot: Int) -> UInt32 { keys[slot] }

    /// The member's key, or nil when absent.
    @inline(__always)
    public func key(of player: UInt32) -> SetKey? {
        guard let s = slot(of: player) else { return nil }
        return SetKey(score: scores[s], seq: seqs[s])
    }

    /// The member's seq; the player must be present (used to order tied leaf entries).
    @inline(__always)
    func seq(ofPresent player: UInt32) -> UInt64 {
        var i = home(player)
        while keys[i] != player {
            i += 1
            if i == capacity { i = 0 }
        }
        return seqs[i]
    }

    /// Inserts or overwrites the member's key.
    public func set(_ player: UInt32, _ key: SetKey) {
        precondition(player != Self.empty, "player index out of range")
        if let s = slot(of: player) {
            scores[s] = key.score
            seqs[s] = key.seq
            return
        }
        if (count + 1) * 20 > capacity * 17 { grow() }
        var i = home(player)
        while keys[i] != Self.empty {
            i += 1
            if i == capacity { i = 0 }
        }
        keys[i] = player
        scores[i] = key.score
        seqs[i] = key.seq
        count += 1
    }

    /// Removes the member; returns its key if it was present.
    @discardableResult
    public func remove(_ player: UInt32) -> SetKey? {
        guard var hole = slot(of: player) else { return nil }
        let removed = SetKey(score: scores[hole], seq: seqs[hole])
        // Backward-shift deletion: move later entries of the cluster into the hole when their
        // home slot does not lie cyclically between the hole and their current slot.
        var i = hole
        while true {
            i += 1
            if i == capacity { i = 0 }
            let k = keys[i]
            if k == Self.empty { break }
            let h = home(k)
            let movable = hole <= i ? (h <= hole || h > i) : (h <= hole && h > i)
            if movable {
                keys[hole] = k
                scores[hole] = scores[i]
                seqs[hole] = seqs[i]
                hole = i
            }
        }
        keys[hole] = Self.empty
        count -= 1
        return removed
    }

    /// Removes every member and shrinks to the minimum capacity.
    public func removeAll() {
        keys.deallocate(); scores.deallocate(); seqs.deallocate()
        capacity = 16
        keys = .allocate(capacity: capacity)
        keys.initialize(repeating: Self.empty, count: capacity)
        scores = .allocate(capacity: capacity)
        seqs = .allocate(capacity: capacity)
        count = 0
    }

    /// Calls `body` for every member in table order (not rank order).
    public func forEach(_ body: (UInt32, SetKey) -> Void) {
        for i in 0..<capacity where keys[i] != Self.empty {
            body(keys[i], SetKey(score: scores[i], seq: seqs[i]))
        }
    }

    private func grow() {
        let oldKeys = keys, oldScores = scores, oldSeqs = seqs, oldCapacity = capacity
        capacity = oldCapacity + oldCapacity / 2
        keys = .allocate(capacity: capacity)
        keys.initialize(repeating: Self.empty, count: capacity)
        scores = .allocate(capacity: capacity)
        seqs = .allocate(capacity: capacity)
        for j in 0..<oldCapacity where oldKeys[j] != Self.empty {
            var i = home(oldKeys[j])
            while keys[i] != Self.empty {
                i += 1
                if i == capacity { i = 0 }
            }
            keys[i] = oldKeys[j]
            scores[i] = oldScores[j]
            seqs[i] = oldSeqs[j]
        }
        oldKeys.deallocate(); oldScores.deallocate(); oldSeqs.deallocate()
    }
}
