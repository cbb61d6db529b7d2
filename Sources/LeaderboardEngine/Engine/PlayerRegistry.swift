// Every player the engine knows: interned id ↔ dense index, region, display name and the
// symmetric friend graph. Names live in one byte arena; the index is an open-addressing table of
// player indices hashed by name bytes. Owned by the engine thread.

/// Dense player index. Stable for the life of the data directory (indices are assigned in log
/// order, so replay reproduces them).
public typealias PlayerIndex = UInt32
/// Dense region index; 0 means "no region".
public typealias RegionIndex = UInt16

public final class PlayerRegistry {
    /// Names and their hash index (see `NameStore`).
    private let names: UnsafeMutablePointer<NameStore>
    private var regionOf: [RegionIndex] = []
    private var displayNames: [PlayerIndex: String] = [:]
    private var friendLists: [PlayerIndex: [PlayerIndex]] = [:]
    private var regionNames: [String] = [""]
    private var regionIndex: [String: RegionIndex] = [:]

    public init() {
        names = .allocate(capacity: 1)
        names.initialize(to: NameStore())
    }

    deinit {
        names.pointee.deallocate()
        names.deinitialize(count: 1)
        names.deallocate()
    }

    /// Number of players.
    public var count: Int { names.pointee.count }

    // MARK: Interning

    /// The index of `name`, or nil if unknown. O(1) expected.
    public func find(_ name: String) -> PlayerIndex? {
        var name = name
        return name.withUTF8 { bytes in names.pointee.probe(bytes, hash: NameStore.hash(bytes)).0.map { PlayerIndex($0) } }
    }

    /// The index of `name`, registering it if new. The name must be a valid player id.
    public func intern(_ name: String) -> PlayerIndex {
        var name = name
        return name.withUTF8 { bytes in
            let h = NameStore.hash(bytes)
            let (found, slot) = names.pointee.probe(bytes, hash: h)
            if let found { return PlayerIndex(found) }
            regionOf.append(0)
            return PlayerIndex(names.pointee.append(bytes, hash: h, slot: slot))
        }
    }

    /// The player's id string.
    public func name(of index: PlayerIndex) -> String {
        String(decoding: names.pointee.name(Int(index)), as: UTF8.self)
    }

    /// Calls `body` with the player's id bytes (no allocation).
    public func withNameBytes<R>(of index: PlayerIndex, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        body(names.pointee.name(Int(index)))
    }

    // MARK: Hints for BatchWarmer (read only; see NameStore)

    @inline(__always) func hintSlot(hash h: UInt64) { names.pointee.hintSlot(hash: h) }
    /// A likely index for a name with hash `h` (unverified), or `PlayerIndex.max`.
    @inline(__always) func candidate(hash h: UInt64) -> PlayerIndex {
        names.pointee.candidate(hash: h).map { PlayerIndex($0) } ?? .max
    }
    @inline(__always) func hintNameOffsets(_ p: PlayerIndex) { names.pointee.hintOffsets(Int(p)) }
    @inline(__always) func hintName(_ p: PlayerIndex) { names.pointee.hintBytes(Int(p)) }

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
    public var nameStorage: (bytes: [UInt8], offsets: [UInt32]) { names.pointee.arrays }
    /// Region index per player, for snapshots.
    public var playerRegions: [RegionIndex] { regionOf }

    /// Rebuilds the registry from snapshot parts (replacing everything).
    func restore(nameBytes: [UInt8], offsets: [UInt32], regions: [String], playerRegions: [RegionIndex],
                 displayNames: [(PlayerIndex, String)], friendPairs: [(PlayerIndex, PlayerIndex)]) {
        names.pointee.restore(bytes: nameBytes, offsets: offsets)
        regionOf = playerRegions
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
