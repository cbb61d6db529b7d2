// Decoding of the board and idempotency sections of a snapshot payload, with the member checks
// the ranked trees' bulk load depends on (strict rank order, no duplicate player, 1 ≤ seq < nextSeq).
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
        var entries: [EngineSnapshot.Dedupe] = []
        entries.reserveCapacity(count)
        var entry = entryTemplate
        for _ in 0..<count {
            let id = try reader.string()
            entry.expires = try reader.varInt()
            let lateCount = try reader.count(minimumBytesEach: 1)
            var late: [WindowKind] = []
            late.reserveCapacity(lateCount)
            for _ in 0..<lateCount { late.append(try reader.window()) }
            let changeCount = try reader.count(minimumBytesEach: 7)
            var changes: [WindowChange] = []
            changes.reserveCapacity(changeCount)
            for _ in 0..<changeCount { changes.append(try reader.windowChange()) }
            entry.lateWindows = late
            entry.changes = changes
            // Duplicate ids are not refused: restoring one twice keeps the later entry, harmlessly.
            entries.append(EngineSnapshot.Dedupe(id: id, entry: entry))
        }
        return entries
    }

    /// An `EventDeduplicator.Entry` to copy and fill in. The type has public fields but no public
    /// initializer, so one is made once by a scratch deduplicator.
    private static let entryTemplate: EventDeduplicator.Entry = {
        let scratch = EventDeduplicator(windowMillis: 0, capacity: 1)
        scratch.record("", now: 0, changes: [], lateWindows: [])
        return scratch.liveEntries()[0].1
    }()
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

    /// Reads one window's members (rank order, score deltas) and checks them. O(members); writes
    /// the three columns in place (this loop dominates decoding a large snapshot).
    mutating func decode(_ reader: inout EngineValueReader, board: String, window: WindowKind, order: ScoreOrder)
        throws(EngineCodecError) -> (players: [PlayerIndex], scores: [Int64], seqs: [UInt64]) {
        let n = try reader.count(minimumBytesEach: 3, limit: UInt64(playerCount))
        if seen.isEmpty && n > 0 { seen = [UInt64](repeating: 0, count: (playerCount + 63) / 64) }
        var failure: EngineCodecError?
        let columns = seen.withUnsafeMutableBufferPointer { bitmap in
            Self.columns(count: n) { players, scores, seqs -> Int in
                var score: Int64 = 0
                var previousKey: Int64 = .min, previousSeq: UInt64 = 0
                for i in 0..<n {
                    do throws(EngineCodecError) {
                        let start = reader.offset
                        let player = try EngineSnapshotCodec.playerIndex(&reader, playerCount: playerCount)
                        score &+= try reader.varInt()
                        let seq = try reader.varUInt()
                        // Seqs start at 1 (0 marks an absent member in the member table).
                        guard seq >= 1, seq < nextSeq else {
                            throw .inconsistentSnapshot(.seqNotBelowNext(seq: seq, nextSeq: nextSeq, offset: start))
                        }
                        let key = order.normalize(score)
                        guard i == 0 || key > previousKey || (key == previousKey && seq > previousSeq) else {
                            throw .inconsistentSnapshot(.rankOrderViolated(board: board, window: window, offset: start))
                        }
                        let word = Int(player >> 6), bit = UInt64(1) << UInt64(player & 63)
                        guard bitmap[word] & bit == 0 else {
                            throw .inconsistentSnapshot(.duplicateMember(board: board, window: window, player: player))
                        }
                        bitmap[word] |= bit
                        players[i] = player
                        scores[i] = score
                        seqs[i] = seq
                        previousKey = key
                        previousSeq = seq
                    } catch {
                        failure = error
                        return i
                    }
                }
                return n
            }
        }
        // Clearing word by word is random access; for a large window one sequential pass is cheaper.
        if columns.players.count > seen.count {
            for i in seen.indices { seen[i] = 0 }
        } else {
            for p in columns.players { seen[Int(p >> 6)] = 0 }
        }
        if let failure { throw failure }
        return columns
    }

    /// Three arrays of capacity `count` filled in place by `fill`, which returns how many rows it
    /// initialized (the arrays get that count).
    private static func columns(count: Int, _ fill: (UnsafeMutablePointer<PlayerIndex>, UnsafeMutablePointer<Int64>,
                                                     UnsafeMutablePointer<UInt64>) -> Int)
        -> (players: [PlayerIndex], scores: [Int64], seqs: [UInt64]) {
        var scores: [Int64] = [], seqs: [UInt64] = []
        let players = [PlayerIndex](unsafeUninitializedCapacity: count) { playerBuffer, playerCount in
            scores = [Int64](unsafeUninitializedCapacity: count) { scoreBuffer, scoreCount in
                seqs = [UInt64](unsafeUninitializedCapacity: count) { seqBuffer, seqCount in
                    guard count > 0 else { return }
                    seqCount = fill(playerBuffer.baseAddress!, scoreBuffer.baseAddress!, seqBuffer.baseAddress!)
                }
                scoreCount = seqs.count
            }
            playerCount = seqs.count
        }
        return (players, scores, seqs)
    }
}
