// The time windows a board can rank over.

/// A time window. Periods are computed in UTC shifted by the board's offset.
public enum WindowKind: String, Sendable, Hashable, CaseIterable, Comparable {
    case alltime
    case daily
    case weekly
    case monthly

    /// Stable small code used in the log and snapshots.
    public var code: UInt8 {
        switch self {
        case .alltime: 0
        case .daily: 1
        case .weekly: 2
        case .monthly: 3
        }
    }

    public init?(code: UInt8) {
        switch code {
        case 0: self = .alltime
        case 1: self = .daily
        case 2: self = .weekly
        case 3: self = .monthly
        default: return nil
        }
    }

    public static func < (a: WindowKind, b: WindowKind) -> Bool { a.code < b.code }
}

/// Day of the week a weekly window starts on.
public enum Weekday: String, Sendable, Hashable, CaseIterable {
    case monday, tuesday, wednesday, thursday, friday, saturday, sunday

    /// 0 for Monday … 6 for Sunday.
    public var index: Int { Weekday.allCases.firstIndex(of: self)! }
}
