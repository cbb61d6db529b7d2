// What a board is: identity, ordering, scoring, windows, scopes, notification depth, valid score
// range and archive policy. Validated once when defined; immutable fields are listed below.

/// A scope a board ranks in. `global` is always maintained.
public enum ScopeKind: String, Sendable, Hashable, CaseIterable {
    case global, region, friends
}

public struct BoardDefinition: Equatable, Sendable {
    public var id: String
    public var order: ScoreOrder
    public var scoreOperator: ScoreOperator
    /// Windows ranked, in a stable order (duplicates removed).
    public var windows: [WindowKind]
    public var calendar: BoardCalendar
    public var scopes: Set<ScopeKind>
    /// K: top-K entry/exit and "pushed down inside the top K" notifications, spectator diffs.
    public var notifyDepth: Int
    /// Events with scores outside `minScore...maxScore` are rejected.
    public var minScore: Int64
    public var maxScore: Int64
    /// Finished periods kept per window, and how many top entries each keeps.
    public var archivePeriods: Int
    public var archiveTop: Int

    public static let maxNotifyDepth = 1000
    public static let maxArchivePeriods = 400
    public static let maxArchiveTop = 10_000

    public init(id: String, order: ScoreOrder = .descending, scoreOperator: ScoreOperator = .best,
                windows: [WindowKind] = [.alltime], calendar: BoardCalendar = BoardCalendar(),
                scopes: Set<ScopeKind> = [.global], notifyDepth: Int = 100,
                minScore: Int64 = .min, maxScore: Int64 = .max,
                archivePeriods: Int = 4, archiveTop: Int = 100) {
        self.id = id
        self.order = order
        self.scoreOperator = scoreOperator
        var seen = Set<WindowKind>()
        self.windows = windows.filter { seen.insert($0).inserted }
        self.calendar = calendar
        self.scopes = scopes.union([.global])
        self.notifyDepth = notifyDepth
        self.minScore = minScore
        self.maxScore = maxScore
        self.archivePeriods = archivePeriods
        self.archiveTop = archiveTop
    }

    /// The first problem with this definition, naming the field.
    public func validate() -> EngineError? {
        if let problem = Identifier.validateName(id) { return .invalidField("id", "board id \(problem)") }
        if windows.isEmpty { return .invalidField("windows", "at least one window is required") }
        if Set(windows).count != windows.count { return .invalidField("windows", "each window may appear once") }
        if !(-840...840).contains(calendar.utcOffsetMinutes) {
            return .invalidField("utc_offset_minutes", "must be between -840 and 840")
        }
        if !(1...Self.maxNotifyDepth).contains(notifyDepth) {
            return .invalidField("notify_depth", "must be between 1 and \(Self.maxNotifyDepth)")
        }
        if minScore > maxScore { return .invalidField("min_score", "must not exceed max_score") }
        if !(0...Self.maxArchivePeriods).contains(archivePeriods) {
            return .invalidField("archive_periods", "must be between 0 and \(Self.maxArchivePeriods)")
        }
        if !(1...Self.maxArchiveTop).contains(archiveTop) {
            return .invalidField("archive_top", "must be between 1 and \(Self.maxArchiveTop)")
        }
        return nil
    }

    /// The first field that differs from `current` but cannot change once a board exists:
    /// order, operator and calendar define what stored scores mean.
    public func immutableChange(from current: BoardDefinition) -> String? {
        if order != current.order { return "order" }
        if scoreOperator != current.scoreOperator { return "operator" }
        if calendar.utcOffsetMinutes != current.calendar.utcOffsetMinutes { return "utc_offset_minutes" }
        if calendar.weekStart != current.calendar.weekStart { return "week_start" }
        return nil
    }
}
