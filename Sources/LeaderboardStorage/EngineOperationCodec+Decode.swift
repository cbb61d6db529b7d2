// Decoding of WAL payloads (format in EngineOperationCodec.swift). Every count is checked against
// the bytes left before an array is reserved, every code and flag bit is range-checked, and the
// payload must be consumed exactly.
import LeaderboardEngine

extension EngineOperationCodec {
    /// The operations of one record payload, in order.
    /// - Throws: `EngineCodecError` for any payload `encode` cannot have produced. O(bytes).
    public static func decode(_ payload: UnsafeRawBufferPointer) throws(EngineCodecError) -> [EngineOperation] {
        var reader = EngineValueReader(payload)
        let version = try reader.uint8()
        guard version == formatVersion else {
            throw .unsupportedVersion(found: UInt32(version), supported: UInt32(formatVersion))
        }
        // The smallest operation (rotate with a 1-byte time) takes 2 bytes.
        let count = try reader.count(minimumBytesEach: 2)
        var operations: [EngineOperation] = []
        operations.reserveCapacity(count)
        for _ in 0..<count { operations.append(try decodeOperation(&reader)) }
        try reader.expectEnd()
        return operations
    }

    /// The operations of one record payload, in order.
    public static func decode(_ payload: [UInt8]) throws(EngineCodecError) -> [EngineOperation] {
        try payload.withBytes { (raw) throws(EngineCodecError) in try decode(raw) }
    }

    private static func decodeOperation(_ reader: inout EngineValueReader) throws(EngineCodecError) -> EngineOperation {
        let tagOffset = reader.offset
        switch try reader.uint8() {
        case Tag.scores:
            let now = try reader.varInt()
            return .scores(now: now, events: try decodeEvents(&reader, now: now))
        case Tag.defineBoard:
            let definition = try reader.boardDefinition()
            return .defineBoard(definition, now: try reader.varInt())
        case Tag.updatePlayer:
            let id = try reader.string()
            let flagsOffset = reader.offset
            let flags = try reader.uint8()
            guard flags & ~PlayerFlag.all == 0 else {
                throw .invalidCode(field: .playerFlags, value: UInt64(flags), offset: flagsOffset)
            }
            let region = flags & PlayerFlag.region != 0 ? try reader.string() : nil
            let displayName = flags & PlayerFlag.displayName != 0 ? try reader.string() : nil
            return .updatePlayer(id: id, region: region, displayName: displayName)
        case Tag.addFriends:
            let a = try reader.string()
            return .addFriends(a, try reader.string())
        case Tag.removeFriends:
            let a = try reader.string()
            return .removeFriends(a, try reader.string())
        case Tag.rotate:
            return .rotate(now: try reader.varInt())
        case let tag:
            throw .invalidCode(field: .operationTag, value: UInt64(tag), offset: tagOffset)
        }
    }

    private static func decodeEvents(_ reader: inout EngineValueReader, now: Int64) throws(EngineCodecError) -> [ScoreEvent] {
        // Smallest event: flags, empty player, 1-byte score (board repeated).
        let count = try reader.count(minimumBytesEach: 3)
        var events: [ScoreEvent] = []
        events.reserveCapacity(count)
        var previousBoard: String?
        for _ in 0..<count {
            let flagsOffset = reader.offset
            let flags = try reader.uint8()
            guard flags & ~EventFlag.all == 0 else {
                throw .invalidCode(field: .eventFlags, value: UInt64(flags), offset: flagsOffset)
            }
            let board: String
            if flags & EventFlag.sameBoard != 0 {
                guard let previousBoard else { throw .boardRepeatWithoutPrevious(offset: flagsOffset) }
                board = previousBoard
            } else {
                board = try reader.string()
                previousBoard = board
            }
            let player = try reader.string()
            let score = try reader.varInt()
            let eventID = flags & EventFlag.eventID != 0 ? try reader.string() : nil
            let region = flags & EventFlag.region != 0 ? try reader.string() : nil
            let at = flags & EventFlag.at != 0 ? try reader.varInt() &+ now : nil
            events.append(ScoreEvent(board: board, player: player, score: score, eventID: eventID, region: region, at: at))
        }
        return events
    }
}
