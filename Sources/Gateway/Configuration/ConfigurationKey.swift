// One configuration key: its dotted path, type, unit and documentation, and how to apply a JSON
// value to the typed configuration. Keys are declared once in ConfigurationSchema.
import GatewayProtocols

struct ConfigurationKey: Sendable {
    enum Kind: Sendable {
        case integer(ClosedRange<Int64>)
        case string
        case boolean
        case choice([String])
        case strings
        case boards
    }

    let path: String
    let kind: Kind
    let unit: String
    let help: String
    let apply: @Sendable (inout GatewayConfiguration, JSONValue) throws(ConfigurationError) -> Void
    let current: @Sendable (GatewayConfiguration) -> String

    /// Environment variable overriding this key: OVERTAKE_ + path with '.' → '_', upper-cased.
    var environmentName: String {
        "OVERTAKE_" + path.uppercased().map { $0 == "." ? "_" : $0 }.map(String.init).joined()
    }

    var typeDescription: String {
        switch kind {
        case let .integer(r): "integer \(r.lowerBound)…\(r.upperBound == .max ? "∞" : String(r.upperBound))"
        case .string: "string"
        case .boolean: "boolean"
        case let .choice(options): options.joined(separator: " | ")
        case .strings: "list of strings"
        case .boards: "list of board definitions"
        }
    }

    /// Converts a command-line or environment text to the JSON value this key takes.
    func value(fromText text: String) throws(ConfigurationError) -> JSONValue {
        switch kind {
        case .integer:
            guard let n = Int64(text) else { throw ConfigurationError(path, "expected an integer, got '\(text)'") }
            return .int(n)
        case .boolean:
            switch text.lowercased() {
            case "true", "1", "yes", "on": return .bool(true)
            case "false", "0", "no", "off": return .bool(false)
            default: throw ConfigurationError(path, "expected true or false, got '\(text)'")
            }
        case .string, .choice: return .string(text)
        case .strings:
            return .array(text.split(separator: ",").map { .string(String($0).trimmingSpaces) })
        case .boards:
            do { return try JSONValue(parsing: Array(text.utf8)) } catch { throw ConfigurationError(path, "invalid JSON: \(error)") }
        }
    }

    // MARK: Builders

    static func int(_ path: String, _ keyPath: WritableKeyPath<GatewayConfiguration, Int> & Sendable,
                    _ range: ClosedRange<Int64>, unit: String = "", _ help: String) -> ConfigurationKey {
        ConfigurationKey(path: path, kind: .integer(range), unit: unit, help: help, apply: { c, v throws(ConfigurationError) in
            guard case let .int(n) = v, range.contains(n) else {
                throw ConfigurationError(path, "expected an integer in \(range.lowerBound)…\(range.upperBound), got \(v.describedBriefly)")
            }
            c[keyPath: keyPath] = Int(n)
        }, current: { String($0[keyPath: keyPath]) })
    }

    static func int64(_ path: String, _ keyPath: WritableKeyPath<GatewayConfiguration, Int64> & Sendable,
                      _ range: ClosedRange<Int64>, unit: String = "", _ help: String) -> ConfigurationKey {
        ConfigurationKey(path: path, kind: .integer(range), unit: unit, help: help, apply: { c, v throws(ConfigurationError) in
            guard case let .int(n) = v, range.contains(n) else {
                throw ConfigurationError(path, "expected an integer in \(range.lowerBound)…\(range.upperBound), got \(v.describedBriefly)")
            }
            c[keyPath: keyPath] = n
        }, current: { String($0[keyPath: keyPath]) })
    }

    static func string(_ path: String, _ keyPath: WritableKeyPath<GatewayConfiguration, String> & Sendable,
                       _ help: String) -> ConfigurationKey {
        ConfigurationKey(path: path, kind: .string, unit: "", help: help, apply: { c, v throws(ConfigurationError) in
            guard let s = v.stringValue else { throw ConfigurationError(path, "expected a string, got \(v.describedBriefly)") }
            c[keyPath: keyPath] = s
        }, current: { "\"\($0[keyPath: keyPath])\"" })
    }

    static func bool(_ path: String, _ keyPath: WritableKeyPath<GatewayConfiguration, Bool> & Sendable,
                     _ help: String) -> ConfigurationKey {
        ConfigurationKey(path: path, kind: .boolean, unit: "", help: help, apply: { c, v throws(ConfigurationError) in
            guard let b = v.boolValue else { throw ConfigurationError(path, "expected true or false, got \(v.describedBriefly)") }
            c[keyPath: keyPath] = b
        }, current: { String($0[keyPath: keyPath]) })
    }

    static func strings(_ path: String, _ keyPath: WritableKeyPath<GatewayConfiguration, [String]> & Sendable,
                        _ help: String) -> ConfigurationKey {
        ConfigurationKey(path: path, kind: .strings, unit: "", help: help, apply: { c, v throws(ConfigurationError) in
            guard let items = v.arrayValue else { throw ConfigurationError(path, "expected a list of strings, got \(v.describedBriefly)") }
            var out: [String] = []
            for (i, item) in items.enumerated() {
                guard let s = item.stringValue else { throw ConfigurationError("\(path)[\(i)]", "expected a string") }
                out.append(s)
            }
            c[keyPath: keyPath] = out
        }, current: { "[" + $0[keyPath: keyPath].map { "\"\($0)\"" }.joined(separator: ", ") + "]" })
    }

    static func choice<T: RawRepresentable & CaseIterable & Sendable>(
        _ path: String, _ keyPath: WritableKeyPath<GatewayConfiguration, T> & Sendable, _ help: String
    ) -> ConfigurationKey where T.RawValue == String {
        let options = T.allCases.map(\.rawValue)
        return ConfigurationKey(path: path, kind: .choice(options), unit: "", help: help, apply: { c, v throws(ConfigurationError) in
            guard let s = v.stringValue, let value = T(rawValue: s) else {
                throw ConfigurationError(path, "expected one of \(options.joined(separator: ", ")), got \(v.describedBriefly)")
            }
            c[keyPath: keyPath] = value
        }, current: { "\"\($0[keyPath: keyPath].rawValue)\"" })
    }
}

extension JSONValue {
    /// A short rendering for error messages.
    var describedBriefly: String {
        switch self {
        case .null: "null"
        case let .bool(b): String(b)
        case let .int(i): String(i)
        case let .double(d): String(d)
        case let .string(s): "\"\(s.count > 40 ? String(s.prefix(40)) + "…" : s)\""
        case .array: "an array"
        case .object: "an object"
        }
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while s.first == " " { s.removeFirst() }
        while s.last == " " { s.removeLast() }
        return String(s)
    }
}
