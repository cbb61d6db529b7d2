// The score events the posters send: each player's score follows a random walk on a small
// range, so players leapfrog each other constantly (overtakes, rank changes, top-100 churn).
// The low 20 bits count the player's posts, so (player, score) names one post: a `rank`
// message's score tells which post caused it. Owned by the poster loop.

struct ScoreEvents {
    /// Board id, player-name prefix (players are `<prefix><number>`).
    let board: [UInt8]
    let prefix: [UInt8]
    let players: Int
    /// Walk positions are in 0..<range; each step moves by at most ±step.
    let range: Int
    let step: Int
    /// Whether each event carries `"event_id":"<player>.<score>"` (unique per post, see `key`).
    let eventIDs: Bool
    private var walk: [Int32]
    private var posts: [UInt32]
    private var random: LoadRandom

    init(board: String, prefix: String, players: Int, range: Int, step: Int, eventIDs: Bool = false, seed: UInt64) {
        precondition(players > 0 && range > 0 && step >= 0, "bad score walk")
        self.board = Array(board.utf8)
        self.prefix = Array(prefix.utf8)
        self.players = players
        self.range = range
        self.step = step
        self.eventIDs = eventIDs
        random = LoadRandom(seed: seed)
        walk = []
        walk.reserveCapacity(players)
        for _ in 0..<players { walk.append(Int32(Int.random(in: 0..<range, using: &random))) }
        posts = Array(repeating: 0, count: players)
    }

    /// The score of a player's next post (its walk position above 20 bits of post count).
    static func score(walk: Int32, post: UInt32) -> Int64 { Int64(walk) << 20 | Int64(post & 0xFFFFF) }

    /// The next event: for player `player` if given, else a uniformly random one. Steps the walk.
    mutating func next(player chosen: Int? = nil) -> (player: Int, score: Int64) {
        let p = chosen ?? Int.random(in: 0..<players, using: &random)
        if chosen == nil, step > 0 {
            let moved = Int(walk[p]) + Int.random(in: -step...step, using: &random)
            walk[p] = Int32(min(max(moved, 0), range - 1))
        }
        let score = Self.score(walk: walk[p], post: posts[p])
        posts[p] &+= 1
        return (p, score)
    }

    /// The match key of a post: player number above the low 32 bits of the score (the same key
    /// the clients build from `rank` messages).
    static func key(player: Int, score: Int64) -> UInt64 {
        UInt64(player) << 32 | UInt64(UInt32(truncatingIfNeeded: score))
    }

    /// Appends `{"board":…,"player":"<prefix>N","score":S}\n` to `out` (with `,"event_id":"N.S"` before
    /// the brace when `eventIDs`).
    func appendLine(player: Int, score: Int64, to out: inout [UInt8]) {
        out.append(contentsOf: #"{"board":""#.utf8)
        out.append(contentsOf: board)
        out.append(contentsOf: #"","player":""#.utf8)
        out.append(contentsOf: prefix)
        Self.appendDecimal(Int64(player), to: &out)
        out.append(contentsOf: #"","score":"#.utf8)
        Self.appendDecimal(score, to: &out)
        if eventIDs {
            out.append(contentsOf: #","event_id":""#.utf8)
            Self.appendDecimal(Int64(player), to: &out)
            out.append(UInt8(ascii: "."))
            Self.appendDecimal(score, to: &out)
            out.append(UInt8(ascii: "\""))
        }
        out.append(contentsOf: "}\n".utf8)
    }

    static func appendDecimal(_ value: Int64, to out: inout [UInt8]) {
        if value < 0 { out.append(UInt8(ascii: "-")) }
        var v = value.magnitude
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var n = 0
        withUnsafeMutableBytes(of: &digits) { d in
            repeat {
                d[n] = UInt8(v % 10) + 0x30
                v /= 10
                n += 1
            } while v > 0
            while n > 0 {
                n -= 1
                out.append(d[n])
            }
        }
    }
}
