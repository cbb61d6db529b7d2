// Logging: one line per event to stderr, with UTC time and level. A line is written with a
// single write(2), so lines from different threads never interleave.
import Glibc
import GatewayProtocols

public struct Log: Sendable {
    public let level: LogLevel
    private let clock: @Sendable () -> Int64

    /// `clock` returns Unix nanoseconds (injected for tests).
    public init(level: LogLevel, clock: @escaping @Sendable () -> Int64 = WallClock.nanoseconds) {
        self.level = level
        self.clock = clock
    }

    public func debug(_ message: @autoclosure () -> String) { write(.debug, message) }
    public func info(_ message: @autoclosure () -> String) { write(.info, message) }
    public func warning(_ message: @autoclosure () -> String) { write(.warning, message) }
    public func error(_ message: @autoclosure () -> String) { write(.error, message) }

    private func write(_ severity: LogLevel, _ message: () -> String) {
        guard severity >= level else { return }
        var line = WallClock.iso8601(nanoseconds: clock()) + " " + severity.rawValue.uppercased() + " " + message() + "\n"
        line.withUTF8 { _ = Glibc.write(2, $0.baseAddress, $0.count) }
    }
}

/// The real wall clock, and formatting of its readings.
public enum WallClock {
    /// Unix time in nanoseconds.
    @Sendable public static func nanoseconds() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
    }

    /// `2026-11-23T17:27:09.123Z`.
    public static func iso8601(nanoseconds ns: Int64) -> String {
        let ms = ns / 1_000_000
        let seconds = ms / 1000
        let day = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - day * 86_400
        let date = HTTPDate.civilDate(daysSinceEpoch: day)
        let (y, m, d) = (date.year, Int64(date.month), Int64(date.day))
        func pad(_ v: Int64, _ w: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, w - s.count)) + s
        }
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))T\(pad(secondOfDay / 3600, 2)):\(pad(secondOfDay / 60 % 60, 2)):"
            + "\(pad(secondOfDay % 60, 2)).\(pad((ms % 1000 + 1000) % 1000, 3))Z"
    }
}
