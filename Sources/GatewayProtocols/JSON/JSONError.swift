// JSONError: why a JSON document (or a value in it) was rejected, with the byte offset of the
// fault, so a 400/422 answer can say exactly where ("offset 17: leading zero in number").

/// The kind of a JSON value, as seen by `JSONReader.peekKind()`.
public enum JSONValueKind: String, Sendable, Equatable {
    case object, array, string, number, bool, null
}

/// A rejected document or value. `offset` is 0-based from the start of the reader's input range.
public struct JSONError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Reason: Equatable, Sendable {
        /// The input ended inside a value.
        case unexpectedEnd
        /// A byte that cannot appear here; `expected` says what could ("value", "',' or '}'").
        case unexpectedByte(UInt8, expected: String)
        /// A number not matching the RFC 8259 grammar ("1.", "-", "1e", "+1").
        case invalidNumber
        /// A number with a superfluous leading zero ("01", "-00").
        case leadingZero
        /// An integer literal outside Int64 (reported by `readInt64`; the DOM reads it as Double).
        case integerOutOfRange
        /// `readInt64` met a number with a fraction or exponent that is not an exact integer.
        case notAnInteger
        /// A number too large for a finite Double ("1e400").
        case numberOutOfRange
        /// A string holds bytes that are not well-formed UTF-8 (overlong, surrogate, truncated…).
        case invalidUTF8
        /// An unescaped control character (below U+0020) inside a string.
        case controlCharacterInString
        /// A backslash not followed by a valid escape.
        case invalidEscape
        /// A `\uD800`–`\uDFFF` escape not forming a high+low surrogate pair.
        case loneSurrogate
        /// Containers nested deeper than the reader's limit.
        case depthLimitExceeded(limit: Int)
        /// Something other than whitespace after the top-level value.
        case trailingData
        /// The same member name twice in one object (DOM parsing only).
        case duplicateKey(String)
        /// The caller asked for one kind and the document has another.
        case typeMismatch(expected: JSONValueKind, found: JSONValueKind)
        /// The caller's decoder rejected a well-formed value (e.g. "score out of range").
        case invalidValue(String)
    }

    public let offset: Int
    public let reason: Reason

    public init(offset: Int, reason: Reason) {
        self.offset = offset
        self.reason = reason
    }

    /// "offset 17: leading zero in number".
    public var description: String { "offset \(offset): \(reasonText)" }

    private var reasonText: String {
        switch reason {
        case .unexpectedEnd: "unexpected end of input"
        case .unexpectedByte(let byte, let expected): "unexpected \(Self.render(byte)), expected \(expected)"
        case .invalidNumber: "invalid number"
        case .leadingZero: "leading zero in number"
        case .integerOutOfRange: "integer out of Int64 range"
        case .notAnInteger: "number is not an integer"
        case .numberOutOfRange: "number out of range"
        case .invalidUTF8: "invalid UTF-8 in string"
        case .controlCharacterInString: "unescaped control character in string"
        case .invalidEscape: "invalid escape sequence"
        case .loneSurrogate: "unpaired UTF-16 surrogate escape"
        case .depthLimitExceeded(let limit): "nesting deeper than \(limit)"
        case .trailingData: "unexpected data after the JSON value"
        case .duplicateKey(let key): "duplicate key \"\(key)\""
        case .typeMismatch(let expected, let found): "expected \(expected.rawValue), found \(found.rawValue)"
        case .invalidValue(let message): message
        }
    }

    private static func render(_ byte: UInt8) -> String {
        if byte >= 0x21 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        let digits = Array("0123456789abcdef")
        return "byte 0x\(digits[Int(byte >> 4)])\(digits[Int(byte & 0x0F)])"
    }
}
