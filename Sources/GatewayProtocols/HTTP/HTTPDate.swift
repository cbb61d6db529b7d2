// HTTPDate: IMF-fixdate rendering (RFC 9110 §5.6.7, "Sun, 06 Nov 1994 08:49:37 GMT") from Unix time,
// with our own proleptic-Gregorian day arithmetic. Years are clamped to 0001–9999 (four digits).

/// Date formatting for the `Date` header. Pure functions; the encoder caches the result per second.
public enum HTTPDate {
    /// Length of an IMF-fixdate in bytes.
    public static let length = 29

    /// 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z: the range with four-digit years.
    static let earliestSeconds: Int64 = -62_135_596_800
    static let latestSeconds: Int64 = 253_402_300_799

    /// The IMF-fixdate of `unixSeconds` (clamped to years 0001–9999).
    public static func imfFixdate(unixSeconds: Int64) -> String {
        var bytes: [UInt8] = []
        append(unixSeconds: unixSeconds, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends the 29-byte IMF-fixdate of `unixSeconds` (clamped to years 0001–9999).
    public static func append(unixSeconds: Int64, to out: inout [UInt8]) {
        let seconds = min(max(unixSeconds, earliestSeconds), latestSeconds)
        let days = floorDivide(seconds, 86_400)
        let secondOfDay = Int(seconds - days * 86_400)
        let date = civilDate(daysSinceEpoch: days)
        // 1970-01-01 was a Thursday; weekday 0 is Sunday.
        let weekday = Int(floorModulo(days + 4, 7))
        let weekdays: StaticString = "SunMonTueWedThuFriSat"
        let months: StaticString = "JanFebMarAprMayJunJulAugSepOctNovDec"

        out.append(contentsOf: UnsafeBufferPointer(start: weekdays.utf8Start + weekday * 3, count: 3))
        out.append(contentsOf: [0x2C, 0x20])  // ", "
        appendDigits(date.day, count: 2, to: &out)
        out.append(0x20)
        out.append(contentsOf: UnsafeBufferPointer(start: months.utf8Start + (date.month - 1) * 3, count: 3))
        out.append(0x20)
        appendDigits(Int(date.year), count: 4, to: &out)
        out.append(0x20)
        appendDigits(secondOfDay / 3600, count: 2, to: &out)
        out.append(0x3A)
        appendDigits(secondOfDay / 60 % 60, count: 2, to: &out)
        out.append(0x3A)
        appendDigits(secondOfDay % 60, count: 2, to: &out)
        out.append(contentsOf: [0x20, 0x47, 0x4D, 0x54])  // " GMT"
    }

    /// The proleptic Gregorian (year, month 1–12, day 1–31) of a day count from 1970-01-01.
    ///
    /// Method: shift the epoch to 0000-03-01 so that the leap day is the last day of a
    /// "computational year" that starts in March; split the count into 400-year eras (146 097
    /// days each, the Gregorian cycle), then find the year inside the era from its day, correcting
    /// for the 4/100/400 leap rules, then the month from the day of the March-based year using the
    /// 153-days-per-5-months pattern (31+30+31+30+31) that March–January follows.
    public static func civilDate(daysSinceEpoch: Int64) -> (year: Int64, month: Int, day: Int) {
        // Days from 0000-03-01 to 1970-01-01: 719 468.
        let shifted = daysSinceEpoch + 719_468
        let era = floorDivide(shifted, 146_097)
        let dayOfEra = shifted - era * 146_097                                    // 0...146096
        // Leap days before this day of the era: one per 4 years (1460 days), minus one per 100
        // years (36524 days), plus one on the era's last day (146096).
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365  // 0...399
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)  // 0...365, from March 1
        let marchMonth = (5 * dayOfYear + 2) / 153                                 // 0 = March … 11 = February
        let day = Int(dayOfYear - (153 * marchMonth + 2) / 5 + 1)
        let month = Int(marchMonth < 10 ? marchMonth + 3 : marchMonth - 9)
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }

    private static func floorDivide(_ value: Int64, _ divisor: Int64) -> Int64 {
        let quotient = value / divisor
        return value % divisor < 0 ? quotient - 1 : quotient
    }

    private static func floorModulo(_ value: Int64, _ divisor: Int64) -> Int64 {
        let remainder = value % divisor
        return remainder < 0 ? remainder + divisor : remainder
    }

    private static func appendDigits(_ value: Int, count: Int, to out: inout [UInt8]) {
        var divisor = 1
        for _ in 1..<count { divisor *= 10 }
        while divisor > 0 {
            out.append(0x30 + UInt8(value / divisor % 10))
            divisor /= 10
        }
    }
}
