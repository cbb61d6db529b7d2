// Player names and their hash index, in buffers the store allocates itself: one byte arena, the
// end offset of each name, and an open-addressing table of (hash tag << 32 | player index). The
// registry reaches it through a `let` pointer, so the per-event lookup reads plain memory with no
// reference counting or uniqueness checks (three Swift arrays cost six atomic operations per
// lookup). Owned by the engine thread, like the registry.

struct NameStore {
    static let empty = UInt64.max

    private var bytes: UnsafeMutablePointer<UInt8>
    private var byteCount = 0
    private var byteCapacity: Int
    /// `offsets[i]..<offsets[i + 1]` are name i's bytes; `offsets[0] == 0`.
    private var offsets: UnsafeMutablePointer<UInt32>
    /// Number of names.
    private(set) var count = 0
    private var offsetCapacity: Int
    private var table: UnsafeMutablePointer<UInt64>
    private var tableCount: Int

    init() {
        byteCapacity = 1024
        bytes = .allocate(capacity: byteCapacity)
        offsetCapacity = 256
        offsets = .allocate(capacity: offsetCapacity)
        offsets[0] = 0
        tableCount = 1024
        table = .allocate(capacity: tableCount)
        table.initialize(repeating: Self.empty, count: tableCount)
    }

    func deallocate() {
        bytes.deallocate()
        offsets.deallocate()
        table.deallocate()
    }

