// Generated score events for the storage benchmarks, cheap enough not to dominate the loop.
import LeaderboardEngine

/// Score events as an ingest queue would hand them over: one board, `players` distinct players
/// (`player-<n>`), unique event ids (`match-<n>`): about 35 bytes each in the WAL. Both ids stay
/// within 15 UTF-8 bytes, so Swift stores them inline (no allocation per event).
struct EventSource {
    static let board = "alltime"
    let players: [String]
    var random = SplitMix(seed: 7)
    var counter: UInt64 = 0
    let withEventIDs: Bool

    init(players count: Int, withEventIDs: Bool = true) {
        players = (0..<count).map { "player-\($0)" }
        self.withEventIDs = withEventIDs
    }

    /// The next event: a uniformly random player, a score in 0..<1e9, id `match-<counter>`.
    @inline(__always)
    mutating func next() -> ScoreEvent {
        counter += 1
        let player = players[Int(random.next() % UInt64(players.count))]
        return ScoreEvent(board: Self.board, player: player, score: Int64(random.next() % 1_000_000_000),
                          eventID: withEventIDs ? "match-" + String(counter) : nil)
    }

    mutating func batch(_ count: Int) -> [ScoreEvent] { (0..<count).map { _ in next() } }
}
