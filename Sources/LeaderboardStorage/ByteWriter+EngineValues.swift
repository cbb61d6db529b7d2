// Encodings of engine values shared by the WAL operation codec and the snapshot codec: board
// definitions, periods, ranked entries, archived periods and window changes. Decoded by
// EngineValueReader; both sides must change together (and bump the format versions).
import LeaderboardEngine

/// Stable one-byte codes of engine enumerations (never reorder: they are on disk).
enum EngineCodes {
    static func order(_ order: ScoreOrder) -> UInt8 { order == .descending ? 0 : 1 }

    static func scoreOperator(_ op: ScoreOperator) -> UInt8 {
        switch op {
        case .best: 0
        case .sum: 1
        case .latest: 2
        case .min: 3
        }
    }

    static let operators: [ScoreOperator] = [.best, .sum, .latest, .min]
    static let orders: [ScoreOrder] = [.descending, .ascending]
    static let weekdays: [Weekday] = [.monday, .tuesday, .wednesday, .thursday, .friday, .saturday, .sunday]

    /// Scope set as a bit mask: global 1, region 2, friends 4.
    static func scopes(_ scopes: Set<ScopeKind>) -> UInt8 {
        (scopes.contains(.global) ? 1 : 0) | (scopes.contains(.region) ? 2 : 0) | (scopes.contains(.friends) ? 4 : 0)
    }

    static func scopes(mask: UInt8) -> Set<ScopeKind>? {
        guard mask & ~7 == 0 else { return nil }
        var scopes = Set<ScopeKind>()
        if mask & 1 != 0 { scopes.insert(.global) }
        if mask & 2 != 0 { scopes.insert(.region) }
        if mask & 4 != 0 { scopes.insert(.friends) }
        return scopes
    }
}

extension ByteWriter {
    /// Every field, as stored: decoding gives back an equal value (window list and scope set
    /// included, even if they were edited after `BoardDefinition.init`).
    mutating func writeBoardDefinition(_ d: BoardDefinition) {
        writeString(d.id)
        writeUInt8(EngineCodes.order(d.order))
        writeUInt8(EngineCodes.scoreOperator(d.scoreOperator))
        writeVarUInt(UInt64(d.windows.count))
        for w in d.windows { writeUInt8(w.code) }
        writeVarInt(Int64(d.calendar.utcOffsetMinutes))
        writeUInt8(UInt8(d.calendar.weekStart.index))
        writeUInt8(EngineCodes.scopes(d.scopes))
        writeVarInt(Int64(d.notifyDepth))
        writeVarInt(d.minScore)
        writeVarInt(d.maxScore)
        writeVarInt(Int64(d.archivePeriods))
        writeVarInt(Int64(d.archiveTop))
    }

    mutating func writePeriod(_ p: Period) {
        writeVarInt(p.start)
        writeVarInt(p.end)
        writeString(p.label)
    }

    mutating func writeRankedEntry(_ e: RankedEntry) {
        writeVarUInt(UInt64(e.player))
        writeVarInt(e.score)
        writeVarInt(Int64(e.rank))
    }

    mutating func writeArchivedPeriod(_ a: ArchivedPeriod) {
        writePeriod(a.period)
        writeVarInt(Int64(a.totalPlayers))
        writeVarUInt(UInt64(a.top.count))
        for e in a.top { writeRankedEntry(e) }
    }

    /// Presence byte (0 or 1), then the zig-zag varint if present.
    mutating func writeOptionalVarInt(_ value: Int64?) {
        guard let value else { return writeUInt8(0) }
        writeUInt8(1)
        writeVarInt(value)
    }

    mutating func writeWindowChange(_ c: WindowChange) {
        writeUInt8(c.window.code)
        writeVarInt(c.periodStart)
        writeVarUInt(UInt64(c.scope.raw))
        writeOptionalVarInt(c.oldRank.map(Int64.init))
        writeVarInt(Int64(c.newRank))
        writeOptionalVarInt(c.oldScore)
        writeVarInt(c.newScore)
    }
}
