// The snapshot payload format: an `EngineSnapshot` as bytes, streamed to a sink in chunks (never
// one buffer of the whole snapshot) and decoded with validation (EngineSnapshotCodec+Decode).
//
// Format version 1 (the SnapshotStore container's formatVersion; varuint/varint/string as in
// EngineOperationCodec; values of ByteWriter+EngineValues):
//   nextSeq:varuint
//   regions      n:varuint string*n                          (region index i + 1)
//   players      n:varuint nameLength:varuint*n total:varuint nameBytes[total] region:varuint*n
//   displayNames n:varuint (player:varuint name:string)*n    ascending player
//   friendPairs  n:varuint (a:varuint (b - a):varuint)*n    a < b
//   boards       n:varuint board*n
//     board  := definition windows:varuint window*
//     window := kind:u8 period members:varuint member* archives:varuint archivedPeriod*
//     member := player:varuint scoreDelta:varint seq:varuint   rank order; scoreDelta = score &- previous score (first: &- 0)
//   dedupe       n:varuint entry*n                           expiry order
//     entry  := id:string expires:varint late:varuint window:u8* changes:varuint windowChange*
import LeaderboardEngine

/// Encodes and decodes engine snapshots.
public enum EngineSnapshotCodec {
    /// Stored in the snapshot container; loading refuses other versions.
    public static let formatVersion: UInt32 = 1

    /// Streams the encoding of `snapshot` to `sink` in pieces of about `chunkBytes` (large raw
    /// blocks such as the name arena are passed through in place). Each piece is valid only during
    /// the call. O(members); allocates one chunk buffer.
    /// - Precondition: `snapshot` came from `LeaderboardEngine.snapshot()` (its arrays agree).
    public static func encode<E: Error>(_ snapshot: EngineSnapshot, chunkBytes: Int = 1 << 20,
                                        to sink: (UnsafeRawBufferPointer) throws(E) -> Void) throws(E) {
        precondition(snapshot.nameOffsets.count == snapshot.playerRegions.count + 1, "snapshot arrays disagree")
        var out = ChunkedOutput(chunkBytes: chunkBytes)
        out.writer.writeVarUInt(snapshot.nextSeq)
        out.writer.writeVarUInt(UInt64(snapshot.regions.count))
        for region in snapshot.regions { out.writer.writeString(region) }
        try encodePlayers(snapshot, &out, sink)
        out.writer.writeVarUInt(UInt64(snapshot.displayNames.count))
        for (player, name) in snapshot.displayNames.sorted(by: { $0.key < $1.key }) {
            out.writer.writeVarUInt(UInt64(player))
            out.writer.writeString(name)
            try out.flushIfFull(sink)
        }
        out.writer.writeVarUInt(UInt64(snapshot.friendPairs.count))
        for pair in snapshot.friendPairs {
            let a = pair >> 32, b = pair & 0xFFFF_FFFF
            out.writer.writeVarUInt(a)
            out.writer.writeVarUInt(b &- a)
            try out.flushIfFull(sink)
        }
        out.writer.writeVarUInt(UInt64(snapshot.boards.count))
        for board in snapshot.boards { try encodeBoard(board, &out, sink) }
        out.writer.writeVarUInt(UInt64(snapshot.dedupe.count))
        for entry in snapshot.dedupe {
            encodeDedupe(entry, &out.writer)
            try out.flushIfFull(sink)
        }
        try out.flush(sink)
    }

    /// The whole encoding in one array (tests and small snapshots).
    public static func encode(_ snapshot: EngineSnapshot) -> [UInt8] {
        var bytes: [UInt8] = []
        encode(snapshot, to: { (piece: UnsafeRawBufferPointer) in bytes.append(contentsOf: piece) })
        return bytes
    }

    /// Streams `snapshot` into `store` as the snapshot covering WAL seq `seq`, and commits it.
    public static func write(_ snapshot: EngineSnapshot, seq: UInt64, to store: SnapshotStore,
                             chunkBytes: Int = 1 << 20) throws(StorageError) -> SnapshotCommit {
        let writer = try store.begin(seq: seq, formatVersion: formatVersion)
        try encode(snapshot, chunkBytes: chunkBytes) { (piece) throws(StorageError) in try writer.write(piece) }
        return try writer.commit()
    }

