// The naive reference for ranked sets: a sorted array of (score, seq, player), searched and
// shifted linearly. Obviously correct, O(n) per operation.
import LeaderboardEngine

public struct ReferenceRanking {
    public struct Row: Equatable {
        public var player: UInt32
        public var score: Int64
        public var seq: UInt64
    }

    public let order: ScoreOrder
    /// Best first.
    public private(set) var rows: [Row] = []

    public init(order: ScoreOrder) { self.order = order }

    public var count: Int { rows.count }

    private func precedes(_ a: Row, _ b: Row) -> Bool {
        if a.score != b.score { return order.isBetter(a.score, than: b.score) }
        return a.seq < b.seq
    }

    public func row(of player: UInt32) -> Row? { rows.first { $0.player == player } }

    /// 1-based.
    public func rank(of player: UInt32) -> Int? {
        rows.firstIndex { $0.player == player }.map { $0 + 1 }
    }

    /// Sets the score; an unchanged score keeps the old seq. Returns (old rank, new rank).
    @discardableResult
    public mutating func upsert(_ player: UInt32, score: Int64, seq: UInt64) -> (old: Int?, new: Int) {
        let old = rank(of: player)
        if let i = old, rows[i - 1].score == score { return (old, i) }
        var newSeq = seq
        if let i = old { rows.remove(at: i - 1) } else { newSeq = seq }
        let row = Row(player: player, score: score, seq: newSeq)
        let at = rows.firstIndex { precedes(row, $0) } ?? rows.count
        rows.insert(row, at: at)
        return (old, at + 1)
    }

    /// Inserts a row with an explicit seq (which may be older than others).
    public mutating func insert(_ row: Row) {
        let at = rows.firstIndex { precedes(row, $0) } ?? rows.count
        rows.insert(row, at: at)
    }

    @discardableResult
    public mutating func remove(_ player: UInt32) -> Row? {
        guard let i = rows.firstIndex(where: { $0.player == player }) else { return nil }
        return rows.remove(at: i)
    }

    public func countBetter(than score: Int64) -> Int {
        var n = 0
        for row in rows where order.isBetter(row.score, than: score) { n += 1 }
        return n
    }

    public func between(_ a: Int64, _ b: Int64) -> [Row] {
        let lo = min(a, b), hi = max(a, b)
        return rows.filter { $0.score >= lo && $0.score <= hi }
    }
}
