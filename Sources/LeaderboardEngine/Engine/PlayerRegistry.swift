// Every player the engine knows: interned id ↔ dense index, region, display name and the
// symmetric friend graph. Names live in one byte arena; the index is an open-addressing table of
// player indices hashed by name bytes. Owned by the engine thread.

import Glibc

/// Dense player index. Stable for the life of the data directory (indices are assigned in log
/// order, so replay reproduces them).
public typealias PlayerIndex = UInt32
/// Dense region index; 0 means "no region".
public typealias RegionIndex = UInt16

public final class PlayerRegistry {
    private var arena: [UInt8] = []
    /// `offsets[i]..<offsets[i + 1]` are player i's name bytes.
    private var offsets: [UInt32] = [0]
    /// Open-addressing index: each slot holds (hash tag << 32 | player index), or `empty`. The
    /// tag (the hash's high 32 bits) rejects almost every non-matching probe without touching
    /// the name arena.
    private var table: [UInt64]
    private var regionOf: [RegionIndex] = []
    private var displayNames: [PlayerIndex: String] = [:]
    private var friendLists: [PlayerIndex: [PlayerIndex]] = [:]
    private var regionNames: [String] = [""]
    private var regionIndex: [String: RegionIndex] = [:]
    private static let empty = UInt64.max

    public init() { table = [UInt64](repeating: Self.empty, count: 1024) }

    /// Number of players.
    public var count: Int { offsets.count - 1 }

    // MARK: Interning

