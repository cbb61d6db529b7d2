// The engine's present players: one dense array of records plus an open-addressing index of
// 4-byte slot numbers (linear probing, Fibonacci hashing of the dense player indices).
// Invariant: `index` holds exactly one entry `slot + 1` per record, reachable from its player's
// home position without crossing an empty entry; it is at most 3/4 full.
import LeaderboardEngine

struct PresenceTable {
    /// Records in no particular order; a removal moves the last record into the hole.
    private(set) var records: [Presence] = []
    /// 0 = empty, otherwise the record's slot + 1. Capacity: 0 or a power of two ≥ 16.
    private var index: [UInt32] = []
    private var shift = 64

    init() {}

    var count: Int { records.count }
    var isEmpty: Bool { records.isEmpty }
    /// Entries of the index (for tests of memory behaviour): 0 or a power of two ≥ 16.
    var indexCapacity: Int { index.count }

    /// The slot (0-based position in `records`) of `player`'s record, nil when absent. O(1) expected.
    func slot(of player: PlayerIndex) -> Int? {
        guard !index.isEmpty else { return nil }
        var i = home(player)
        let mask = index.count - 1
        while index[i] != 0 {
            let s = Int(index[i] - 1)
            if records[s].player == player { return s }
            i = (i + 1) & mask
        }
        return nil
    }

    /// `player`'s record, nil when absent.
    subscript(player player: PlayerIndex) -> Presence? {
        slot(of: player).map { records[$0] }
    }

    /// The record at `slot` (from `slot(of:)`; valid until the next insert or removal).
    subscript(slot slot: Int) -> Presence {
        get { records[slot] }
        set { records[slot] = newValue }
    }

    /// Mutates the record at `slot` in place.
    mutating func update<R>(slot: Int, _ body: (inout Presence) -> R) -> R {
        body(&records[slot])
    }

    /// Adds a record for a player not in the table; returns its slot. O(1) amortised.
    @discardableResult
    mutating func insert(_ record: Presence) -> Int {
        precondition(slot(of: record.player) == nil, "player \(record.player) is already present")
        if (records.count + 1) * 4 > index.count * 3 { rehash(capacity: max(16, index.count * 2)) }
        records.append(record)
        place(record.player, slot: records.count - 1)
        return records.count - 1
    }

    /// Removes `player`'s record if present. O(1) expected; memory shrinks with the table.
    mutating func remove(_ player: PlayerIndex) {
        guard let s = slot(of: player) else { return }
        remove(slot: s)
    }

    /// Removes every record `shouldRemove` accepts and returns their players.
    mutating func removeAll(where shouldRemove: (Presence) -> Bool) -> [PlayerIndex] {
        var removed: [PlayerIndex] = []
        var s = records.count - 1
        // Backwards, so the record a removal moves into `s` was already visited.
        while s >= 0 {
            if shouldRemove(records[s]) {
                removed.append(records[s].player)
                remove(slot: s)
            }
            s -= 1
        }
        return removed
    }

    // MARK: Index

    private func home(_ player: PlayerIndex) -> Int {
        Int(truncatingIfNeeded: (UInt64(player) &* 0x9E37_79B9_7F4A_7C15) >> UInt64(shift))
    }

    private mutating func place(_ player: PlayerIndex, slot: Int) {
        let mask = index.count - 1
        var i = home(player)
        while index[i] != 0 { i = (i + 1) & mask }
        index[i] = UInt32(slot + 1)
    }

    /// Position in `index` of the entry for `slot` (which must be present).
    private func position(of slot: Int) -> Int {
        let mask = index.count - 1
        var i = home(records[slot].player)
        while index[i] != UInt32(slot + 1) { i = (i + 1) & mask }
        return i
    }

    private mutating func remove(slot s: Int) {
        deleteEntry(at: position(of: s))
        let last = records.count - 1
        if s != last {
            let moved = position(of: last)
            index[moved] = UInt32(s + 1)
            records.swapAt(s, last)
        }
        records.removeLast()
        if index.count > 16 && records.count * 8 < index.count {
            rehash(capacity: index.count / 2)
            // Give back the dense array's spare capacity too.
            records = records.withUnsafeBufferPointer { Array($0) }
        }
    }

    /// Backward-shift deletion: later entries of the probe run move up, so no tombstones.
    private mutating func deleteEntry(at position: Int) {
        let mask = index.count - 1
        var hole = position
        var j = position
        while true {
            j = (j + 1) & mask
            guard index[j] != 0 else { break }
            let k = home(records[Int(index[j] - 1)].player)
            // The entry at j may fill the hole unless its home lies cyclically in (hole, j].
            let staysPut = hole <= j ? (hole < k && k <= j) : (hole < k || k <= j)
            if staysPut { continue }
            index[hole] = index[j]
            hole = j
        }
        index[hole] = 0
    }

    private mutating func rehash(capacity: Int) {
        index = Array(repeating: 0, count: capacity)
        shift = 64 - capacity.trailingZeroBitCount
        for s in records.indices { place(records[s].player, slot: s) }
    }
}
