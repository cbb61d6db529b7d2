// Period arithmetic for windows: which day, week or month a Unix time falls in, for a board's
// UTC offset and week start. Pure integer civil-date math (no Foundation, no time zone database).

/// One period of a window: `[start, end)` in Unix milliseconds, and its label
/// (`YYYY-MM-DD` of the first local day for daily and weekly, `YYYY-MM` for monthly, `alltime`).
public struct Period: Equatable, Hashable, Sendable {
    public var start: Int64
    public var end: Int64
    public var label: String

    public init(start: Int64, end: Int64, label: String) {
        self.start = start
        self.end = end
        self.label = label
    }

    public static let allTime = Period(start: .min, end: .max, label: "alltime")

    public func contains(_ ms: Int64) -> Bool { ms >= start && ms < end }
}

/// The calendar of a board: a fixed UTC offset (no daylight saving) and the first day of a week.
public struct BoardCalendar: Equatable, Hashable, Sendable {
    public static let dayMillis: Int64 = 86_400_000
    /// Offset from UTC in minutes, −840…+840.
    public var utcOffsetMinutes: Int
    public var weekStart: Weekday

    public init(utcOffsetMinutes: Int = 0, weekStart: Weekday = .monday) {
        self.utcOffsetMinutes = utcOffsetMinutes
        self.weekStart = weekStart
    }

    private var offsetMillis: Int64 { Int64(utcOffsetMinutes) * 60_000 }

    /// The period of `window` that contains the Unix time `ms`.
    public func period(_ window: WindowKind, containing ms: Int64) -> Period {
        if window == .alltime { return .allTime }
        let day = Self.floorDiv(ms + offsetMillis, Self.dayMillis)
        let startDay: Int64
        let endDay: Int64
        switch window {
        case .alltime:
            return .allTime
        case .daily:
            startDay = day
            endDay = day + 1
        case .weekly:
            // 1970-01-01 was a Thursday (index 3 with Monday = 0).
            let weekday = Self.floorMod(day + 3, 7)
            startDay = day - Self.floorMod(weekday - Int64(weekStart.index), 7)
            endDay = startDay + 7
        case .monthly:
            let (y, m, _) = Self.civil(fromDays: day)
            startDay = Self.days(fromCivil: y, m, 1)
            endDay = m == 12 ? Self.days(fromCivil: y + 1, 1, 1) : Self.days(fromCivil: y, m + 1, 1)
        }
        let (y, m, d) = Self.civil(fromDays: startDay)
        let label = window == .monthly ? "\(Self.pad(y, 4))-\(Self.pad(m, 2))"
            : "\(Self.pad(y, 4))-\(Self.pad(m, 2))-\(Self.pad(d, 2))"
        return Period(start: startDay * Self.dayMillis - offsetMillis,
                      end: endDay * Self.dayMillis - offsetMillis, label: label)
    }

    /// The period of `window` with the given label, if the label is well formed.
    public func period(_ window: WindowKind, label: String) -> Period? {
        if window == .alltime { return label == "alltime" ? .allTime : nil }
        let parts = label.split(separator: "-", omittingEmptySubsequences: false).map { Int64($0) }
        guard parts.allSatisfy({ $0 != nil }) else { return nil }
        let numbers = parts.map { $0! }
        let expected = window == .monthly ? 2 : 3
        guard numbers.count == expected, (1...12).contains(numbers[1]) else { return nil }
        let day = Self.days(fromCivil: numbers[0], numbers[1], expected == 3 ? numbers[2] : 1)
        let period = self.period(window, containing: day * Self.dayMillis - offsetMillis)
        return period.label == label ? period : nil
    }

    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    static func floorMod(_ a: Int64, _ b: Int64) -> Int64 { a - floorDiv(a, b) * b }

    /// Days since 1970-01-01 → (year, month 1–12, day 1–31), proleptic Gregorian
    /// (H. Hinnant's algorithm).
    static func civil(fromDays z0: Int64) -> (Int64, Int64, Int64) {
        let z = z0 + 719_468
        let era = floorDiv(z, 146_097)
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    /// (year, month, day) → days since 1970-01-01.
    static func days(fromCivil y0: Int64, _ m: Int64, _ d: Int64) -> Int64 {
        let y = m <= 2 ? y0 - 1 : y0
        let era = floorDiv(y, 400)
        let yoe = y - era * 400
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    private static func pad(_ v: Int64, _ width: Int) -> String {
        let s = String(v)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }
}
