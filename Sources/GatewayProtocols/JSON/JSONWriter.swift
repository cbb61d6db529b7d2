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

    @inline(__always)
    private mutating func separate() {
        if needsComma { bytes.append(0x2C) }
        needsComma = true
    }

    public mutating func beginObject() {
        separate()
        bytes.append(0x7B)
        needsComma = false
        depth += 1
    }

    public mutating func endObject() {
        precondition(depth > 0, "endObject without beginObject")
        bytes.append(0x7D)
        needsComma = true
        depth -= 1
    }

    public mutating func beginArray() {
        separate()
        bytes.append(0x5B)
        needsComma = false
        depth += 1
    }

    public mutating func endArray() {
        precondition(depth > 0, "endArray without beginArray")
        bytes.append(0x5D)
        needsComma = true
        depth -= 1
    }

    /// An object member name; the value written next belongs to it.
    public mutating func key(_ name: String) {
        separate()
        appendQuoted(name)
        bytes.append(0x3A)
        needsComma = false
    }

    public mutating func string(_ value: String) {
        separate()
        appendQuoted(value)
    }

    public mutating func int(_ value: Int64) {
        separate()
        if value < 0 { bytes.append(0x2D) }
        appendDecimal(value.magnitude)
    }

    public mutating func int(_ value: Int) {
        int(Int64(value))
    }

    public mutating func uint(_ value: UInt64) {
        separate()
        appendDecimal(value)
    }

    /// Shortest representation that reads back to the same Double (Swift's `description`, which
    /// is valid JSON for finite values: "1.0", "1e-05", "1.7976931348623157e+308"). Non-finite → `null`.
    public mutating func double(_ value: Double) {
        guard value.isFinite else { return null() }
        separate()
        bytes.append(contentsOf: value.description.utf8)
    }

    public mutating func bool(_ value: Bool) {
        separate()
        appendLiteral(value ? "true" : "false")
    }

    public mutating func null() {
        separate()
        appendLiteral("null")
    }

    @inline(__always)
    private mutating func appendLiteral(_ literal: StaticString) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }

    /// Inserts pre-encoded JSON as one value (e.g. a cached top-100 array). Precondition, not
    /// checked: `json` is exactly one valid JSON value.
    public mutating func raw(_ json: UnsafeRawBufferPointer) {
        separate()
        bytes.append(contentsOf: json)
    }

    /// Inserts pre-encoded JSON as one value; see `raw(_:)`.
    public mutating func raw(_ json: [UInt8]) {
        json.withUnsafeBytes { raw($0) }
    }

    /// Appends the decimal digits of `value`, at most 20, through a stack buffer.
    private mutating func appendDecimal(_ value: UInt64) {
        if value < 10 {
            bytes.append(0x30 + UInt8(value))
            return
        }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var index = 20
            var rest = value
            repeat {
                index -= 1
                digits[index] = 0x30 + UInt8(rest % 10)
                rest /= 10
            } while rest != 0
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: digits[index..<20]))
        }
    }

    /// Appends `"text"` with JSON escaping. Unescaped runs are copied in bulk. O(n).
    private mutating func appendQuoted(_ text: String) {
        bytes.append(0x22)
        var text = text
        text.withUTF8 { utf8 in
            var runStart = 0
            for index in 0..<utf8.count {
                let byte = utf8[index]
                guard byte < 0x20 || byte == 0x22 || byte == 0x5C else { continue }
                if runStart < index { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index])) }
                appendEscape(byte)
                runStart = index + 1
            }
            if runStart < utf8.count { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...])) }
        }
        bytes.append(0x22)
    }

    private mutating func appendEscape(_ byte: UInt8) {
        let short: UInt8
        switch byte {
        case 0x22: short = 0x22  // \"
        case 0x5C: short = 0x5C  // \\
        case 0x08: short = 0x62  // \b
        case 0x0C: short = 0x66  // \f
        case 0x0A: short = 0x6E  // \n
        case 0x0D: short = 0x72  // \r
        case 0x09: short = 0x74  // \t
        default:
            let hex: StaticString = "0123456789abcdef"
            appendLiteral("\\u00")
            bytes.append(hex.utf8Start[Int(byte >> 4)])
            bytes.append(hex.utf8Start[Int(byte & 0x0F)])
            return
        }
        bytes.append(0x5C)
        bytes.append(short)
    }
}
