// JSONReader: a strict RFC 8259 pull parser over a byte array, for decoding known shapes without
// building a tree. Invariant: `index` is always at a token boundary inside `start...end`;
// `firstInContainer` is true only right after `{` or `[` (see nextKey/nextElement).

/// Pull parser over `bytes[range]`. Typical use:
///
///     var reader = JSONReader(body)
///     try reader.readObject { reader, key throws(JSONError) in
///         switch key {
///         case "player": player = try reader.readString()
///         case "score": score = try reader.readInt64()
///         default: try reader.skipValue()
///         }
///     }
///     try reader.finish()
///
/// Strict: no trailing commas, comments, leading zeros, NaN/Infinity, or non-JSON whitespace;
/// strings must be valid UTF-8 with valid escapes (surrogate pairs combined, lone surrogates
/// rejected); nesting deeper than `maxDepth` is an error. Offsets in errors are 0-based from the
/// start of the range. The input array is shared, not copied.
public struct JSONReader: Sendable {
    let input: [UInt8]
    let start: Int
    let end: Int
    var index: Int
    /// Deepest container nesting accepted (64 by default): `[[1]]` has depth 2. `skipValue` and
    /// `readValue` recurse once per level, so keep it in the hundreds at most.
    public let maxDepth: Int
    /// Containers currently open.
    public private(set) var depth = 0
    var firstInContainer = false
    /// Offset of the last key returned by `nextKey()` (for error reports).
    var lastKeyOffset = 0
    /// Reused for strings with escapes.
    var scratch: [UInt8] = []

    /// A reader over all of `bytes`.
    public init(_ bytes: [UInt8], maxDepth: Int = 64) {
        self.init(bytes, range: 0..<bytes.count, maxDepth: maxDepth)
    }

    /// A reader over `bytes[range]` (e.g. one NDJSON line). Precondition: `range` lies in `bytes`.
    public init(_ bytes: [UInt8], range: Range<Int>, maxDepth: Int = 64) {
        precondition(range.lowerBound >= 0 && range.upperBound <= bytes.count, "range outside the input")
        precondition(maxDepth > 0, "maxDepth must be positive")
        input = bytes
        start = range.lowerBound
        end = range.upperBound
        index = range.lowerBound
        self.maxDepth = maxDepth
    }

    /// Current position, 0-based from the start of the range.
    public var offset: Int { index - start }

    /// An `.invalidValue` error at the current position, for callers rejecting a decoded value.
    public func error(_ message: String) -> JSONError {
        JSONError(offset: offset, reason: .invalidValue(message))
    }

    func fail(_ reason: JSONError.Reason, at absoluteIndex: Int) -> JSONError {
        JSONError(offset: absoluteIndex - start, reason: reason)
    }

    // MARK: Tokens

