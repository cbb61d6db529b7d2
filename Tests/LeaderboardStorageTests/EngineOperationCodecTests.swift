// EngineOperationCodec: every operation kind round trips with every optional field present and
// absent, unicode ids and Int64 extremes; events stay compact; malformed payloads are refused with
// the exact typed error; truncations, seeded garbage and mutated records never trap.
import LeaderboardEngine
import Testing
import TestSupport
@testable import LeaderboardStorage

private let fullBoard = BoardDefinition(
    id: "b-1.x", order: .ascending, scoreOperator: .sum, windows: [.monthly, .alltime, .daily, .weekly],
    calendar: BoardCalendar(utcOffsetMinutes: -840, weekStart: .saturday), scopes: [.global, .region, .friends],
    notifyDepth: 1000, minScore: .min, maxScore: .max, archivePeriods: 400, archiveTop: 10_000)

/// One operation per case, covering each optional field both ways.
private let sampleOperations: [EngineOperation] = [
    .scores(now: 0, events: []),
    .scores(now: 1_795_392_000_000, events: [
        ScoreEvent(board: "arena", player: "p1", score: 42),
        ScoreEvent(board: "arena", player: "игрок-π", score: -1, eventID: "match-1", region: "eu", at: 1_795_391_999_000),
        ScoreEvent(board: "laps", player: "🏁", score: .max, eventID: "", region: nil, at: .min),
        ScoreEvent(board: "laps", player: "", score: .min, eventID: nil, region: "", at: .max),
        ScoreEvent(board: "arena", player: "p2", score: 0, eventID: nil, region: "us", at: nil),
    ]),
    .scores(now: .min, events: [ScoreEvent(board: "x", player: "y", score: 1, at: .max)]),
    .scores(now: .max, events: [ScoreEvent(board: "x", player: "y", score: 1, at: .min)]),
    .defineBoard(fullBoard, now: .min),
    .defineBoard(BoardDefinition(id: "plain"), now: 0),
    .defineBoard(BoardDefinition(id: "edge", scoreOperator: .min, windows: [.daily], notifyDepth: 1, minScore: -5,
                                 maxScore: -5, archivePeriods: 0, archiveTop: 1), now: .max),
    .updatePlayer(id: "p1", region: nil, displayName: nil),
    .updatePlayer(id: "p1", region: "eu", displayName: nil),
    .updatePlayer(id: "p1", region: nil, displayName: "Zoë 🎮"),
    .updatePlayer(id: "名前", region: "", displayName: ""),
    .addFriends("a", "ü"),
    .removeFriends("ü", "a"),
    .rotate(now: .min),
    .rotate(now: .max),
    .rotate(now: 0),
]

private func roundTrip(_ operations: [EngineOperation]) throws -> [EngineOperation] {
    try EngineOperationCodec.decode(EngineOperationCodec.encode(operations))
}

@Test(arguments: sampleOperations)
func roundTripsEachOperationKindAndField(operation: EngineOperation) throws {
    #expect(try roundTrip([operation]) == [operation])
}

@Test func roundTripsAllSamplesAsOneRecordAndAnEmptyRecord() throws {
    #expect(try roundTrip(sampleOperations) == sampleOperations)
    #expect(try roundTrip([]) == [])
    #expect(EngineOperationCodec.encode([]) == [EngineOperationCodec.formatVersion, 0])
}

@Test func roundTripsDefinitionsEditedAfterInit() throws {
    var edited = BoardDefinition(id: "e")
    edited.windows = [.daily, .daily]  // init would have removed the duplicate
    edited.scopes = [.friends]         // init would have added global
    #expect(try roundTrip([.defineBoard(edited, now: 5)]) == [.defineBoard(edited, now: 5)])
}

@Test func roundTripsSeededRandomTicks() throws {
    var game = EngineGame(seed: testSeed(91))
    for _ in 0..<400 {
        let tick = game.nextTick()
        #expect(try roundTrip(tick) == tick, "seed \(game.random.seed)")
    }
}

@Test func appendsToAReusedWriterWithoutClearingIt() throws {
    var writer = ByteWriter()
    writer.writeUInt8(0xEE)
    EngineOperationCodec.encode([.rotate(now: 7)], into: &writer)
    #expect(writer.bytes == [0xEE] + EngineOperationCodec.encode([.rotate(now: 7)]))
}

@Test func typicalScoreEventTakesUnder40Bytes() {
    let events = (0..<1000).map { i in
        ScoreEvent(board: "arena", player: "player-\(100_000 + i)", score: Int64(1_000_000 + i * 37), eventID: "match-\(10_000_000 + i)")
    }
    let bytes = EngineOperationCodec.encode([.scores(now: 1_795_392_000_000, events: events)])
    // flags 1 + player 14 + score 3 + id 15 = 33 bytes per event once the board is shared.
    #expect(bytes.count < 1000 * 34 + 32)
}

