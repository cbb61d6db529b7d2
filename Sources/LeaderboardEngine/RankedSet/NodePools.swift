// Storage of the ranked tree's nodes: fixed-size records in chunks, addressed by UInt32 ids.
// Chunks are never moved or copied when the tree grows (no latency spike from reallocation), and
// each chunk keeps its columns apart so a scan reads only the column it compares. Chunks are small
// (16 leaves ≈ 12 KiB, 8 inner nodes ≈ 12 KiB): every region and watcher tree starts with one, so
// a board with many regions must not pay hundreds of KiB per empty tree.
//
// The pools' mutable bookkeeping lives behind a `let` pointer (`ChunkDirectory`) rather than in
// `var` properties: reads through a pointer need no dynamic exclusivity checks, which otherwise
// cost more than the tree arithmetic on every node access.

/// Chunk bookkeeping shared by both pools.
struct ChunkDirectory {
    var chunks: UnsafeMutablePointer<UnsafeMutableRawPointer>
    var chunkCapacity: Int
    var chunkCount = 0
    var used = 0
    var free: [UInt32] = []

    init() {
        chunkCapacity = 4
        chunks = .allocate(capacity: chunkCapacity)
    }

    /// A node id: a recycled one, or the next unused (adding a chunk of `chunkBytes` if needed).
    mutating func allocate(perChunk: Int, chunkBytes: Int) -> UInt32 {
        if let reused = free.popLast() { return reused }
        if used == chunkCount * perChunk {
            if chunkCount == chunkCapacity {
                let bigger = UnsafeMutablePointer<UnsafeMutableRawPointer>.allocate(capacity: chunkCapacity * 2)
                bigger.moveInitialize(from: chunks, count: chunkCount)
                chunks.deallocate()
                chunks = bigger
                chunkCapacity *= 2
            }
            chunks[chunkCount] = .allocate(byteCount: chunkBytes, alignment: 64)
            chunkCount += 1
        }
        used += 1
        return UInt32(used - 1)
    }

    mutating func releaseAll() {
        for i in 0..<chunkCount { chunks[i].deallocate() }
        chunkCount = 0
        used = 0
        free = []
    }
}

/// What both pools share: a chunk directory behind a `let` pointer and id → chunk arithmetic.
protocol ChunkedPool {
    static var chunkShift: Int { get }
    static var perChunk: Int { get }
    static var chunkBytes: Int { get }
    var directory: UnsafeMutablePointer<ChunkDirectory> { get }
}

extension ChunkedPool {
    static func makeDirectory() -> UnsafeMutablePointer<ChunkDirectory> {
        let d = UnsafeMutablePointer<ChunkDirectory>.allocate(capacity: 1)
        d.initialize(to: ChunkDirectory())
        return d
    }

    /// Frees everything, including the directory. The pool must not be used afterwards.
    func destroy() {
        directory.pointee.releaseAll()
        directory.pointee.chunks.deallocate()
        directory.deinitialize(count: 1)
        directory.deallocate()
    }

    var liveCount: Int { directory.pointee.used - directory.pointee.free.count }
    var memoryBytes: Int {
        directory.pointee.chunkCount * Self.chunkBytes + directory.pointee.free.capacity * 4
            + directory.pointee.chunkCapacity * 8
    }

    @inline(__always) func base(_ id: UInt32) -> UnsafeMutableRawPointer {
        directory.pointee.chunks[Int(id &>> UInt32(Self.chunkShift))]
    }
    @inline(__always) func local(_ id: UInt32) -> Int { Int(id) & (Self.perChunk - 1) }

    /// A node id (recycled or fresh) whose fields the caller initializes.
    func allocateID() -> UInt32 { directory.pointee.allocate(perChunk: Self.perChunk, chunkBytes: Self.chunkBytes) }
    func release(_ id: UInt32) { directory.pointee.free.append(id) }
    func deallocateAll() { directory.pointee.releaseAll() }
}

