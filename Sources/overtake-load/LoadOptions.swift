// Command-line options of overtake-load: `--key value` pairs read into typed values, with errors
// that name the option. Invariant: every option a command reads is checked once, at start.

/// Why the command line was refused.
enum LoadOptionError: Error, Equatable, CustomStringConvertible {
    /// `--key` was last on the line, without a value.
    case missingValue(option: String)
    /// A value that does not parse as the option's type or range.
    case invalid(option: String, value: String, expected: String)
    /// A required option is absent.
    case required(option: String)
    /// An option the command does not know (likely a typo).
    case unknown(option: String)
    /// A positional word where only `--key value` pairs are allowed.
    case unexpected(word: String)

    var description: String {
        switch self {
        case let .missingValue(option): "--\(option) needs a value"
        case let .invalid(option, value, expected): "--\(option) \(value): expected \(expected)"
        case let .required(option): "--\(option) is required"
        case let .unknown(option): "unknown option --\(option)"
        case let .unexpected(word): "unexpected argument '\(word)' (options are --key value)"
        }
    }
}

/// The `--key value` pairs of one command line. Reading a key marks it known; `checkUnknown`
/// then rejects the rest, so a misspelt option never silently falls back to a default.
struct LoadOptions {
    private var values: [String: String] = [:]
    private var known: Set<String> = []

    init(_ arguments: [String]) throws(LoadOptionError) {
        var i = 0
        while i < arguments.count {
            let word = arguments[i]
            guard word.hasPrefix("--"), word.count > 2 else { throw .unexpected(word: word) }
            let key = String(word.dropFirst(2))
            guard i + 1 < arguments.count else { throw .missingValue(option: key) }
            values[key] = arguments[i + 1]
            i += 2
        }
    }

    /// The raw value of `key`, nil when absent.
    mutating func string(_ key: String) -> String? {
        known.insert(key)
        return values[key]
    }

    mutating func string(_ key: String, default fallback: String) -> String {
        string(key) ?? fallback
    }

    mutating func requiredString(_ key: String) throws(LoadOptionError) -> String {
        guard let value = string(key) else { throw .required(option: key) }
        return value
    }

    /// An integer in `range`; `fallback` when absent (nil fallback: required).
    mutating func int(_ key: String, default fallback: Int?, range: ClosedRange<Int>) throws(LoadOptionError) -> Int {
        guard let text = string(key) else {
            guard let fallback else { throw .required(option: key) }
            return fallback
        }
        guard let value = Int(text), range.contains(value) else {
            throw .invalid(option: key, value: text, expected: "an integer in \(range.lowerBound)…\(range.upperBound)")
        }
        return value
    }

    /// A finite number in `range`; `fallback` when absent (nil fallback: required).
    mutating func double(_ key: String, default fallback: Double?, range: ClosedRange<Double>) throws(LoadOptionError) -> Double {
        guard let text = string(key) else {
            guard let fallback else { throw .required(option: key) }
            return fallback
        }
        guard let value = Double(text), value.isFinite, range.contains(value) else {
            throw .invalid(option: key, value: text, expected: "a number in \(range.lowerBound)…\(range.upperBound)")
        }
        return value
    }

    /// Rejects options no reader asked for.
    func checkUnknown() throws(LoadOptionError) {
        if let extra = values.keys.sorted().first(where: { !known.contains($0) }) { throw .unknown(option: extra) }
    }
}