// MARK: Refusals

@Test func refusesOtherFormatVersions() {
    #expect(throws: EngineCodecError.unsupportedVersion(found: 2, supported: 1)) { try EngineOperationCodec.decode([2, 0]) }
    #expect(throws: EngineCodecError.malformed(.truncated(offset: 0, needed: 1, available: 0))) {
        try EngineOperationCodec.decode([])
    }
}

@Test func refusesUnknownOperationTag() {
    // version 1, one operation, tag 9 (no such operation)
    #expect(throws: EngineCodecError.invalidCode(field: .operationTag, value: 9, offset: 2)) {
        try EngineOperationCodec.decode([1, 1, 9, 0])
    }
}

@Test func refusesReservedEventFlagBits() {
    // version, 1 op, scores, now 0, 1 event, flags 0x10 (reserved) …
    #expect(throws: EngineCodecError.invalidCode(field: .eventFlags, value: 0x10, offset: 5)) {
        try EngineOperationCodec.decode([1, 1, 1, 0, 1, 0x10, 1, 0x61, 1, 0x62, 2])
    }
    // updatePlayer "a" with flags 4 (reserved)
    #expect(throws: EngineCodecError.invalidCode(field: .playerFlags, value: 4, offset: 5)) {
        try EngineOperationCodec.decode([1, 1, 3, 1, 0x61, 4])
    }
}

@Test func refusesBoardRepeatOnFirstEvent() {
    // flags 1 = "same board as previous" on the first event
    #expect(throws: EngineCodecError.boardRepeatWithoutPrevious(offset: 5)) {
        try EngineOperationCodec.decode([1, 1, 1, 0, 1, 1, 1, 0x62, 2])
    }
}

@Test func refusesCountsTheBytesCannotHold() {
    // one billion events announced in a 9-byte payload: refused before reserving anything
    #expect(throws: EngineCodecError.implausibleCount(count: 1_000_000_000, limit: 0, offset: 4)) {
        try EngineOperationCodec.decode([1, 1, 1, 0, 0x80, 0x94, 0xEB, 0xDC, 0x03])
    }
}

@Test func refusesTrailingBytes() {
    var bytes = EngineOperationCodec.encode([.rotate(now: 3)])
    bytes.append(0)
    #expect(throws: EngineCodecError.trailingBytes(count: 1, offset: bytes.count - 1)) { try EngineOperationCodec.decode(bytes) }
}

@Test func refusesInvalidUTF8InStrings() {
    // addFriends with a = [0xC3] (a lone lead byte)
    #expect(throws: EngineCodecError.malformed(.invalidUTF8(offset: 3))) {
        try EngineOperationCodec.decode([1, 1, 4, 1, 0xC3, 1, 0x61])
    }
}

// MARK: Robustness

@Test func everyProperPrefixOfARecordIsRefused() {
    let bytes = EngineOperationCodec.encode(sampleOperations)
    for length in 0..<bytes.count {
        #expect(throws: EngineCodecError.self, "prefix \(length)") { try EngineOperationCodec.decode(Array(bytes[..<length])) }
    }
}

@Test func seededGarbageNeverTraps() {
    var random = SeededRandom(label: "EngineOperationCodec.garbage")
    for _ in 0..<20_000 {
        let count = Int(random.next() % 64)
        var bytes = (0..<count).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        // A valid version byte most of the time, so the fuzzing reaches past the first check.
        if !bytes.isEmpty && random.next() % 4 != 0 { bytes[0] = EngineOperationCodec.formatVersion }
        if let operations = try? EngineOperationCodec.decode(bytes) {
            // Whatever decodes must re-encode to a payload that decodes to the same operations.
            #expect((try? roundTrip(operations)) == operations, "seed \(random.seed)")
        }
    }
}

@Test func mutatedRecordsNeverTrap() {
    var random = SeededRandom(label: "EngineOperationCodec.mutations")
    var game = EngineGame(seed: random.seed)
    for _ in 0..<300 {
        let original = EngineOperationCodec.encode(game.nextTick())
        for _ in 0..<20 {
            var bytes = original
            let position = Int(random.next() % UInt64(bytes.count))
            switch random.next() % 4 {
            case 0: bytes[position] ^= UInt8(truncatingIfNeeded: 1 << (random.next() % 8))
            case 1: bytes[position] = UInt8(truncatingIfNeeded: random.next())
            case 2: bytes.insert(UInt8(truncatingIfNeeded: random.next()), at: position)
            default: bytes.remove(at: position)
            }
            if let operations = try? EngineOperationCodec.decode(bytes) {
                #expect((try? roundTrip(operations)) == operations, "seed \(random.seed)")
            }
        }
    }
}
