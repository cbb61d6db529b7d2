// The two outputs of every command: human lines on stdout as the run goes, and one final JSON
// line (`{"command":…}`) that scripts parse. Numbers are formatted without Foundation.
import GatewayProtocols

struct LoadReport {
    private var writer = JSONWriter(capacity: 2048)

    init(command: String) {
        writer.beginObject()
        writer.key("command"); writer.string(command)
    }

    mutating func add(_ key: String, _ value: Int) {
        writer.key(key); writer.int(value)
    }

    mutating func add(_ key: String, _ value: Double) {
        writer.key(key)
        if value.isFinite {
            writer.raw(Array(Self.fixed(value, 3).utf8))
        } else {
            writer.null()
        }
    }

    mutating func add(_ key: String, _ value: String) {
        writer.key(key); writer.string(value)
    }

    mutating func add(_ key: String, milliseconds histogram: LatencyHistogram) {
        add("\(key)_count", Int(histogram.count))
        add("\(key)_p50_ms", Self.ms(histogram.quantile(0.5)))
        add("\(key)_p99_ms", Self.ms(histogram.quantile(0.99)))
        add("\(key)_p999_ms", Self.ms(histogram.quantile(0.999)))
        add("\(key)_max_ms", Self.ms(histogram.max))
    }

    /// Prints the JSON line (the last line of the command's output).
    func printLine() {
        var w = writer
        w.endObject()
        print(String(decoding: w.bytes, as: UTF8.self))
    }

    static func ms(_ nanoseconds: UInt64) -> Double { Double(nanoseconds) / 1e6 }

    /// `value` with `digits` decimals (rounded half away from zero).
    static func fixed(_ value: Double, _ digits: Int) -> String {
        guard value.isFinite else { return "\(value)" }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let scaled = (abs(value) * scale).rounded()
        guard scaled < 9e18 else { return "\(value)" }
        let n = UInt64(scaled)
        let whole = n / UInt64(scale)
        var text = (value < 0 && n != 0 ? "-" : "") + "\(whole)"
        if digits > 0 {
            let fraction = String(n % UInt64(scale))
            text += "." + String(repeating: "0", count: digits - fraction.count) + fraction
        }
        return text
    }

    /// "p50 1.23 ms, p99 4.56 ms, p99.9 7.89 ms, max 9.99 ms (n=…)".
    static func describe(_ h: LatencyHistogram) -> String {
        guard h.count > 0 else { return "no samples" }
        return "p50 \(fixed(ms(h.quantile(0.5)), 2)) ms, p99 \(fixed(ms(h.quantile(0.99)), 2)) ms, "
            + "p99.9 \(fixed(ms(h.quantile(0.999)), 2)) ms, max \(fixed(ms(h.max), 2)) ms (n=\(h.count))"
    }

    /// Thousands with a thin grouping: 1234567 → "1,234,567".
    static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return (value < 0 ? "-" : "") + out
    }
}
