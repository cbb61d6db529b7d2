// Storage of the ranked tree's nodes: fixed-size records in chunks, addressed by UInt32 ids.
// Chunks are never moved or copied when the tree grows (no latency spike from reallocation), and
// each chunk keeps its columns apart so a binary search reads only the score column.

/// Leaf records: up to `capacity` entries of (normalized score, player), plus a count and the
/// doubly linked leaf chain used by range scans. `none` marks "no leaf".
struct LeafPool {
    static let capacity = 64
    static let chunkShift = 8
    static let perChunk = 1 << chunkShift
    static let none: UInt32 = .max
    private static let scoresOffset = 0
    private static let playersOffset = perChunk * capacity * 8
    private static let countsOffset = playersOffset + perChunk * capacity * 4
    private static let nextOffset = countsOffset + perChunk * 4
    private static let prevOffset = nextOffset + perChunk * 4
    static let chunkBytes = prevOffset + perChunk * 4

    private(set) var chunks: [UnsafeMutableRawPointer] = []
    private var used = 0
    private var freeList: [UInt32] = []

    var liveCount: Int { used - freeList.count }
    var memoryBytes: Int { chunks.count * Self.chunkBytes + freeList.capacity * 4 }

    @inline(__always) private func base(_ id: UInt32) -> UnsafeMutableRawPointer {
        chunks[Int(id) >> Self.chunkShift]
    }
    @inline(__always) private func local(_ id: UInt32) -> Int { Int(id) & (Self.perChunk - 1) }

    @inline(__always) func scores(_ id: UInt32) -> UnsafeMutablePointer<Int64> {
        (base(id) + Self.scoresOffset).assumingMemoryBound(to: Int64.self) + local(id) * Self.capacity
    }
    @inline(__always) func players(_ id: UInt32) -> UnsafeMutablePointer<UInt32> {
        (base(id) + Self.playersOffset).assumingMemoryBound(to: UInt32.self) + local(id) * Self.capacity
    }
    @inline(__always) func count(_ id: UInt32) -> Int {
        Int((base(id) + Self.countsOffset).assumingMemoryBound(to: Int32.self)[local(id)])
    }
    @inline(__always) func setCount(_ id: UInt32, _ n: Int) {
        (base(id) + Self.countsOffset).assumingMemoryBound(to: Int32.self)[local(id)] = Int32(n)
    }
    @inline(__always) func next(_ id: UInt32) -> UInt32 {
        (base(id) + Self.nextOffset).assumingMemoryBound(to: UInt32.self)[local(id)]
    }
    @inline(__always) func setNext(_ id: UInt32, _ v: UInt32) {
        (base(id) + Self.nextOffset).assumingMemoryBound(to: UInt32.self)[local(id)] = v
    }
    @inline(__always) func prev(_ id: UInt32) -> UInt32 {
        (base(id) + Self.prevOffset).assumingMemoryBound(to: UInt32.self)[local(id)]
    }
    @inline(__always) func setPrev(_ id: UInt32, _ v: UInt32) {
        (base(id) + Self.prevOffset).assumingMemoryBound(to: UInt32.self)[local(id)] = v
    }

    /// A fresh, empty, unlinked leaf.
    mutating func allocate() -> UInt32 {
        let id: UInt32
        if let reused = freeList.popLast() {
            id = reused
        } else {
            if used == chunks.count * Self.perChunk {
                chunks.append(.allocate(byteCount: Self.chunkBytes, alignment: 64))
            }
            id = UInt32(used)
            used += 1
        }
        setCount(id, 0)
        setNext(id, Self.none)
        setPrev(id, Self.none)
        return id
    }

    mutating func release(_ id: UInt32) { freeList.append(id) }

    mutating func deallocateAll() {
        for c in chunks { c.deallocate() }
        chunks = []
        used = 0
        freeList = []
    }
}

