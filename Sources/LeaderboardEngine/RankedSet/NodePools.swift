// Storage of the ranked tree's nodes: fixed-size records in chunks, addressed by UInt32 ids.
// Chunks are never moved or copied when the tree grows (no latency spike from reallocation), and
// each node is one contiguous record, so a cold node costs one TLB miss. Chunks are small
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
    /// Huge-page slabs that chunks past the first `smallChunks` are carved from, and the bytes
    /// still unused at the end of the last one.
    var slabs: [UnsafeMutableRawPointer] = []
    var slabRemaining = 0

    /// A pool's first chunks are ordinary allocations (small trees stay small); a pool that grows
    /// past them (~800 KiB) takes its chunks from 2 MiB huge-page slabs.
    static let smallChunks = 64

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
            let chunk = chunkCount < Self.smallChunks
                ? .allocate(byteCount: chunkBytes, alignment: 64) : slabChunk(chunkBytes)
            // Node scans read all of a node's slots (masked by count): keep unused ones defined.
            chunk.initializeMemory(as: UInt8.self, repeating: 0, count: chunkBytes)
            chunks[chunkCount] = chunk
            chunkCount += 1
        }
        used += 1
        return UInt32(used - 1)
    }

    /// The next `chunkBytes` of the current slab, starting a new slab when it is used up.
    private mutating func slabChunk(_ chunkBytes: Int) -> UnsafeMutableRawPointer {
        if slabRemaining < chunkBytes {
            slabs.append(HugePageMemory.allocate(byteCount: HugePageMemory.pageBytes))
            slabRemaining = HugePageMemory.pageBytes
        }
        let chunk = slabs[slabs.count - 1] + (HugePageMemory.pageBytes - slabRemaining)
        slabRemaining -= chunkBytes
        return chunk
    }

    /// Bytes reserved for chunks: the ordinary chunks plus whole slabs.
    func reservedBytes(chunkBytes: Int) -> Int {
        min(chunkCount, Self.smallChunks) * chunkBytes + slabs.count * HugePageMemory.pageBytes
    }

    mutating func releaseAll() {
        for i in 0..<min(chunkCount, Self.smallChunks) { chunks[i].deallocate() }
        for slab in slabs { slab.deallocate() }
        slabs = []
        slabRemaining = 0
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
        directory.pointee.reservedBytes(chunkBytes: Self.chunkBytes) + directory.pointee.free.capacity * 4
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
    // One record per leaf: [count, next, prev, pad] then the scores, then the players. A leaf's
    // fields share pages and its header shares a cache line with its first scores, so a cold leaf
    // costs one TLB miss and one leading cache miss (a column-per-chunk layout cost three of each).
    private static let countOffset = 0
    private static let nextOffset = 4
    private static let prevOffset = 8
    private static let scoresOffset = 16
    private static let playersOffset = scoresOffset + capacity * 8
    static let stride = playersOffset + capacity * 4
    static let chunkBytes = perChunk * stride

    let directory = Self.makeDirectory()





    @inline(__always) func record(_ id: UInt32) -> UnsafeMutableRawPointer { base(id) + local(id) &* Self.stride }
    @inline(__always) func scores(_ id: UInt32) -> UnsafeMutablePointer<Int64> {
        (record(id) + Self.scoresOffset).assumingMemoryBound(to: Int64.self)
    }
    @inline(__always) func players(_ id: UInt32) -> UnsafeMutablePointer<UInt32> {
        (record(id) + Self.playersOffset).assumingMemoryBound(to: UInt32.self)
    }
    @inline(__always) func count(_ id: UInt32) -> Int {
        Int(record(id).load(fromByteOffset: Self.countOffset, as: Int32.self))
    }
    @inline(__always) func setCount(_ id: UInt32, _ n: Int) {
        record(id).storeBytes(of: Int32(truncatingIfNeeded: n), toByteOffset: Self.countOffset, as: Int32.self)
    }
    @inline(__always) func next(_ id: UInt32) -> UInt32 {
        record(id).load(fromByteOffset: Self.nextOffset, as: UInt32.self)
    }
    @inline(__always) func setNext(_ id: UInt32, _ v: UInt32) {
        record(id).storeBytes(of: v, toByteOffset: Self.nextOffset, as: UInt32.self)
    }
    @inline(__always) func prev(_ id: UInt32) -> UInt32 {
        record(id).load(fromByteOffset: Self.prevOffset, as: UInt32.self)
    }
    @inline(__always) func setPrev(_ id: UInt32, _ v: UInt32) {
        record(id).storeBytes(of: v, toByteOffset: Self.prevOffset, as: UInt32.self)
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
    // One record per node: [count, pad] then separator scores, separator seqs, children, sizes.
    private static let countOffset = 0
    private static let sepScoresOffset = 8
    private static let sepSeqsOffset = sepScoresOffset + capacity * 8
    private static let childrenOffset = sepSeqsOffset + capacity * 8
    private static let sizesOffset = childrenOffset + capacity * 4
    static let stride = sizesOffset + capacity * 4
    static let chunkBytes = perChunk * stride

    let directory = Self.makeDirectory()





    @inline(__always) func record(_ id: UInt32) -> UnsafeMutableRawPointer { base(id) + local(id) &* Self.stride }
    @inline(__always) func sepScores(_ id: UInt32) -> UnsafeMutablePointer<Int64> {
        (record(id) + Self.sepScoresOffset).assumingMemoryBound(to: Int64.self)
    }
    @inline(__always) func sepSeqs(_ id: UInt32) -> UnsafeMutablePointer<UInt64> {
        (record(id) + Self.sepSeqsOffset).assumingMemoryBound(to: UInt64.self)
    }
    @inline(__always) func children(_ id: UInt32) -> UnsafeMutablePointer<UInt32> {
        (record(id) + Self.childrenOffset).assumingMemoryBound(to: UInt32.self)
    }
    @inline(__always) func sizes(_ id: UInt32) -> UnsafeMutablePointer<UInt32> {
        (record(id) + Self.sizesOffset).assumingMemoryBound(to: UInt32.self)
    }
    @inline(__always) func count(_ id: UInt32) -> Int {
        Int(record(id).load(fromByteOffset: Self.countOffset, as: Int32.self))
    }
    @inline(__always) func setCount(_ id: UInt32, _ n: Int) {
        record(id).storeBytes(of: Int32(truncatingIfNeeded: n), toByteOffset: Self.countOffset, as: Int32.self)
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
