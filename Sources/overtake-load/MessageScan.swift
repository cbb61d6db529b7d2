// Finds the few fields the load generator needs in a server message (`"t":`, `"type":"`,
// `"score":`) by scanning its bytes: no JSON tree, no allocation. Invariant: a field is only
// recognised with its leading quote, so `"by_score":` never matches `"score":`.
import Glibc

/// The `type` of a server message, as far as the load generator cares.
enum ServerMessageKind: Int, CaseIterable, Sendable {
    case rank, overtaken, topEntry, topExit, board, snapshot, ack, error, pong, reset, other

    /// Personal (P1/P2) messages carry a `pseq`; spectator ones are `board` / `snapshot`.
    var isPersonal: Bool { self == .rank || self == .overtaken || self == .topEntry || self == .topExit }
    var isSpectator: Bool { self == .board || self == .snapshot }

    /// The kinds with a wire name, for matching the `type` string.
    static let named: [(kind: ServerMessageKind, name: [UInt8])] = allCases.filter { $0 != .other }.map { ($0, Array($0.name.utf8)) }

    var name: String {
        switch self {
        case .rank: "rank"
        case .overtaken: "overtaken"
        case .topEntry: "top_entry"
        case .topExit: "top_exit"
        case .board: "board"
        case .snapshot: "snapshot"
        case .ack: "ack"
        case .error: "error"
        case .pong: "pong"
        case .reset: "reset"
        case .other: "other"
        }
    }
}

/// The header fields of one message: send time, type, and where the type string ends.
struct MessageHeader: Equatable {
    var sentAt: Int64?
    var kind: ServerMessageKind
    /// Index after the type's closing quote (later fields such as `score` follow it).
    var typeEnd: Int
}

/// Byte-scanning helpers over one message (a JSON object as the gateway writes it). The hot
/// patterns are compared as one little-endian word per position.
enum MessageScan {
    /// `"t":` as a little-endian UInt32.
    static let timeWord: UInt32 = 0x3A22_7422
    /// `"type":"` as a little-endian UInt64.
    static let typeWord: UInt64 = 0x223A_2265_7079_7422
    /// `"score":` as a little-endian UInt64.
    static let scoreWord: UInt64 = 0x3A22_6572_6F63_7322

    /// The index just after the first `"t":` at or after `start`.
    @inline(__always)
    static func findTime(_ bytes: UnsafeRawBufferPointer, from start: Int = 0) -> Int? {
        guard let base = bytes.baseAddress, bytes.count >= 4 else { return nil }
        var i = start
        while i <= bytes.count - 4 {
            if base.loadUnaligned(fromByteOffset: i, as: UInt32.self) == timeWord { return i + 4 }
            i += 1
        }
        return nil
    }

    /// The index just after the first 8-byte `word` at or after `start`.
    @inline(__always)
    static func findWord(_ word: UInt64, in bytes: UnsafeRawBufferPointer, from start: Int = 0) -> Int? {
        guard let base = bytes.baseAddress, bytes.count >= 8 else { return nil }
        var i = start
        while i <= bytes.count - 8 {
            if base.loadUnaligned(fromByteOffset: i, as: UInt64.self) == word { return i + 8 }
            i += 1
        }
        return nil
    }

    /// The index just after the first occurrence of `pattern` at or after `start`, nil if absent
    /// (any pattern; not on the per-message path).
    static func find(_ pattern: [UInt8], in bytes: UnsafeRawBufferPointer, from start: Int = 0) -> Int? {
        let m = pattern.count
        guard m > 0, bytes.count >= m, start <= bytes.count - m else { return nil }
        for i in start...(bytes.count - m) where bytes[i] == pattern[0] {
            var j = 1
            while j < m && bytes[i + j] == pattern[j] { j += 1 }
            if j == m { return i + m }
        }
        return nil
    }

    /// The decimal integer (optionally negative) starting at `index` and the index after it;
    /// nil if there is none or it does not fit in Int64.
    @inline(__always)
    static func integer(in bytes: UnsafeRawBufferPointer, at index: Int) -> (value: Int64, end: Int)? {
        var i = index
        guard i < bytes.count else { return nil }
        let negative = bytes[i] == UInt8(ascii: "-")
        if negative { i += 1 }
        var value: UInt64 = 0
        let start = i
        while i < bytes.count {
            let digit = bytes[i] &- 0x30
            if digit > 9 { break }
            guard i - start < 19 else { return nil }  // 20+ digits overflow Int64
            value = value &* 10 &+ UInt64(digit)
            i += 1
        }
        guard i > start, value <= UInt64(Int64.max) else { return nil }
        return (negative ? -Int64(value) : Int64(value), i)
    }

    /// The send time, type and type end of a message; O(position of the type field).
    static func header(_ bytes: UnsafeRawBufferPointer) -> MessageHeader {
        var sentAt: Int64?
        var from = 0
        if let t = findTime(bytes), let (value, end) = integer(in: bytes, at: t) {
            sentAt = value
            from = end
        }
        guard let start = findWord(typeWord, in: bytes, from: from) else { return MessageHeader(sentAt: sentAt, kind: .other, typeEnd: from) }
        let (kind, end) = kind(bytes, typeStart: start)
        return MessageHeader(sentAt: sentAt, kind: kind, typeEnd: end)
    }

    /// The server send time `t` (Unix ns), nil if absent.
    static func sentAt(_ bytes: UnsafeRawBufferPointer) -> Int64? {
        findTime(bytes).flatMap { integer(in: bytes, at: $0)?.value }
    }

    /// The `"score":` value (rank/overtaken/top messages), nil if absent.
    static func score(_ bytes: UnsafeRawBufferPointer, from start: Int = 0) -> Int64? {
        findWord(scoreWord, in: bytes, from: start).flatMap { integer(in: bytes, at: $0)?.value }
    }

    /// The type named by the string starting at `typeStart`, and the index after its quote.
    static func kind(_ bytes: UnsafeRawBufferPointer, typeStart start: Int) -> (ServerMessageKind, Int) {
        var end = start
        while end < bytes.count && bytes[end] != UInt8(ascii: "\"") { end += 1 }
        let length = end - start
        guard length > 0 else { return (.other, end) }
        var kind = ServerMessageKind.other
        for candidate in ServerMessageKind.named where candidate.name.count == length && candidate.name[0] == bytes[start] {
            if candidate.name.withUnsafeBytes({ memcmp($0.baseAddress!, bytes.baseAddress! + start, length) == 0 }) {
                kind = candidate.kind
                break
            }
        }
        return (kind, min(end + 1, bytes.count))
    }
}