    @inline(__always)
    private static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x100_0000_01B3 }
        h ^= h >> 32
        h &*= 0xD6E8_FEB8_6659_FD93
        return h ^ (h >> 32)
    }

    /// Probes for `name`: (player, slot) when found, else (nil, first empty slot). O(1) expected.
    private func probe(_ name: UnsafeBufferPointer<UInt8>, hash h: UInt64) -> (PlayerIndex?, Int) {
        let tag = h & 0xFFFF_FFFF_0000_0000
        return table.withUnsafeBufferPointer { slots in
            arena.withUnsafeBufferPointer { bytes in
                offsets.withUnsafeBufferPointer { offs in
                    let mask = slots.count - 1
                    var i = Int(truncatingIfNeeded: h) & mask
                    while true {
                        let v = slots[i]
                        if v == Self.empty { return (nil, i) }
                        if v & 0xFFFF_FFFF_0000_0000 == tag {
                            let p = Int(v & 0xFFFF_FFFF)
                            let start = Int(offs[p]), end = Int(offs[p + 1])
                            if end - start == name.count,
                               name.count == 0 || memcmp(bytes.baseAddress! + start, name.baseAddress!, name.count) == 0 {
                                return (PlayerIndex(p), i)
                            }
                        }
                        i = (i + 1) & mask
                    }
                }
            }
        }
    }

    /// Likely indices of `count` names, for warming caches ahead of a batch: `into[k]` is the
    /// index in the home slot of name k when its hash tag matches, else `PlayerIndex.max`. The
    /// slot loads of all names are independent, so in a large registry their cache misses overlap
    /// instead of following one another; the name bytes are touched in a second pass for the
    /// same reason. A candidate is not verified (a tag collision gives a wrong one, which only
    /// warms the wrong lines). Changes nothing.
    public func warmCandidates(count: Int, name: (Int) -> String, into: UnsafeMutablePointer<PlayerIndex>) {
        table.withUnsafeBufferPointer { slots in
            let mask = slots.count - 1
            for k in 0..<count {
                var s = name(k)
                let h = s.withUTF8 { Self.hash($0) }
                let v = slots[Int(truncatingIfNeeded: h) & mask]
                into[k] = v != Self.empty && (v ^ h) & 0xFFFF_FFFF_0000_0000 == 0 ? PlayerIndex(truncatingIfNeeded: v) : .max
            }
        }
        var sink: UInt8 = 0
        arena.withUnsafeBufferPointer { bytes in
            offsets.withUnsafeBufferPointer { offs in
                for k in 0..<count where into[k] != .max {
                    let start = Int(offs[Int(into[k])])
                    if start < bytes.count { sink &+= bytes[start] }
                }
            }
        }
        warmSink &+= sink
    }

    /// Written by `warmCandidates` so its loads are not optimized away.
    private var warmSink: UInt8 = 0

    /// The index of `name`, or nil if unknown. O(1) expected.
    public func find(_ name: String) -> PlayerIndex? {
        var name = name
        return name.withUTF8 { probe($0, hash: Self.hash($0)).0 }
    }

    /// The index of `name`, registering it if new. The name must be a valid player id.
    public func intern(_ name: String) -> PlayerIndex {
        var name = name
        return name.withUTF8 { bytes in
            let h = Self.hash(bytes)
            let (found, slot) = probe(bytes, hash: h)
            if let found { return found }
            let index = PlayerIndex(count)
            arena.append(contentsOf: bytes)
            offsets.append(UInt32(arena.count))
            regionOf.append(0)
            if count * 10 > table.count * 7 {
                rehash(table.count * 2)
                return index
            }
            table[slot] = (h & 0xFFFF_FFFF_0000_0000) | UInt64(index)
            return index
        }
    }

    private func place(_ index: PlayerIndex) {
        let start = Int(offsets[Int(index)]), end = Int(offsets[Int(index) + 1])
        let h = arena.withUnsafeBufferPointer { Self.hash(UnsafeBufferPointer(rebasing: $0[start..<end])) }
        let mask = table.count - 1
        var i = Int(truncatingIfNeeded: h) & mask
        while table[i] != Self.empty { i = (i + 1) & mask }
        table[i] = (h & 0xFFFF_FFFF_0000_0000) | UInt64(index)
    }

    private func rehash(_ capacity: Int) {
        table = [UInt64](repeating: Self.empty, count: capacity)
        for i in 0..<count { place(PlayerIndex(i)) }
    }

    /// The player's id string.
    public func name(of index: PlayerIndex) -> String {
        let start = Int(offsets[Int(index)]), end = Int(offsets[Int(index) + 1])
        return String(decoding: arena[start..<end], as: UTF8.self)
    }

    /// Calls `body` with the player's id bytes (no allocation).
    public func withNameBytes<R>(of index: PlayerIndex, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        let start = Int(offsets[Int(index)]), end = Int(offsets[Int(index) + 1])
        return arena.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[start..<end])) }
    }

    // MARK: Regions and display names

    /// Region index of a region name, registering it if new (0 is never returned).
    public func internRegion(_ name: String) -> RegionIndex {
        if let r = regionIndex[name] { return r }
        precondition(regionNames.count < Int(RegionIndex.max), "too many regions")
        let r = RegionIndex(regionNames.count)
        regionNames.append(name)
        regionIndex[name] = r
        return r
    }

    public func findRegion(_ name: String) -> RegionIndex? { regionIndex[name] }
    public func regionName(_ r: RegionIndex) -> String { regionNames[Int(r)] }
    public var regionCount: Int { regionNames.count - 1 }

    public func region(of player: PlayerIndex) -> RegionIndex { regionOf[Int(player)] }
    func setRegion(_ player: PlayerIndex, _ region: RegionIndex) { regionOf[Int(player)] = region }

    public func displayName(of player: PlayerIndex) -> String? { displayNames[player] }
    func setDisplayName(_ player: PlayerIndex, _ name: String?) { displayNames[player] = name }

    // MARK: Friends

    /// The player's friends, sorted by index.
    public func friends(of player: PlayerIndex) -> [PlayerIndex] { friendLists[player] ?? [] }

    public func areFriends(_ a: PlayerIndex, _ b: PlayerIndex) -> Bool {
        guard let list = friendLists[a] else { return false }
        return Self.search(list, b).found
    }

    /// Links a and b both ways. Returns false if already friends.
    /// Precondition: both have fewer than the cap (checked by the engine first).
    func link(_ a: PlayerIndex, _ b: PlayerIndex) -> Bool {
        guard !areFriends(a, b) else { return false }
        insert(b, into: a)
        insert(a, into: b)
        return true
    }

    /// Unlinks a and b. Returns false if they were not friends.
    func unlink(_ a: PlayerIndex, _ b: PlayerIndex) -> Bool {
        guard areFriends(a, b) else { return false }
        remove(b, from: a)
        remove(a, from: b)
        return true
    }

    private func insert(_ friend: PlayerIndex, into player: PlayerIndex) {
        var list = friendLists.removeValue(forKey: player) ?? []
        list.insert(friend, at: Self.search(list, friend).index)
        friendLists[player] = list
    }

    private func remove(_ friend: PlayerIndex, from player: PlayerIndex) {
        guard var list = friendLists.removeValue(forKey: player) else { return }
        let (index, found) = Self.search(list, friend)
        if found { list.remove(at: index) }
        if !list.isEmpty { friendLists[player] = list }
    }

    private static func search(_ list: [PlayerIndex], _ value: PlayerIndex) -> (index: Int, found: Bool) {
        var lo = 0, hi = list.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if list[mid] < value { lo = mid + 1 } else { hi = mid }
        }
        return (lo, lo < list.count && list[lo] == value)
    }

    /// Friendships as (a, b) pairs with a < b, for snapshots.
    public func friendPairs() -> [(PlayerIndex, PlayerIndex)] {
        var pairs: [(PlayerIndex, PlayerIndex)] = []
        for (a, list) in friendLists.sorted(by: { $0.key < $1.key }) {
            for b in list where a < b { pairs.append((a, b)) }
        }
        return pairs
    }

    /// The name arena and offsets (player i's name is bytes[offsets[i]..<offsets[i+1]]), for snapshots.
    public var nameStorage: (bytes: [UInt8], offsets: [UInt32]) { (arena, offsets) }
    /// Region index per player, for snapshots.
    public var playerRegions: [RegionIndex] { regionOf }

    /// Rebuilds the registry from snapshot parts (replacing everything).
    func restore(nameBytes: [UInt8], offsets: [UInt32], regions: [String], playerRegions: [RegionIndex],
                 displayNames: [(PlayerIndex, String)], friendPairs: [(PlayerIndex, PlayerIndex)]) {
        arena = nameBytes
        self.offsets = offsets
        regionOf = playerRegions
        var capacity = 1024
        while capacity * 7 < count * 10 + 10 { capacity *= 2 }
        rehash(capacity)
        regionNames = [""] + regions
        regionIndex = [:]
        for (i, name) in regions.enumerated() { regionIndex[name] = RegionIndex(i + 1) }
        self.displayNames = Dictionary(displayNames, uniquingKeysWith: { _, b in b })
        friendLists = [:]
        for (a, b) in friendPairs { _ = link(a, b) }
    }

    /// All region names in index order (index 1 first), for snapshots.
    public var regions: [String] { Array(regionNames.dropFirst()) }
    /// Players with a display name, for snapshots.
    public var displayNameEntries: [(PlayerIndex, String)] {
        displayNames.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }
}
