// HTTPDateTests: IMF-fixdate rendering against known dates (checked with Python's
// email.utils.formatdate) and against a naive day-by-day calendar walk.
import GatewayProtocols
import Testing

@Suite struct HTTPDateTests {
    @Test(arguments: [
        (Int64(0), "Thu, 01 Jan 1970 00:00:00 GMT"),
        (784_111_777, "Sun, 06 Nov 1994 08:49:37 GMT"),  // the example of RFC 9110 §5.6.7
        (951_782_400, "Tue, 29 Feb 2000 00:00:00 GMT"),  // 2000 is a leap year (divisible by 400)
        (951_868_799, "Tue, 29 Feb 2000 23:59:59 GMT"),
        (1_709_164_800, "Thu, 29 Feb 2024 00:00:00 GMT"),
        (4_107_542_399, "Sun, 28 Feb 2100 23:59:59 GMT"),  // 2100 is not (divisible by 100)
        (4_107_542_400, "Mon, 01 Mar 2100 00:00:00 GMT"),
        (1_735_689_599, "Tue, 31 Dec 2024 23:59:59 GMT"),
        (1_234_567_890, "Fri, 13 Feb 2009 23:31:30 GMT"),
        (2_147_483_647, "Tue, 19 Jan 2038 03:14:07 GMT"),
        (-1, "Wed, 31 Dec 1969 23:59:59 GMT"),
        (-2_208_988_800, "Mon, 01 Jan 1900 00:00:00 GMT"),
        (-62_135_596_800, "Mon, 01 Jan 0001 00:00:00 GMT"),
        (253_402_300_799, "Fri, 31 Dec 9999 23:59:59 GMT"),
    ])
    func formatsKnownDates(_ seconds: Int64, _ expected: String) {
        #expect(HTTPDate.imfFixdate(unixSeconds: seconds) == expected)
    }

    @Test func clampsToFourDigitYears() {
        #expect(HTTPDate.imfFixdate(unixSeconds: .max) == "Fri, 31 Dec 9999 23:59:59 GMT")
        #expect(HTTPDate.imfFixdate(unixSeconds: .min) == "Mon, 01 Jan 0001 00:00:00 GMT")
    }

    @Test func civilDatesMatchANaiveCalendarWalkFrom1900To2200() {
        // Walk day by day with the leap rule spelled out, independent of the era arithmetic.
        var year: Int64 = 1900
        var month = 1
        var day = 1
        var days: Int64 = -25_567  // 1900-01-01 relative to 1970-01-01
        while year < 2200 {
            let date = HTTPDate.civilDate(daysSinceEpoch: days)
            guard date == (year, month, day) else {
                Issue.record("day \(days): got \(date), expected \((year, month, day))")
                return
            }
            let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
            let monthLength = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
            days += 1
            day += 1
            if day > monthLength {
                day = 1
                month += 1
                if month > 12 {
                    month = 1
                    year += 1
                }
            }
        }
    }

    @Test func encoderCachesTheDatePerSecond() {
        var encoder = HTTPResponseEncoder(unixSeconds: 784_111_777)
        #expect(encoder.dateHeaderValue == "Sun, 06 Nov 1994 08:49:37 GMT")
        encoder.updateClock(unixSeconds: 784_111_778)
        #expect(encoder.dateHeaderValue == "Sun, 06 Nov 1994 08:49:38 GMT")
    }
}