    @inline(__always)
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x100_0000_01B3 }
        h ^= h >> 32
        h &*= 0xD6E8_FEB8_6659_FD93
        return h ^ (h >> 32)
    }

    /// Whether `n` bytes at `a` and `b` are equal: eight at a time, inline (names are short, and
    /// a call to `memcmp` cost more than the comparison).
    @inline(__always)
    static func equal(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        let x = UnsafeRawPointer(a), y = UnsafeRawPointer(b)
        var i = 0
        while i &+ 8 <= n {
            if x.loadUnaligned(fromByteOffset: i, as: UInt64.self) != y.loadUnaligned(fromByteOffset: i, as: UInt64.self) { return false }
            i &+= 8
        }
        while i < n {
            if a[i] != b[i] { return false }
            i &+= 1
        }
        return true
    }

    /// Name `index`'s bytes.
    @inline(__always)
    func name(_ index: Int) -> UnsafeBufferPointer<UInt8> {
        let start = Int(offsets[index])
        return UnsafeBufferPointer(start: bytes + start, count: Int(offsets[index &+ 1]) &- start)
    }

    /// (index, slot) of `name` when present, else (nil, the first empty slot on its probe path).
    @inline(__always)
    func probe(_ name: UnsafeBufferPointer<UInt8>, hash h: UInt64) -> (Int?, Int) {
        let tag = h & 0xFFFF_FFFF_0000_0000
        let mask = tableCount &- 1
        var i = Int(truncatingIfNeeded: h) & mask
        while true {
            let v = table[i]
            if v == Self.empty { return (nil, i) }
            if v & 0xFFFF_FFFF_0000_0000 == tag {
                let p = Int(v & 0xFFFF_FFFF)
                let start = Int(offsets[p])
                if Int(offsets[p &+ 1]) &- start == name.count,
                   name.count == 0 || Self.equal(bytes + start, name.baseAddress!, name.count) {
                    return (p, i)
                }
            }
            i = (i &+ 1) & mask
        }
    }

    // MARK: Hints for BatchWarmer (read only)

    /// Hints the index slot a name with hash `h` starts probing at.
    @inline(__always)
    func hintSlot(hash h: UInt64) {
        hintCacheLine(table + (Int(truncatingIfNeeded: h) & (tableCount &- 1)))
    }

    /// The index in the first slot on the probe path of a name with hash `h` whose tag matches
    /// (looking at most 8 slots, about the line hinted), else nil. Unverified (a tag collision
    /// gives a wrong index: only a wasted hint).
    @inline(__always)
    func candidate(hash h: UInt64) -> Int? {
        let mask = tableCount &- 1
        var i = Int(truncatingIfNeeded: h) & mask
        for _ in 0..<8 {
            let v = table[i]
            if v == Self.empty { return nil }
            if (v ^ h) & 0xFFFF_FFFF_0000_0000 == 0 {
                let p = Int(v & 0xFFFF_FFFF)
                return p < count ? p : nil
            }
            i = (i &+ 1) & mask
        }
        return nil
    }

    /// Hints name `index`'s offsets (where its bytes are).
    @inline(__always)
    func hintOffsets(_ index: Int) { hintCacheLine(offsets + index) }

    /// Hints name `index`'s first bytes (reads its offsets: hint those first).
    @inline(__always)
    func hintBytes(_ index: Int) { hintCacheLine(bytes + Int(offsets[index])) }

    /// Adds a name that `probe` did not find (`slot` is the slot it returned) and returns its
    /// index.
    mutating func append(_ name: UnsafeBufferPointer<UInt8>, hash h: UInt64, slot: Int) -> Int {
        if byteCount + name.count > byteCapacity { growBytes(to: byteCount + name.count) }
        if count + 2 > offsetCapacity { growOffsets(to: count + 2) }
        if let base = name.baseAddress { (bytes + byteCount).update(from: base, count: name.count) }
        byteCount += name.count
        let index = count
        count += 1
        offsets[count] = UInt32(byteCount)
        if count * 10 > tableCount * 7 {
            rehash(tableCount * 2)
        } else {
            table[slot] = (h & 0xFFFF_FFFF_0000_0000) | UInt64(index)
        }
        return index
    }

    /// Replaces everything with `names` (bytes) and `ends` (offsets, `[0, end₀, end₁, …]`).
    mutating func restore(bytes source: [UInt8], offsets ends: [UInt32]) {
        precondition(ends.first == 0 && Int(ends.last ?? 0) == source.count, "NameStore: offsets do not match the bytes")
        byteCount = 0
        count = 0
        growBytes(to: source.count)
        growOffsets(to: ends.count + 1)
        source.withUnsafeBufferPointer { if let b = $0.baseAddress { bytes.update(from: b, count: source.count) } }
        ends.withUnsafeBufferPointer { offsets.update(from: $0.baseAddress!, count: ends.count) }
        byteCount = source.count
        count = ends.count - 1
        var capacity = 1024
        while capacity * 7 < count * 10 + 10 { capacity *= 2 }
        rehash(capacity)
    }

    /// Copies of the arena and offsets, for snapshots.
    var arrays: (bytes: [UInt8], offsets: [UInt32]) {
        (Array(UnsafeBufferPointer(start: bytes, count: byteCount)), Array(UnsafeBufferPointer(start: offsets, count: count + 1)))
    }

    private mutating func rehash(_ capacity: Int) {
        table.deallocate()
        tableCount = capacity
        table = .allocate(capacity: capacity)
        table.initialize(repeating: Self.empty, count: capacity)
        let mask = capacity - 1
        for index in 0..<count {
            let h = Self.hash(name(index))
            var i = Int(truncatingIfNeeded: h) & mask
            while table[i] != Self.empty { i = (i + 1) & mask }
            table[i] = (h & 0xFFFF_FFFF_0000_0000) | UInt64(index)
        }
    }

    private mutating func growBytes(to needed: Int) {
        guard needed > byteCapacity else { return }
        var capacity = byteCapacity * 2
        while capacity < needed { capacity *= 2 }
        let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        bigger.update(from: bytes, count: byteCount)
        bytes.deallocate()
        bytes = bigger
        byteCapacity = capacity
    }

    private mutating func growOffsets(to needed: Int) {
        guard needed > offsetCapacity else { return }
        var capacity = offsetCapacity * 2
        while capacity < needed { capacity *= 2 }
        let bigger = UnsafeMutablePointer<UInt32>.allocate(capacity: capacity)
        bigger.update(from: offsets, count: count + 1)
        offsets.deallocate()
        offsets = bigger
        offsetCapacity = capacity
    }
}
