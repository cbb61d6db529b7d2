// Period arithmetic across day, week and month boundaries, with UTC offsets and week starts.
// Expected instants were computed independently (Python's datetime).
import Testing
@testable import LeaderboardEngine

@Suite struct BoardCalendarTests {
    static let monday20261123: Int64 = 1_795_392_000_000       // 2026-11-23T00:00:00Z, a Monday
    static let hour: Int64 = 3_600_000
    static let day: Int64 = 86_400_000

    @Test func dailyPeriodsSplitAtUTCMidnight() {
        let cal = BoardCalendar()
        let p = cal.period(.daily, containing: Self.monday20261123 - 1)
        #expect(p.label == "2026-11-22")
        #expect(p.end == Self.monday20261123)
        #expect(cal.period(.daily, containing: Self.monday20261123).label == "2026-11-23")
    }

    @Test func positiveOffsetMovesTheBoundaryEarlier() {
        // UTC+2: local midnight of the 23rd is 22:00Z on the 22nd.
        let cal = BoardCalendar(utcOffsetMinutes: 120)
        let p = cal.period(.daily, containing: Self.monday20261123 - 2 * Self.hour)
        #expect(p.label == "2026-11-23")
        #expect(p.start == Self.monday20261123 - 2 * Self.hour)
        #expect(cal.period(.daily, containing: Self.monday20261123 - 2 * Self.hour - 1).label == "2026-11-22")
    }

    @Test func negativeOffsetMovesTheBoundaryLater() {
        let cal = BoardCalendar(utcOffsetMinutes: -330)
        let p = cal.period(.daily, containing: Self.monday20261123)
        #expect(p.label == "2026-11-22")
        #expect(p.end == Self.monday20261123 + 330 * 60_000)
    }

    @Test(arguments: [(Weekday.monday, "2026-11-23"), (.sunday, "2026-11-22"), (.thursday, "2026-11-19"), (.tuesday, "2026-11-17")])
    func weeksStartOnTheConfiguredDay(start: Weekday, label: String) {
        let cal = BoardCalendar(weekStart: start)
        let p = cal.period(.weekly, containing: Self.monday20261123 + 10 * Self.hour)
        #expect(p.label == label)
        #expect(p.end - p.start == 7 * Self.day)
        #expect(p.contains(Self.monday20261123 + 10 * Self.hour))
    }

    @Test func weekEndsSevenDaysLater() {
        let cal = BoardCalendar()
        let sunday = 1_795_910_400_000 as Int64        // 2026-11-29T00:00Z
        #expect(cal.period(.weekly, containing: sunday).label == "2026-11-23")
        #expect(cal.period(.weekly, containing: 1_795_996_800_000).label == "2026-11-30")
    }

    @Test func monthsFollowTheCivilCalendarIncludingLeapDays() {
        let cal = BoardCalendar()
        let leap = cal.period(.monthly, containing: 1_709_208_000_000)      // 2024-02-29T12:00Z
        #expect(leap.label == "2024-02")
        #expect(leap.end == 1_709_251_200_000)                            // 2024-03-01T00:00Z
        #expect(leap.end - leap.start == 29 * Self.day)
        let december = cal.period(.monthly, containing: 1_798_759_800_000)  // 2026-12-31T23:30Z
        #expect(december.label == "2026-12")
        #expect(december.end == 1_798_761_600_000)                        // 2027-01-01T00:00Z
    }

    @Test func offsetsCanPushAnInstantIntoTheNextMonthOrYear() {
        let cal = BoardCalendar(utcOffsetMinutes: 60)
        #expect(cal.period(.monthly, containing: 1_798_759_800_000).label == "2027-01")
        #expect(cal.period(.daily, containing: 1_798_759_800_000).label == "2027-01-01")
    }

    @Test func instantsBeforeTheEpochUseFloorDivision() {
        let cal = BoardCalendar()
        #expect(cal.period(.daily, containing: -3_600_000).label == "1969-12-31")
        #expect(cal.period(.monthly, containing: -3_600_000).label == "1969-12")
    }

    @Test func labelsParseBackToTheSamePeriod() {
        let cal = BoardCalendar(utcOffsetMinutes: 180, weekStart: .sunday)
        for window in [WindowKind.daily, .weekly, .monthly] {
            let p = cal.period(window, containing: Self.monday20261123 + 5 * Self.hour)
            #expect(cal.period(window, label: p.label) == p)
        }
        #expect(cal.period(.weekly, label: "2026-11-23") == nil)   // a Monday is not a Sunday-start week
        #expect(cal.period(.daily, label: "2026-13-01") == nil)
        #expect(cal.period(.monthly, label: "nonsense") == nil)
    }

    @Test func civilConversionRoundTripsOverFourCenturies() {
        var day: Int64 = -146_097
        while day < 2 * 146_097 {
            let (y, m, d) = BoardCalendar.civil(fromDays: day)
            #expect(BoardCalendar.days(fromCivil: y, m, d) == day)
            day += 37
        }
    }
}
