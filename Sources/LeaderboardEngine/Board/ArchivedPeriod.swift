// A finished period of a window: its top entries, kept after the live set's memory is freed.

public struct ArchivedPeriod: Equatable, Sendable {
    public var period: Period
    /// Members the period ended with.
    public var totalPlayers: Int
    /// Best first; `rank` is 1-based.
    public var top: [RankedEntry]

    public init(period: Period, totalPlayers: Int, top: [RankedEntry]) {
        self.period = period
        self.totalPlayers = totalPlayers
        self.top = top
    }
}
