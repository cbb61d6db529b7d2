// What the rank-change detector tells players and spectators after a batch.

/// A personal notification for one player. Ranks are 1-based; 0 means "not ranked".
public struct Notification: Equatable, Sendable {
    public enum Kind: UInt8, Sendable {
        /// To the mover: old → new rank (old = just before its first event in the batch).
        case rank
        /// To a victim: passed by `count` players in the batch, the latest being `by`.
        case overtaken
        /// Entered the top K of the scope.
        case topEntry
        /// Left the top K of the scope.
        case topExit
    }

    public var kind: Kind
    public var recipient: PlayerIndex
    public var board: BoardIndex
    public var window: WindowKind
    public var periodStart: Int64
    public var scope: ScopeKey
    public var oldRank: Int
    public var newRank: Int
    /// The recipient's current score.
    public var score: Int64
    /// Overtaken only: the latest overtaker, their score and how many passed the recipient.
    public var by: PlayerIndex
    public var byScore: Int64
    public var count: Int

    public init(kind: Kind, recipient: PlayerIndex, board: BoardIndex, window: WindowKind, periodStart: Int64,
                scope: ScopeKey, oldRank: Int, newRank: Int, score: Int64,
                by: PlayerIndex = 0, byScore: Int64 = 0, count: Int = 0) {
        self.kind = kind
        self.recipient = recipient
        self.board = board
        self.window = window
        self.periodStart = periodStart
        self.scope = scope
        self.oldRank = oldRank
        self.newRank = newRank
        self.score = score
        self.by = by
        self.byScore = byScore
        self.count = count
    }

    /// Friend overtakes are social (P2); everything else personal (P1).
    public var isSocial: Bool { scope.isFriends }
}

/// Change of one scope's top K over a batch, for spectators (latest state wins).
public struct BoardDiff: Equatable, Sendable {
    public struct Row: Equatable, Sendable {
        public var player: PlayerIndex
        /// 1-based rank now (0 for rows that left).
        public var rank: Int
        /// 1-based rank before the batch (0 for rows that entered).
        public var previousRank: Int
        public var score: Int64

        public init(player: PlayerIndex, rank: Int, previousRank: Int, score: Int64) {
            self.player = player
            self.rank = rank
            self.previousRank = previousRank
            self.score = score
        }
    }

    public var board: BoardIndex
    public var window: WindowKind
    public var periodStart: Int64
    public var scope: ScopeKey
    public var entered: [Row]
    /// Rows whose rank or score changed.
    public var moved: [Row]
    public var left: [Row]
    /// Members of the scope after the batch.
    public var size: Int

    public var isEmpty: Bool { entered.isEmpty && moved.isEmpty && left.isEmpty }
}