    private static func encodePlayers<E: Error>(_ snapshot: EngineSnapshot, _ out: inout ChunkedOutput,
                                                _ sink: (UnsafeRawBufferPointer) throws(E) -> Void) throws(E) {
        let offsets = snapshot.nameOffsets
        let count = offsets.count - 1
        out.writer.writeVarUInt(UInt64(count))
        for i in 0..<count {
            out.writer.writeVarUInt(UInt64(offsets[i + 1] &- offsets[i]))
            if out.writer.count >= out.chunkBytes { try out.flush(sink) }
        }
        out.writer.writeVarUInt(UInt64(snapshot.nameBytes.count))
        try out.flush(sink)
        try snapshot.nameBytes.withBytes { (raw) throws(E) in
            var start = 0
            while start < raw.count {
                let end = min(raw.count, start + max(out.chunkBytes, 1))
                try sink(UnsafeRawBufferPointer(rebasing: raw[start..<end]))
                start = end
            }
        }
        for region in snapshot.playerRegions {
            out.writer.writeVarUInt(UInt64(region))
            if out.writer.count >= out.chunkBytes { try out.flush(sink) }
        }
    }

    private static func encodeBoard<E: Error>(_ board: EngineSnapshot.Board, _ out: inout ChunkedOutput,
                                              _ sink: (UnsafeRawBufferPointer) throws(E) -> Void) throws(E) {
        out.writer.writeBoardDefinition(board.definition)
        out.writer.writeVarUInt(UInt64(board.windows.count))
        for window in board.windows {
            out.writer.writeUInt8(window.kind.code)
            out.writer.writePeriod(window.period)
            let n = window.players.count
            precondition(window.scores.count == n && window.seqs.count == n, "window arrays disagree")
            out.writer.writeVarUInt(UInt64(n))
            var previous: Int64 = 0
            for i in 0..<n {
                let score = window.scores[i]
                out.writer.writeVarUInt(UInt64(window.players[i]))
                out.writer.writeVarInt(score &- previous)
                out.writer.writeVarUInt(window.seqs[i])
                previous = score
                if out.writer.count >= out.chunkBytes { try out.flush(sink) }
            }
            out.writer.writeVarUInt(UInt64(window.archives.count))
            for archive in window.archives {
                out.writer.writeArchivedPeriod(archive)
                try out.flushIfFull(sink)
            }
        }
    }

    private static func encodeDedupe(_ entry: EngineSnapshot.Dedupe, _ writer: inout ByteWriter) {
        writer.writeString(entry.id)
        writer.writeVarInt(entry.entry.expires)
        writer.writeVarUInt(UInt64(entry.entry.lateWindows.count))
        for window in entry.entry.lateWindows { writer.writeUInt8(window.code) }
        writer.writeVarUInt(UInt64(entry.entry.changes.count))
        for change in entry.entry.changes { writer.writeWindowChange(change) }
    }
}

/// A ByteWriter drained into a sink whenever it holds a chunk's worth.
struct ChunkedOutput {
    var writer: ByteWriter
    let chunkBytes: Int

    init(chunkBytes: Int) {
        self.chunkBytes = max(1, chunkBytes)
        writer = ByteWriter(reservingCapacity: self.chunkBytes + 4096)
    }

    @inline(__always)
    mutating func flushIfFull<E: Error>(_ sink: (UnsafeRawBufferPointer) throws(E) -> Void) throws(E) {
        if writer.count >= chunkBytes { try flush(sink) }
    }

    mutating func flush<E: Error>(_ sink: (UnsafeRawBufferPointer) throws(E) -> Void) throws(E) {
        guard writer.count > 0 else { return }
        try writer.bytes.withBytes { (raw) throws(E) in try sink(raw) }
        writer.removeAll()
    }
}
