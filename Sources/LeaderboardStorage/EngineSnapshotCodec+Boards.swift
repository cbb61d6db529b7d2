// Decoding of the board and idempotency sections of a snapshot payload, with the member checks
// the ranked trees' bulk load depends on (strict rank order, no duplicate player, seq < nextSeq).
import LeaderboardEngine

extension EngineSnapshotCodec {
    static func decodeBoard(_ reader: inout EngineValueReader, members: inout MemberCheck)
        throws(EngineCodecError) -> EngineSnapshot.Board {
        let definition = try reader.boardDefinition()
        let id = definition.id
        if let problem = definition.validate() {
            throw .inconsistentSnapshot(.invalidBoardDefinition(board: id, problem: problem.description))
        }
        let windowCount = try reader.count(minimumBytesEach: 6)
        guard windowCount == definition.windows.count, Set(definition.windows).count == windowCount else {
            throw .inconsistentSnapshot(.windowsDoNotMatchDefinition(board: id))
        }
        var windows: [EngineSnapshot.Window] = []
        windows.reserveCapacity(windowCount)
        for expected in definition.windows {
            let kind = try reader.window()
            guard kind == expected else { throw .inconsistentSnapshot(.windowsDoNotMatchDefinition(board: id)) }
            let period = try reader.period()
            let decoded = try members.decode(&reader, board: id, window: kind, order: definition.order)
            let archiveCount = try reader.count(minimumBytesEach: 5)
            var archives: [ArchivedPeriod] = []
            archives.reserveCapacity(archiveCount)
            for _ in 0..<archiveCount { archives.append(try reader.archivedPeriod()) }
            windows.append(EngineSnapshot.Window(kind: kind, period: period, players: decoded.players, scores: decoded.scores,
                                                 seqs: decoded.seqs, archives: archives))
        }
        return EngineSnapshot.Board(definition: definition, windows: windows)
    }

    static func decodeDedupe(_ reader: inout EngineValueReader) throws(EngineCodecError) -> [EngineSnapshot.Dedupe] {
        let count = try reader.count(minimumBytesEach: 4)
        // `EventDeduplicator.Entry` has no public initializer, so entries are made by a scratch
        // deduplicator with a zero window: `record(now: expires)` stores exactly `expires`. It keeps
        // insertion order and, with capacity `count`, drops nothing.
        let scratch = EventDeduplicator(windowMillis: 0, capacity: count)
        for i in 0..<count {
            let id = try reader.string()
            let expires = try reader.varInt()
            let lateCount = try reader.count(minimumBytesEach: 1)
            var late: [WindowKind] = []
            late.reserveCapacity(lateCount)
            for _ in 0..<lateCount { late.append(try reader.window()) }
            let changeCount = try reader.count(minimumBytesEach: 7)
            var changes: [WindowChange] = []
            changes.reserveCapacity(changeCount)
            for _ in 0..<changeCount { changes.append(try reader.windowChange()) }
            scratch.record(id, now: expires, changes: changes, lateWindows: late)
            guard scratch.count == i + 1 else { throw .inconsistentSnapshot(.duplicateEventID(id)) }
        }
        return scratch.liveEntries().map { EngineSnapshot.Dedupe(id: $0.0, entry: $0.1) }
    }
}

/// Validates the members of each window against the snapshot's players and seqs. Reuses one
/// bitmap of `playerCount` bits for duplicate detection, cleared after each window.
struct MemberCheck {
    let playerCount: Int
    let nextSeq: UInt64
    private var seen: [UInt64] = []

    init(playerCount: Int, nextSeq: UInt64) {
        self.playerCount = playerCount
        self.nextSeq = nextSeq
    }

    /// Reads one window's members (rank order, score deltas) and checks them. O(members).
    mutating func decode(_ reader: inout EngineValueReader, board: String, window: WindowKind, order: ScoreOrder)
        throws(EngineCodecError) -> (players: [PlayerIndex], scores: [Int64], seqs: [UInt64]) {
        let n = try reader.count(minimumBytesEach: 3, limit: UInt64(playerCount))
        if seen.isEmpty && n > 0 { seen = [UInt64](repeating: 0, count: (playerCount + 63) / 64) }
        var players = [PlayerIndex](), scores = [Int64](), seqs = [UInt64]()
        players.reserveCapacity(n)
        scores.reserveCapacity(n)
        seqs.reserveCapacity(n)
        defer { for p in players { seen[Int(p >> 6)] = 0 } }
        var score: Int64 = 0
        var previousKey: Int64 = .min, previousSeq: UInt64 = 0
        for i in 0..<n {
            let start = reader.offset
            let player = try EngineSnapshotCodec.playerIndex(&reader, playerCount: playerCount)
            score &+= try reader.varInt()
            let seq = try reader.varUInt()
            guard seq < nextSeq else { throw .inconsistentSnapshot(.seqNotBelowNext(seq: seq, nextSeq: nextSeq, offset: start)) }
            let key = order.normalize(score)
            guard i == 0 || key > previousKey || (key == previousKey && seq > previousSeq) else {
                throw .inconsistentSnapshot(.rankOrderViolated(board: board, window: window, offset: start))
            }
            let word = Int(player >> 6), bit = UInt64(1) << UInt64(player & 63)
            guard seen[word] & bit == 0 else {
                throw .inconsistentSnapshot(.duplicateMember(board: board, window: window, player: player))
            }
            seen[word] |= bit
            players.append(player)
            scores.append(score)
            seqs.append(seq)
            previousKey = key
            previousSeq = seq
        }
        return (players, scores, seqs)
    }
}