    /// Skips JSON whitespace (SP, HTAB, LF, CR only).
    @inline(__always)
    mutating func skipWhitespace() {
        while index < end {
            switch input[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    /// The next non-whitespace byte, not consumed; throws at the end of input.
    mutating func peekByte() throws(JSONError) -> UInt8 {
        skipWhitespace()
        guard index < end else { throw fail(.unexpectedEnd, at: index) }
        return input[index]
    }

    /// The kind of the next value, without consuming it.
    public mutating func peekKind() throws(JSONError) -> JSONValueKind {
        let byte = try peekByte()
        switch byte {
        case 0x7B: return .object
        case 0x5B: return .array
        case 0x22: return .string
        case 0x2D, 0x30...0x39: return .number
        case 0x74, 0x66: return .bool
        case 0x6E: return .null
        default: throw fail(.unexpectedByte(byte, expected: "value"), at: index)
        }
    }

    /// Checks the next value is of `kind` (after whitespace), else `.typeMismatch`.
    mutating func expectKind(_ kind: JSONValueKind) throws(JSONError) {
        let found = try peekKind()
        guard found == kind else { throw fail(.typeMismatch(expected: kind, found: found), at: index) }
    }

    /// Consumes the exact ASCII `literal` at `index`.
    mutating func consumeLiteral(_ literal: StaticString) throws(JSONError) {
        let count = literal.utf8CodeUnitCount
        for offset in 0..<count {
            let position = index + offset
            guard position < end else { throw fail(.unexpectedEnd, at: position) }
            let wanted = literal.utf8Start[offset]
            guard input[position] == wanted else {
                throw fail(.unexpectedByte(input[position], expected: "'\(literal)'"), at: position)
            }
        }
        index += count
    }

    // MARK: Containers

    /// Consumes `{`. Follow with `nextKey()` until it returns nil.
    public mutating func beginObject() throws(JSONError) {
        try expectKind(.object)
        try enterContainer()
    }

    /// Consumes `[`. Follow with `nextElement()` until it returns false.
    public mutating func beginArray() throws(JSONError) {
        try expectKind(.array)
        try enterContainer()
    }

    private mutating func enterContainer() throws(JSONError) {
        guard depth < maxDepth else { throw fail(.depthLimitExceeded(limit: maxDepth), at: index) }
        depth += 1
        index += 1
        firstInContainer = true
    }

    /// The next member name of the current object, with its `:` consumed (read or skip its value
    /// next), or nil after consuming the closing `}`.
    public mutating func nextKey() throws(JSONError) -> String? {
        guard try atElementSeparator(closing: 0x7D, expected: "',' or '}'") else { return nil }
        let byte = try peekByte()
        guard byte == 0x22 else { throw fail(.unexpectedByte(byte, expected: "string key"), at: index) }
        lastKeyOffset = offset
        let key = try scanString()
        let colon = try peekByte()
        guard colon == 0x3A else { throw fail(.unexpectedByte(colon, expected: "':'"), at: index) }
        index += 1
        return key
    }

    /// True when another array element follows (read or skip it next); false after consuming `]`.
    public mutating func nextElement() throws(JSONError) -> Bool {
        try atElementSeparator(closing: 0x5D, expected: "',' or ']'")
    }

    /// Consumes a `,` between elements or the closing byte. Returns false when the container ended.
    private mutating func atElementSeparator(closing: UInt8, expected: String) throws(JSONError) -> Bool {
        let byte = try peekByte()
        if firstInContainer {
            firstInContainer = false
            guard byte == closing else { return true }
        } else if byte == 0x2C {
            index += 1
            return true
        } else if byte != closing {
            throw fail(.unexpectedByte(byte, expected: expected), at: index)
        }
        index += 1
        depth -= 1
        return false
    }

    /// Reads one object, calling `body` once per member with its key; `body` must consume exactly
    /// the member's value (read it or `skipValue()`).
    public mutating func readObject(_ body: (inout JSONReader, String) throws(JSONError) -> Void) throws(JSONError) {
        try beginObject()
        while let key = try nextKey() { try body(&self, key) }
    }

    /// Reads one array, calling `body` once per element; `body` must consume exactly one value.
    public mutating func readArray(_ body: (inout JSONReader) throws(JSONError) -> Void) throws(JSONError) {
        try beginArray()
        while try nextElement() { try body(&self) }
    }

    // MARK: Scalars

    public mutating func readString() throws(JSONError) -> String {
        try expectKind(.string)
        return try scanString()
    }

    public mutating func readBool() throws(JSONError) -> Bool {
        try expectKind(.bool)
        if input[index] == 0x74 {
            try consumeLiteral("true")
            return true
        }
        try consumeLiteral("false")
        return false
    }

    public mutating func readNull() throws(JSONError) {
        try expectKind(.null)
        try consumeLiteral("null")
    }

    /// Consumes a `null` and returns true, or returns false leaving a non-null value unread.
    public mutating func readNullIfPresent() throws(JSONError) -> Bool {
        guard try peekKind() == .null else { return false }
        try consumeLiteral("null")
        return true
    }

    /// Skips one complete value of any kind, validating its syntax (strings are UTF-8 checked).
    /// Numbers are checked against the grammar only, not converted: "1e400" skips fine.
    public mutating func skipValue() throws(JSONError) {
        switch try peekKind() {
        case .object:
            try beginObject()
            while try nextKey() != nil { try skipValue() }
        case .array:
            try beginArray()
            while try nextElement() { try skipValue() }
        case .string: try skipString()
        case .number: _ = try scanNumber()
        case .bool: _ = try readBool()
        case .null: try consumeLiteral("null")
        }
    }

    /// Checks that only whitespace remains after the top-level value.
    public mutating func finish() throws(JSONError) {
        skipWhitespace()
        guard index == end else { throw fail(.trailingData, at: index) }
    }
}
