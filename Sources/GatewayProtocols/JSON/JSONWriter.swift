// JSONWriter: appends RFC 8259 JSON to a reusable byte buffer; separators are placed by the writer.
// Invariant: `needsComma` is true exactly when the next value or key of the current container is
// not its first, which is all the state commas need (a closed container is always a non-first item).

/// A streaming JSON writer. Write keys and values in document order; commas and colons are
/// inserted for you. Misnesting (ending an array with `endObject`, a key outside an object) is a
/// programmer error and is not checked beyond the depth count.
///
/// Reuse one writer per thread: `reset()` keeps the buffer's capacity, so steady-state writing
/// does not allocate. Strings are written as UTF-8 with `"`, `\` and C0 controls escaped
/// (`\b \f \n \r \t` short forms, others as `\u00XX`); everything else, including non-ASCII, is
/// copied as is. Non-finite doubles (which JSON cannot represent) are written as `null`.
public struct JSONWriter: Sendable {
    /// The document written so far.
    public private(set) var bytes: [UInt8]
    private var needsComma = false
    /// Open containers; only used to catch unbalanced `end…` calls.
    public private(set) var depth = 0

    /// An empty writer with room for `capacity` bytes.
    public init(capacity: Int = 256) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// An empty writer that reuses `buffer`'s storage (its contents are discarded).
    public init(reusing buffer: [UInt8]) {
        bytes = buffer
        bytes.removeAll(keepingCapacity: true)
    }

    /// Discards the document, keeping the capacity.
    public mutating func reset() {
        bytes.removeAll(keepingCapacity: true)
        needsComma = false
        depth = 0
    }

    /// Takes the pending separator: true when a comma must precede the next item.
    @inline(__always)
    private mutating func takeComma() -> Bool {
        defer { needsComma = true }
        return needsComma
    }

    public mutating func beginObject() {
        openContainer(0x7B)
    }

    public mutating func endObject() {
        closeContainer(0x7D)
    }

    public mutating func beginArray() {
        openContainer(0x5B)
    }

    public mutating func endArray() {
        closeContainer(0x5D)
    }

    private mutating func openContainer(_ bracket: UInt8) {
        let comma = takeComma()
        bytes.append(addingCapacity: 2) { span in
            if comma { span.append(0x2C) }
            span.append(bracket)
        }
        needsComma = false
        depth += 1
    }

    private mutating func closeContainer(_ bracket: UInt8) {
        precondition(depth > 0, "end of a container that was not begun")
        bytes.append(bracket)
        needsComma = true
        depth -= 1
    }

    /// An object member name; the value written next belongs to it.
    public mutating func key(_ name: String) {
        appendString(name, comma: takeComma(), colon: true)
        needsComma = false
    }

    public mutating func string(_ value: String) {
        appendString(value, comma: takeComma(), colon: false)
    }

    public mutating func int(_ value: Int64) {
        let comma = takeComma()
        bytes.append(addingCapacity: 22) { span in
            if comma { span.append(0x2C) }
            if value < 0 { span.append(0x2D) }
            span.appendDecimal(value.magnitude)
        }
    }

    public mutating func int(_ value: Int) {
        int(Int64(value))
    }

    public mutating func uint(_ value: UInt64) {
        let comma = takeComma()
        bytes.append(addingCapacity: 21) { span in
            if comma { span.append(0x2C) }
            span.appendDecimal(value)
        }
    }

    /// Shortest representation that reads back to the same Double (Swift's `description`, which
    /// is valid JSON for finite values: "1.0", "1e-05", "1.7976931348623157e+308"). Non-finite → `null`.
    public mutating func double(_ value: Double) {
        guard value.isFinite else { return null() }
        var text = value.description
        let comma = takeComma()
        text.withUTF8 { utf8 in
            bytes.append(addingCapacity: utf8.count + 1) { span in
                if comma { span.append(0x2C) }
                span.appendBytes(UnsafeRawBufferPointer(utf8))
            }
        }
    }

    public mutating func bool(_ value: Bool) {
        appendLiteral(value ? "true" : "false")
    }

    public mutating func null() {
        appendLiteral("null")
    }

    private mutating func appendLiteral(_ literal: StaticString) {
        let comma = takeComma()
        bytes.append(addingCapacity: 6) { span in
            if comma { span.append(0x2C) }
            span.appendBytes(UnsafeRawBufferPointer(literal))
        }
    }

    /// Inserts pre-encoded JSON as one value (e.g. a cached top-100 array). Precondition, not
    /// checked: `json` is exactly one valid JSON value.
    public mutating func raw(_ json: UnsafeRawBufferPointer) {
        let comma = takeComma()
        bytes.append(addingCapacity: json.count + 1) { span in
            if comma { span.append(0x2C) }
            span.appendBytes(json)
        }
    }

    /// Inserts pre-encoded JSON as one value; see `raw(_:)`.
    public mutating func raw(_ json: [UInt8]) {
        json.withUnsafeBytes { raw($0) }
    }

