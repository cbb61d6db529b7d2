// Decoding and validation of snapshot payloads. Beyond well-formedness it checks what
// `LeaderboardEngine.restore` relies on and cannot check itself: indices in range, windows as the
// definition lists them, members in strict rank order without duplicates, seqs below nextSeq.
import LeaderboardEngine

extension EngineSnapshotCodec {
    /// The snapshot encoded in `payload`. O(bytes + players).
    /// - Throws: `.malformed`/`.invalidCode`/… for bytes `encode` cannot have produced,
    ///   `.inconsistentSnapshot` for a well-formed snapshot that would corrupt the engine.
    public static func decode(_ payload: UnsafeRawBufferPointer) throws(EngineCodecError) -> EngineSnapshot {
        var reader = EngineValueReader(payload)
        let nextSeq = try reader.varUInt()
        let regions = try decodeRegions(&reader)
        let players = try decodePlayers(&reader, regionCount: regions.count)
        let playerCount = players.regions.count
        let displayNames = try decodeDisplayNames(&reader, playerCount: playerCount)
        let friendPairs = try decodeFriendPairs(&reader, playerCount: playerCount)
        var members = MemberCheck(playerCount: playerCount, nextSeq: nextSeq)
        let boardCount = try reader.count(minimumBytesEach: 16)
        var boards: [EngineSnapshot.Board] = []
        var boardIDs = Set<String>()
        for _ in 0..<boardCount {
            let board = try decodeBoard(&reader, members: &members)
            guard boardIDs.insert(board.definition.id).inserted else {
                throw .inconsistentSnapshot(.duplicateBoard(board.definition.id))
            }
            boards.append(board)
        }
        let dedupe = try decodeDedupe(&reader)
        try reader.expectEnd()
        return EngineSnapshot(nextSeq: nextSeq, nameBytes: players.nameBytes, nameOffsets: players.offsets,
                              regions: regions, playerRegions: players.regions, displayNames: displayNames,
                              friendPairs: friendPairs, boards: boards, dedupe: dedupe)
    }

    /// The snapshot encoded in `payload`.
    public static func decode(_ payload: [UInt8]) throws(EngineCodecError) -> EngineSnapshot {
        try payload.withBytes { (raw) throws(EngineCodecError) in try decode(raw) }
    }

    private static func decodeRegions(_ reader: inout EngineValueReader) throws(EngineCodecError) -> [String] {
        // Region indices are UInt16 and 0 means "none"; the registry refuses to intern past 65534.
        let count = try reader.count(minimumBytesEach: 1, limit: UInt64(RegionIndex.max) - 2)
        var regions: [String] = []
        var seen = Set<String>()
        for _ in 0..<count {
            let name = try reader.string()
            guard seen.insert(name).inserted else { throw .inconsistentSnapshot(.duplicateRegion(name)) }
            regions.append(name)
        }
        return regions
    }

    private static func decodePlayers(_ reader: inout EngineValueReader, regionCount: Int)
        throws(EngineCodecError) -> (nameBytes: [UInt8], offsets: [UInt32], regions: [RegionIndex]) {
        // UInt32.max is the member table's empty marker: player indices stay below it.
        let count = try reader.count(minimumBytesEach: 2, limit: UInt64(UInt32.max) - 1)
        var offsets = [UInt32](repeating: 0, count: count + 1)
        var total: UInt64 = 0
        for i in 0..<count {
            let lengthOffset = reader.offset
            total &+= try reader.varUInt()
            guard total <= UInt64(UInt32.max) else { throw .valueOutOfRange(value: total, offset: lengthOffset) }
            offsets[i + 1] = UInt32(total)
        }
        let blockLength = try reader.varUInt()
        guard blockLength == total else { throw .inconsistentSnapshot(.nameBytesMismatch(declared: total, actual: blockLength)) }
        let raw = try reader.raw(count: Int(total))
        let nameBytes = [UInt8](raw)
        var regions = [RegionIndex](repeating: 0, count: count)
        for i in 0..<count {
            let regionOffset = reader.offset
            let region = try reader.varUInt()
            guard region <= UInt64(regionCount) else {
                throw .inconsistentSnapshot(.regionOutOfRange(region: region, regionCount: regionCount, offset: regionOffset))
            }
            regions[i] = RegionIndex(region)
        }
        return (nameBytes, offsets, regions)
    }

    private static func decodeDisplayNames(_ reader: inout EngineValueReader, playerCount: Int)
        throws(EngineCodecError) -> [PlayerIndex: String] {
        let count = try reader.count(minimumBytesEach: 2)
        var names: [PlayerIndex: String] = [:]
        names.reserveCapacity(count)
        for _ in 0..<count {
            let player = try playerIndex(&reader, playerCount: playerCount)
            names[player] = try reader.string()
        }
        return names
    }

    private static func decodeFriendPairs(_ reader: inout EngineValueReader, playerCount: Int)
        throws(EngineCodecError) -> [UInt64] {
        let count = try reader.count(minimumBytesEach: 2)
        var pairs: [UInt64] = []
        pairs.reserveCapacity(count)
        for _ in 0..<count {
            let start = reader.offset
            let a = try reader.varUInt()
            let delta = try reader.varUInt()
            let (b, overflow) = a.addingReportingOverflow(delta)
            guard !overflow, delta > 0, b < UInt64(playerCount) else {
                throw .inconsistentSnapshot(.invalidFriendPair(a: a, b: overflow ? .max : b, offset: start))
            }
            pairs.append(a << 32 | b)
        }
        return pairs
    }

    @inline(__always)
    static func playerIndex(_ reader: inout EngineValueReader, playerCount: Int) throws(EngineCodecError) -> PlayerIndex {
        let start = reader.offset
        let value = try reader.varUInt()
        guard value < UInt64(playerCount) else {
            throw .inconsistentSnapshot(.playerOutOfRange(player: value, playerCount: playerCount, offset: start))
        }
        return PlayerIndex(value)
    }
}
