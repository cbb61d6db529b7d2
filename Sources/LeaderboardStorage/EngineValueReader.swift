// Decoding side of ByteWriter+EngineValues: a ByteReader whose reads throw EngineCodecError, with
// counts checked against the bytes left before anything is allocated (garbage never allocates more
// than its own size) and every enumeration code range-checked.
import LeaderboardEngine

/// Reads engine values from borrowed memory. Same lifetime rule as `ByteReader`.
struct EngineValueReader {
    var bytes: ByteReader

    init(_ buffer: UnsafeRawBufferPointer) { bytes = ByteReader(buffer) }

    var offset: Int { bytes.offset }
    var remaining: Int { bytes.remaining }

    @inline(__always)
    mutating func uint8() throws(EngineCodecError) -> UInt8 {
        do { return try bytes.readUInt8() } catch { throw .malformed(error) }
    }

    @inline(__always)
    mutating func varUInt() throws(EngineCodecError) -> UInt64 {
        do { return try bytes.readVarUInt() } catch { throw .malformed(error) }
    }

    @inline(__always)
    mutating func varInt() throws(EngineCodecError) -> Int64 {
        do { return try bytes.readVarInt() } catch { throw .malformed(error) }
    }

    /// A varint that is an `Int` field (64-bit platforms: every Int64).
    @inline(__always)
    mutating func int() throws(EngineCodecError) -> Int { Int(try varInt()) }

    @inline(__always)
    mutating func string() throws(EngineCodecError) -> String {
        // Lengths are bounded by the bytes left (checked by ByteReader), not by a smaller limit:
        // whatever the encoder wrote must stay readable.
        do { return try bytes.readString(maxBytes: Int(Int32.max)) } catch { throw .malformed(error) }
    }

    mutating func raw(count: Int) throws(EngineCodecError) -> UnsafeRawBufferPointer {
        do { return try bytes.readBytes(count: count) } catch { throw .malformed(error) }
    }

    /// A 0/1 presence or boolean byte.
    mutating func flag() throws(EngineCodecError) -> Bool {
        let start = offset
        let value = try uint8()
        guard value <= 1 else { throw .invalidCode(field: .boolean, value: UInt64(value), offset: start) }
        return value == 1
    }

    /// An element count, refused if `count * minimumBytesEach` exceeds the bytes left or `count > limit`.
    mutating func count(minimumBytesEach: Int, limit: UInt64 = UInt64(Int32.max)) throws(EngineCodecError) -> Int {
        let start = offset
        let count = try varUInt()
        let fits = count <= UInt64(remaining / max(1, minimumBytesEach))
        guard fits, count <= limit else {
            throw .implausibleCount(count: count, limit: min(limit, UInt64(remaining / max(1, minimumBytesEach))), offset: start)
        }
        return Int(count)
    }

    /// A varuint that must fit a `UInt32` (player indices, scope codes).
    mutating func uint32() throws(EngineCodecError) -> UInt32 {
        let start = offset
        let value = try varUInt()
        guard let narrow = UInt32(exactly: value) else { throw .valueOutOfRange(value: value, offset: start) }
        return narrow
    }

    mutating func optionalVarInt() throws(EngineCodecError) -> Int64? {
        try flag() ? try varInt() : nil
    }

    mutating func window() throws(EngineCodecError) -> WindowKind {
        let start = offset
        let code = try uint8()
        guard let kind = WindowKind(code: code) else { throw .invalidCode(field: .window, value: UInt64(code), offset: start) }
        return kind
    }

    /// Fails unless every byte was consumed.
    func expectEnd() throws(EngineCodecError) {
        if remaining != 0 { throw .trailingBytes(count: remaining, offset: offset) }
    }

    // MARK: Engine values

    mutating func boardDefinition() throws(EngineCodecError) -> BoardDefinition {
        let id = try string()
        let order = try code(.scoreOrder, EngineCodes.orders)
        let scoreOperator = try code(.scoreOperator, EngineCodes.operators)
        let windowCount = try count(minimumBytesEach: 1)
        var windows: [WindowKind] = []
        for _ in 0..<windowCount { windows.append(try window()) }
        let utcOffset = try int()
        let weekStart = try code(.weekday, EngineCodes.weekdays)
        let maskOffset = offset
        let mask = try uint8()
        guard let scopes = EngineCodes.scopes(mask: mask) else {
            throw .invalidCode(field: .scopes, value: UInt64(mask), offset: maskOffset)
        }
        var definition = BoardDefinition(id: id, order: order, scoreOperator: scoreOperator,
                                         calendar: BoardCalendar(utcOffsetMinutes: utcOffset, weekStart: weekStart))
        definition.windows = windows
        definition.scopes = scopes
        definition.notifyDepth = try int()
        definition.minScore = try varInt()
        definition.maxScore = try varInt()
        definition.archivePeriods = try int()
        definition.archiveTop = try int()
        return definition
    }

    private mutating func code<T>(_ field: EngineCodedField, _ table: [T]) throws(EngineCodecError) -> T {
        let start = offset
        let value = try uint8()
        guard Int(value) < table.count else { throw .invalidCode(field: field, value: UInt64(value), offset: start) }
        return table[Int(value)]
    }

    mutating func period() throws(EngineCodecError) -> Period {
        Period(start: try varInt(), end: try varInt(), label: try string())
    }

    mutating func rankedEntry() throws(EngineCodecError) -> RankedEntry {
        RankedEntry(player: try uint32(), score: try varInt(), rank: try int())
    }

    mutating func archivedPeriod() throws(EngineCodecError) -> ArchivedPeriod {
        let period = try period()
        let total = try int()
        let n = try count(minimumBytesEach: 3)
        var top: [RankedEntry] = []
        top.reserveCapacity(n)
        for _ in 0..<n { top.append(try rankedEntry()) }
        return ArchivedPeriod(period: period, totalPlayers: total, top: top)
    }

    mutating func windowChange() throws(EngineCodecError) -> WindowChange {
        let window = try window()
        let periodStart = try varInt()
        let scope = ScopeKey(raw: try uint32())
        let oldRank = try optionalVarInt().map { Int($0) }
        let newRank = try int()
        let oldScore = try optionalVarInt()
        return WindowChange(window: window, periodStart: periodStart, scope: scope, oldRank: oldRank, newRank: newRank,
                            oldScore: oldScore, newScore: try varInt())
    }
}
