// Engine-wide limits. Board-specific settings live in BoardDefinition.

public struct EngineConfiguration: Sendable, Equatable {
    /// Friends per player; adding past it is an error.
    public var friendLimit: Int
    /// Watchers told "overtaken" per score event at most (nearest passed first).
    public var watcherLimitPerEvent: Int
    /// Events with `at` further than this in the future are rejected; nearer ones count as now.
    public var futureSkewMillis: Int64
    /// How long an event id is remembered for idempotency.
    public var dedupeWindowMillis: Int64
    /// Event ids remembered at most (oldest forgotten first) — bounds memory under any load.
    public var dedupeCapacity: Int
    /// Players from which batch application warms caches ahead of each chunk of events
    /// (`BatchWarmer`); smaller populations fit in cache, where warming only costs.
    public var warmingMinimumPlayers: Int

    public init(friendLimit: Int = 500, watcherLimitPerEvent: Int = 64, futureSkewMillis: Int64 = 60_000,
                dedupeWindowMillis: Int64 = 86_400_000, dedupeCapacity: Int = 1_000_000,
                warmingMinimumPlayers: Int = 65_536) {
        self.warmingMinimumPlayers = warmingMinimumPlayers
        self.friendLimit = friendLimit
        self.watcherLimitPerEvent = watcherLimitPerEvent
        self.futureSkewMillis = futureSkewMillis
        self.dedupeWindowMillis = dedupeWindowMillis
        self.dedupeCapacity = dedupeCapacity
    }
}