    /// Appends `"text"` (plus a leading comma and a trailing colon when asked) in one reservation:
    /// a first pass counts the extra bytes escapes need, the second copies unescaped runs in bulk.
    private mutating func appendString(_ text: String, comma: Bool, colon: Bool) {
        var text = text
        text.withUTF8 { utf8 in
            let raw = UnsafeRawBufferPointer(utf8)
            let extra = Self.escapeOverhead(raw)
            bytes.append(addingCapacity: raw.count + extra + 4) { span in
                if comma { span.append(0x2C) }
                span.append(0x22)
                if extra == 0 {
                    span.appendBytes(raw)
                } else {
                    span.appendEscaped(raw)
                }
                span.append(0x22)
                if colon { span.append(0x3A) }
            }
        }
    }

    /// Bytes that escaping adds to `text`: 1 for a two-character escape, 5 for `\u00XX`.
    /// Clean 8-byte words are skipped with a SWAR test; from the first dirty word on (and for the
    /// tail), bytes are counted one by one.
    @inline(__always)
    private static func escapeOverhead(_ text: UnsafeRawBufferPointer) -> Int {
        var index = 0
        while index + 8 <= text.count {
            if needsEscape(text.loadUnaligned(fromByteOffset: index, as: UInt64.self)) { break }
            index += 8
        }
        var extra = 0
        while index < text.count {
            let byte = text[index]
            if byte < 0x20 || byte == 0x22 || byte == 0x5C {
                extra += OutputSpan<UInt8>.shortEscape(byte) == nil ? 5 : 1
            }
            index += 1
        }
        return extra
    }

    /// True when some byte of `word` is `"`, `\\` or below 0x20. SWAR (bit tricks on a UInt64):
    /// a byte b is zero iff `(b - 1) & ~b` has its high bit set, and below 0x20 iff
    /// `(b - 0x20) & ~b` does; borrows can only add false hits above a true one, so "any" is exact.
    @inline(__always)
    private static func needsEscape(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let quote = word ^ (ones &* 0x22)
        let backslash = word ^ (ones &* 0x5C)
        let control = (word &- ones &* 0x20) & ~word
        return (control | ((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash)) & (ones &* 0x80) != 0
    }
}

extension OutputSpan where Element == UInt8 {
    /// Copies `source` into the free capacity. Precondition: it fits (checked).
    @inline(__always)
    mutating func appendBytes(_ source: UnsafeRawBufferPointer) {
        precondition(source.count <= freeCapacity, "OutputSpan overflow")
        withUnsafeMutableBufferPointer { buffer, initialized in
            UnsafeMutableRawBufferPointer(UnsafeMutableBufferPointer(rebasing: buffer[initialized...])).copyMemory(from: source)
            initialized += source.count
        }
    }

    /// Appends the decimal digits of `value` (1–20 bytes), written right to left in place.
    @inline(__always)
    mutating func appendDecimal(_ value: UInt64) {
        var digits = 1
        var bound: UInt64 = 10
        while digits < 20 && value >= bound {
            digits += 1
            bound &*= 10
        }
        precondition(digits <= freeCapacity, "OutputSpan overflow")
        withUnsafeMutableBufferPointer { buffer, initialized in
            var position = initialized + digits
            var rest = value
            repeat {
                position -= 1
                buffer[position] = 0x30 + UInt8(truncatingIfNeeded: rest % 10)
                rest /= 10
            } while rest != 0
            initialized += digits
        }
    }

    /// The letter of the two-character escape of `byte` (`n` for LF…), or nil if it needs `\u00XX`.
    @inline(__always)
    static func shortEscape(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x22: 0x22  // \"
        case 0x5C: 0x5C  // \\
        case 0x08: 0x62  // \b
        case 0x0C: 0x66  // \f
        case 0x0A: 0x6E  // \n
        case 0x0D: 0x72  // \r
        case 0x09: 0x74  // \t
        default: nil
        }
    }

    /// Appends `text` with `"`, `\\` and C0 controls escaped; unescaped runs are copied in bulk.
    mutating func appendEscaped(_ text: UnsafeRawBufferPointer) {
        let hex: StaticString = "0123456789abcdef"
        var runStart = 0
        for index in 0..<text.count {
            let byte = text[index]
            guard byte < 0x20 || byte == 0x22 || byte == 0x5C else { continue }
            appendBytes(UnsafeRawBufferPointer(rebasing: text[runStart..<index]))
            append(0x5C)
            if let letter = Self.shortEscape(byte) {
                append(letter)
            } else {
                appendBytes(UnsafeRawBufferPointer("u00"))
                append(hex.utf8Start[Int(byte >> 4)])
                append(hex.utf8Start[Int(byte & 0x0F)])
            }
            runStart = index + 1
        }
        appendBytes(UnsafeRawBufferPointer(rebasing: text[runStart...]))
    }
}
