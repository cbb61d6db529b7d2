// The total order inside a ranked set. Scores are normalized so that a smaller key is always a
// better rank, whatever the board's order; `seq` (when the score was first reached) breaks ties.

/// A member's position key: `(normalizedScore, seq)`, unique within a set because every `seq` is
/// handed out to exactly one player's score change.
public struct SetKey: Comparable, Hashable, Sendable {
    /// The score mapped so that ascending order means better rank (see `ScoreOrder.normalize`).
    public var score: Int64
    /// Achievement sequence: smaller means the score was reached earlier.
    public var seq: UInt64

    @inline(__always)
    public init(score: Int64, seq: UInt64) {
        self.score = score
        self.seq = seq
    }

    @inline(__always)
    public static func < (a: SetKey, b: SetKey) -> Bool {
        a.score < b.score || (a.score == b.score && a.seq < b.seq)
    }
}

/// Sort order of a board.
public enum ScoreOrder: String, Sendable, Hashable, CaseIterable {
    /// Higher scores rank higher (points).
    case descending
    /// Lower scores rank higher (lap times).
    case ascending

    /// Maps a score to the internal ascending key space. Descending boards use bitwise NOT,
    /// a bijection that reverses order and cannot overflow (unlike negation of `Int64.min`).
    @inline(__always)
    public func normalize(_ score: Int64) -> Int64 {
        self == .descending ? ~score : score
    }

    /// Inverse of `normalize`.
    @inline(__always)
    public func denormalize(_ key: Int64) -> Int64 {
        self == .descending ? ~key : key
    }

    /// True when `a` is a strictly better score than `b` on a board with this order.
    @inline(__always)
    public func isBetter(_ a: Int64, than b: Int64) -> Bool {
        self == .descending ? a > b : a < b
    }
}
