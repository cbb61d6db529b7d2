// The WAL payload format: one record = one engine tick = its `[EngineOperation]` in order.
// Encoding is total (every operation encodes) and decoding accepts everything encoding produces;
// decoding is bounded by the record's own bytes and never traps (EngineCodecError otherwise).
//
// Format version 1 (varuint = LEB128, varint = zig-zag LEB128, string = varuint length + UTF-8):
//   payload   := version:u8(=1) count:varuint operation*
//   operation := tag:u8 body
//     1 scores        now:varint n:varuint event*n
//        event := flags:u8 [board:string] player:string score:varint [eventID:string] [region:string] [at:varint]
//                 flags: 1 = board as the previous event of this operation (omitted), 2 = eventID,
//                        4 = region, 8 = at (stored as `at &- now`, wrapping: exact for any Int64)
//     2 defineBoard   definition (ByteWriter+EngineValues) now:varint
//     3 updatePlayer  id:string flags:u8 (1 = region, 2 = displayName) [region:string] [displayName:string]
//     4 addFriends    a:string b:string
//     5 removeFriends a:string b:string
//     6 rotate        now:varint
// A small event (`p123456`, score, 12-byte event id) takes about 25–30 bytes.
import LeaderboardEngine

/// Encodes and decodes the operations of one WAL record.
public enum EngineOperationCodec {
    /// Written as the first byte of every payload; a reader refuses other versions.
    public static let formatVersion: UInt8 = 1

    enum Tag {
        static let scores: UInt8 = 1
        static let defineBoard: UInt8 = 2
        static let updatePlayer: UInt8 = 3
        static let addFriends: UInt8 = 4
        static let removeFriends: UInt8 = 5
        static let rotate: UInt8 = 6
    }

    enum EventFlag {
        static let sameBoard: UInt8 = 1
        static let eventID: UInt8 = 2
        static let region: UInt8 = 4
        static let at: UInt8 = 8
        static let all: UInt8 = 15
    }

    enum PlayerFlag {
        static let region: UInt8 = 1
        static let displayName: UInt8 = 2
        static let all: UInt8 = 3
    }

    /// Appends the payload for `operations` to `writer` (without clearing it). The hot path: about
    /// one append per field, no allocation once `writer` has grown to the tick's size. O(bytes).
    public static func encode(_ operations: [EngineOperation], into writer: inout ByteWriter) {
        writer.writeUInt8(formatVersion)
        writer.writeVarUInt(UInt64(operations.count))
        for operation in operations { encode(operation, into: &writer) }
    }

    /// The payload for `operations` in a new array.
    public static func encode(_ operations: [EngineOperation]) -> [UInt8] {
        var writer = ByteWriter(reservingCapacity: 64 + 40 * operations.count)
        encode(operations, into: &writer)
        return writer.bytes
    }

    static func encode(_ operation: EngineOperation, into writer: inout ByteWriter) {
        switch operation {
        case let .scores(now, events):
            writer.writeUInt8(Tag.scores)
            writer.writeVarInt(now)
            encode(events, now: now, into: &writer)
        case let .defineBoard(definition, now):
            writer.writeUInt8(Tag.defineBoard)
            writer.writeBoardDefinition(definition)
            writer.writeVarInt(now)
        case let .updatePlayer(id, region, displayName):
            writer.writeUInt8(Tag.updatePlayer)
            writer.writeString(id)
            writer.writeUInt8((region != nil ? PlayerFlag.region : 0) | (displayName != nil ? PlayerFlag.displayName : 0))
            if let region { writer.writeString(region) }
            if let displayName { writer.writeString(displayName) }
        case let .addFriends(a, b):
            writer.writeUInt8(Tag.addFriends)
            writer.writeString(a)
            writer.writeString(b)
        case let .removeFriends(a, b):
            writer.writeUInt8(Tag.removeFriends)
            writer.writeString(a)
            writer.writeString(b)
        case let .rotate(now):
            writer.writeUInt8(Tag.rotate)
            writer.writeVarInt(now)
        }
    }

    @inline(__always)
    private static func encode(_ events: [ScoreEvent], now: Int64, into writer: inout ByteWriter) {
        writer.writeVarUInt(UInt64(events.count))
        guard let first = events.first else { return }
        // Worst case per event is dominated by its strings; reserving once avoids regrowth mid-tick.
        writer.reserveCapacity(writer.count + events.count * (first.player.utf8.count + first.board.utf8.count + 40))
        var previousBoard = first.board
        var isFirst = true
        for event in events {
            let sameBoard = !isFirst && event.board == previousBoard
            isFirst = false
            var flags: UInt8 = sameBoard ? EventFlag.sameBoard : 0
            if event.eventID != nil { flags |= EventFlag.eventID }
            if event.region != nil { flags |= EventFlag.region }
            if event.at != nil { flags |= EventFlag.at }
            writer.writeUInt8(flags)
            if !sameBoard {
                writer.writeString(event.board)
                previousBoard = event.board
            }
            writer.writeString(event.player)
            writer.writeVarInt(event.score)
            if let id = event.eventID { writer.writeString(id) }
            if let region = event.region { writer.writeString(region) }
            if let at = event.at { writer.writeVarInt(at &- now) }
        }
    }
}