/// Inner records: up to `capacity` children with their subtree sizes and separator keys.
/// `separator(i)` for i ≥ 1 is a lower bound of every key in child i and greater than every key
/// in child i - 1 (slot 0 is unused). Sizes count entries, so ranks are prefix sums of sizes.
struct InnerPool {
    static let capacity = 64
    static let chunkShift = 6
    static let perChunk = 1 << chunkShift
    private static let sepScoresOffset = 0
    private static let sepSeqsOffset = perChunk * capacity * 8
    private static let childrenOffset = sepSeqsOffset + perChunk * capacity * 8
    private static let sizesOffset = childrenOffset + perChunk * capacity * 4
    private static let countsOffset = sizesOffset + perChunk * capacity * 4
    static let chunkBytes = countsOffset + perChunk * 4

    private(set) var chunks: [UnsafeMutableRawPointer] = []
    private var used = 0
    private var freeList: [UInt32] = []

    var liveCount: Int { used - freeList.count }
    var memoryBytes: Int { chunks.count * Self.chunkBytes + freeList.capacity * 4 }

    @inline(__always) private func base(_ id: UInt32) -> UnsafeMutableRawPointer {
        chunks[Int(id) >> Self.chunkShift]
    }
    @inline(__always) private func local(_ id: UInt32) -> Int { Int(id) & (Self.perChunk - 1) }

    @inline(__always) func sepScores(_ id: UInt32) -> UnsafeMutablePointer<Int64> {
        (base(id) + Self.sepScoresOffset).assumingMemoryBound(to: Int64.self) + local(id) * Self.capacity
    }
    @inline(__always) func sepSeqs(_ id: UInt32) -> UnsafeMutablePointer<UInt64> {
        (base(id) + Self.sepSeqsOffset).assumingMemoryBound(to: UInt64.self) + local(id) * Self.capacity
    }
    @inline(__always) func children(_ id: UInt32) -> UnsafeMutablePointer<UInt32> {
        (base(id) + Self.childrenOffset).assumingMemoryBound(to: UInt32.self) + local(id) * Self.capacity
    }
    @inline(__always) func sizes(_ id: UInt32) -> UnsafeMutablePointer<UInt32> {
        (base(id) + Self.sizesOffset).assumingMemoryBound(to: UInt32.self) + local(id) * Self.capacity
    }
    @inline(__always) func count(_ id: UInt32) -> Int {
        Int((base(id) + Self.countsOffset).assumingMemoryBound(to: Int32.self)[local(id)])
    }
    @inline(__always) func setCount(_ id: UInt32, _ n: Int) {
        (base(id) + Self.countsOffset).assumingMemoryBound(to: Int32.self)[local(id)] = Int32(n)
    }
    @inline(__always) func separator(_ id: UInt32, _ i: Int) -> SetKey {
        SetKey(score: sepScores(id)[i], seq: sepSeqs(id)[i])
    }
    @inline(__always) func setSeparator(_ id: UInt32, _ i: Int, _ key: SetKey) {
        sepScores(id)[i] = key.score
        sepSeqs(id)[i] = key.seq
    }
    /// Entries below this node.
    @inline(__always) func total(_ id: UInt32) -> Int {
        let s = sizes(id)
        var t = 0
        for i in 0..<count(id) { t &+= Int(s[i]) }
        return t
    }

    mutating func allocate() -> UInt32 {
        let id: UInt32
        if let reused = freeList.popLast() {
            id = reused
        } else {
            if used == chunks.count * Self.perChunk {
                chunks.append(.allocate(byteCount: Self.chunkBytes, alignment: 64))
            }
            id = UInt32(used)
            used += 1
        }
        setCount(id, 0)
        return id
    }

    mutating func release(_ id: UInt32) { freeList.append(id) }

    mutating func deallocateAll() {
        for c in chunks { c.deallocate() }
        chunks = []
        used = 0
        freeList = []
    }
}
