// How a new score event combines with a player's current score in one window.

/// Score operator of a board.
public enum ScoreOperator: String, Sendable, Hashable, CaseIterable {
    /// Personal best: keep the better of current and new (by the board's order).
    case best
    /// Increment: add the event's score to the current total (starting at 0).
    case sum
    /// Latest: the newest event's score replaces the current one.
    case latest
    /// Minimum: keep the lower of current and new, whatever the board's order.
    case min

    /// The score after applying `incoming` to `current` (nil for a new member), or nil when a
    /// sum would overflow Int64.
    @inline(__always)
    public func combine(current: Int64?, incoming: Int64, order: ScoreOrder) -> Int64? {
        guard let current else { return incoming }
        switch self {
        case .best: return order.isBetter(incoming, than: current) ? incoming : current
        case .latest: return incoming
        case .min: return Swift.min(current, incoming)
        case .sum:
            let (total, overflow) = current.addingReportingOverflow(incoming)
            return overflow ? nil : total
        }
    }
}