/// Leaf records: up to `capacity` entries of (normalized score, player), plus a count and the
/// doubly linked leaf chain used by range scans. `none` marks "no leaf".
struct LeafPool: ChunkedPool {
    static let capacity = 64
    static let chunkShift = 4
    static let perChunk = 1 << chunkShift
    static let none: UInt32 = .max
    private static let scoresOffset = 0
    private static let playersOffset = perChunk * capacity * 8
    private static let countsOffset = playersOffset + perChunk * capacity * 4
    private static let nextOffset = countsOffset + perChunk * 4
    private static let prevOffset = nextOffset + perChunk * 4
    static let chunkBytes = prevOffset + perChunk * 4

    let directory = Self.makeDirectory()





    @inline(__always) func scores(_ id: UInt32) -> UnsafeMutablePointer<Int64> {
        (base(id) + Self.scoresOffset).assumingMemoryBound(to: Int64.self) + local(id) &* Self.capacity
    }
    @inline(__always) func players(_ id: UInt32) -> UnsafeMutablePointer<UInt32> {
        (base(id) + Self.playersOffset).assumingMemoryBound(to: UInt32.self) + local(id) &* Self.capacity
    }
    @inline(__always) func count(_ id: UInt32) -> Int {
        Int((base(id) + Self.countsOffset).assumingMemoryBound(to: Int32.self)[local(id)])
    }
    @inline(__always) func setCount(_ id: UInt32, _ n: Int) {
        (base(id) + Self.countsOffset).assumingMemoryBound(to: Int32.self)[local(id)] = Int32(truncatingIfNeeded: n)
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
    func allocate() -> UInt32 {
        let id = allocateID()
        setCount(id, 0)
        setNext(id, Self.none)
        setPrev(id, Self.none)
        return id
    }

}

/// Inner records: up to `capacity` children with their subtree sizes and separator keys.
/// `separator(i)` for i ≥ 1 is a lower bound of every key in child i and greater than every key
/// in child i - 1 (slot 0 is unused). Sizes count entries, so ranks are prefix sums of sizes.
struct InnerPool: ChunkedPool {
    static let capacity = 64
    static let chunkShift = 3
    static let perChunk = 1 << chunkShift
    private static let sepScoresOffset = 0
    private static let sepSeqsOffset = perChunk * capacity * 8
    private static let childrenOffset = sepSeqsOffset + perChunk * capacity * 8
    private static let sizesOffset = childrenOffset + perChunk * capacity * 4
    private static let countsOffset = sizesOffset + perChunk * capacity * 4
    static let chunkBytes = countsOffset + perChunk * 4

    let directory = Self.makeDirectory()





    @inline(__always) func sepScores(_ id: UInt32) -> UnsafeMutablePointer<Int64> {
        (base(id) + Self.sepScoresOffset).assumingMemoryBound(to: Int64.self) + local(id) &* Self.capacity
    }
    @inline(__always) func sepSeqs(_ id: UInt32) -> UnsafeMutablePointer<UInt64> {
        (base(id) + Self.sepSeqsOffset).assumingMemoryBound(to: UInt64.self) + local(id) &* Self.capacity
    }
    @inline(__always) func children(_ id: UInt32) -> UnsafeMutablePointer<UInt32> {
        (base(id) + Self.childrenOffset).assumingMemoryBound(to: UInt32.self) + local(id) &* Self.capacity
    }
    @inline(__always) func sizes(_ id: UInt32) -> UnsafeMutablePointer<UInt32> {
        (base(id) + Self.sizesOffset).assumingMemoryBound(to: UInt32.self) + local(id) &* Self.capacity
    }
    @inline(__always) func count(_ id: UInt32) -> Int {
        Int((base(id) + Self.countsOffset).assumingMemoryBound(to: Int32.self)[local(id)])
    }
    @inline(__always) func setCount(_ id: UInt32, _ n: Int) {
        (base(id) + Self.countsOffset).assumingMemoryBound(to: Int32.self)[local(id)] = Int32(truncatingIfNeeded: n)
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

    func allocate() -> UInt32 {
        let id = allocateID()
        setCount(id, 0)
        return id
    }

}
