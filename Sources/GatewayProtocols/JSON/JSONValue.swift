// JSONValue: a small JSON document tree for configuration files and other non-hot paths, parsed by
// JSONReader and written by JSONWriter. Objects keep member order; duplicate names are rejected.

/// A JSON value. Numbers keep the reader's distinction: `.int` for integer literals within Int64,
/// `.double` for everything else. Object members keep document order; `JSONValue(parsing:)`
/// rejects duplicate names (`.duplicateKey`), so member names are unique in parsed values.
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])

    /// Parses one complete document (surrounding whitespace allowed, nothing else).
    public init(parsing bytes: [UInt8], maxDepth: Int = 64) throws(JSONError) {
        var reader = JSONReader(bytes, maxDepth: maxDepth)
        self = try reader.readValue()
        try reader.finish()
    }

    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): true
        case (.bool(let a), .bool(let b)): a == b
        case (.int(let a), .int(let b)): a == b
        case (.double(let a), .double(let b)): a == b
        case (.string(let a), .string(let b)): a == b
        case (.array(let a), .array(let b)): a == b
        case (.object(let a), .object(let b)): a.count == b.count && zip(a, b).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: false
        }
    }

    /// The kind of this value.
    public var kind: JSONValueKind {
        switch self {
        case .null: .null
        case .bool: .bool
        case .int, .double: .number
        case .string: .string
        case .array: .array
        case .object: .object
        }
    }

    /// The value of member `key` of an object (nil for other kinds or a missing member). O(n).
    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.0 == key }?.1
    }

    public var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    /// The integer of an `.int`, or of a `.double` that is an exact integer within Int64.
    public var int64Value: Int64? {
        switch self {
        case .int(let value): return value
        case .double(let value): return exactInt64(value)
        default: return nil
        }
    }

    /// The number as a Double (integers converted, possibly rounded beyond 2^53).
    public var doubleValue: Double? {
        switch self {
        case .int(let value): Double(value)
        case .double(let value): value
        default: nil
        }
    }

    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    public var arrayValue: [JSONValue]? {
        if case .array(let value) = self { return value }
        return nil
    }

    public var objectValue: [(String, JSONValue)]? {
        if case .object(let value) = self { return value }
        return nil
    }
}

extension JSONReader {
    /// Reads the next value as a tree. Recursion depth is bounded by `maxDepth`.
    /// Duplicate member names → `.duplicateKey` at the second occurrence.
    public mutating func readValue() throws(JSONError) -> JSONValue {
        switch try peekKind() {
        case .object:
            try beginObject()
            var members: [(String, JSONValue)] = []
            var seen = Set<String>()
            while let key = try nextKey() {
                let keyOffset = lastKeyOffset
                // Small objects: a linear scan beats hashing; from 16 members on, a set of names.
                let duplicate: Bool
                if members.count < 16 {
                    duplicate = members.contains { $0.0 == key }
                } else {
                    if seen.isEmpty { seen = Set(members.map(\.0)) }
                    duplicate = !seen.insert(key).inserted
                }
                guard !duplicate else { throw JSONError(offset: keyOffset, reason: .duplicateKey(key)) }
                members.append((key, try readValue()))
            }
            return .object(members)
        case .array:
            try beginArray()
            var elements: [JSONValue] = []
            while try nextElement() { elements.append(try readValue()) }
            return .array(elements)
        case .string: return .string(try readString())
        case .number:
            switch try readNumber() {
            case .int(let value): return .int(value)
            case .double(let value): return .double(value)
            }
        case .bool: return .bool(try readBool())
        case .null:
            try readNull()
            return .null
        }
    }
}

extension JSONWriter {
    /// Writes a whole tree (members in their stored order).
    public mutating func value(_ value: JSONValue) {
        switch value {
        case .null: null()
        case .bool(let flag): bool(flag)
        case .int(let number): int(number)
        case .double(let number): double(number)
        case .string(let text): string(text)
        case .array(let elements):
            beginArray()
            for element in elements { self.value(element) }
            endArray()
        case .object(let members):
            beginObject()
            for (name, member) in members {
                key(name)
                self.value(member)
            }
            endObject()
        }
    }
}
