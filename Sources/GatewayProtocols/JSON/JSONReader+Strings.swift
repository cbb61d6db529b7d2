// JSONReader+Strings: string literals (RFC 8259 §7) with strict UTF-8 validation (RFC 3629 table:
// no overlongs, no encoded surrogates, nothing above U+10FFFF) and escape decoding. Unescaped
// strings are turned into a String straight from the input bytes; escaped ones go through `scratch`.

extension JSONReader {
    /// Reads the string literal at `index` (its opening quote) and returns its decoded value.
    mutating func scanString() throws(JSONError) -> String {
        try scanString(decode: true) ?? ""
    }

    /// Validates and skips the string literal at `index`.
    mutating func skipString() throws(JSONError) {
        _ = try scanString(decode: false)
    }

    private mutating func scanString(decode: Bool) throws(JSONError) -> String? {
        // Disjoint stored properties: `input` is only read while `index` and `scratch` are written.
        try Self.scanString(input, position: &index, end: end, base: start, scratch: &scratch, decode: decode)
    }

    private static func scanString(_ input: borrowing [UInt8], position: inout Int, end: Int, base: Int,
                                   scratch: inout [UInt8], decode: Bool) throws(JSONError) -> String? {
        try input.withUnsafeBytesTyped { bytes throws(JSONError) -> String? in
            try scanString(bytes, position: &position, end: end, base: base, scratch: &scratch, decode: decode)
        }
    }

    /// The core scanner. `position` starts at the opening quote and ends after the closing one.
    /// `base` converts absolute positions to error offsets. Returns nil when `decode` is false.
    private static func scanString(_ bytes: UnsafeRawBufferPointer, position: inout Int, end: Int, base: Int,
                                   scratch: inout [UInt8], decode: Bool) throws(JSONError) -> String? {
        func fail(_ reason: JSONError.Reason, _ at: Int) -> JSONError { JSONError(offset: at - base, reason: reason) }
        let contentStart = position + 1
        var cursor = contentStart
        var runStart = contentStart
        var escaped = false
        while true {
            guard cursor < end else { throw fail(.unexpectedEnd, cursor) }
            let byte = bytes[cursor]
            if byte == 0x22 { break }
            if byte == 0x5C {
                if decode {
                    if !escaped { scratch.removeAll(keepingCapacity: true) }
                    scratch.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[runStart..<cursor]))
                }
                escaped = true
                cursor = try decodeEscape(bytes, at: cursor, end: end, base: base, into: &scratch, decode: decode)
                runStart = cursor
            } else if byte < 0x20 {
                throw fail(.controlCharacterInString, cursor)
            } else if byte < 0x80 {
                cursor += 1
            } else {
                cursor = try validateUTF8Sequence(bytes, at: cursor, end: end, base: base)
            }
        }
        position = cursor + 1
        guard decode else { return nil }
        guard escaped else { return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[contentStart..<cursor]), as: UTF8.self) }
        scratch.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[runStart..<cursor]))
        return String(decoding: scratch, as: UTF8.self)
    }

    /// Decodes the escape at `at` (a backslash), appending its UTF-8 to `scratch` when decoding.
    /// Returns the position after it.
    private static func decodeEscape(_ bytes: UnsafeRawBufferPointer, at: Int, end: Int, base: Int,
                                     into scratch: inout [UInt8], decode: Bool) throws(JSONError) -> Int {
        guard at + 1 < end else { throw JSONError(offset: end - base, reason: .unexpectedEnd) }
        let simple: UInt8
        switch bytes[at + 1] {
        case 0x22: simple = 0x22
        case 0x5C: simple = 0x5C
        case 0x2F: simple = 0x2F
        case 0x62: simple = 0x08
        case 0x66: simple = 0x0C
        case 0x6E: simple = 0x0A
        case 0x72: simple = 0x0D
        case 0x74: simple = 0x09
        case 0x75:
            let (scalar, next) = try decodeUnicodeEscape(bytes, at: at, end: end, base: base)
            if decode { appendUTF8(scalar, to: &scratch) }
            return next
        default: throw JSONError(offset: at - base, reason: .invalidEscape)
        }
        if decode { scratch.append(simple) }
        return at + 2
    }

    /// `\uXXXX`, or a `\uD8xx\uDCxx` surrogate pair, at `at`. Returns the scalar value and the
    /// position after the escape(s).
    private static func decodeUnicodeEscape(_ bytes: UnsafeRawBufferPointer, at: Int, end: Int,
                                            base: Int) throws(JSONError) -> (UInt32, Int) {
        let first = try hexQuad(bytes, at: at + 2, end: end, base: base)
        switch first {
        case 0xD800...0xDBFF:
            guard at + 7 < end, bytes[at + 6] == 0x5C, bytes[at + 7] == 0x75 else {
                throw JSONError(offset: at - base, reason: .loneSurrogate)
            }
            let second = try hexQuad(bytes, at: at + 8, end: end, base: base)
            guard (0xDC00...0xDFFF).contains(second) else { throw JSONError(offset: at - base, reason: .loneSurrogate) }
            return (0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00), at + 12)
        case 0xDC00...0xDFFF:
            throw JSONError(offset: at - base, reason: .loneSurrogate)
        default:
            return (first, at + 6)
        }
    }

    /// Four hex digits at `at`.
    private static func hexQuad(_ bytes: UnsafeRawBufferPointer, at: Int, end: Int, base: Int) throws(JSONError) -> UInt32 {
        var value: UInt32 = 0
        for position in at..<at + 4 {
            guard position < end else { throw JSONError(offset: end - base, reason: .unexpectedEnd) }
            let byte = bytes[position]
            let digit: UInt8
            switch byte {
            case 0x30...0x39: digit = byte - 0x30
            case 0x41...0x46: digit = byte - 0x41 + 10
            case 0x61...0x66: digit = byte - 0x61 + 10
            default: throw JSONError(offset: at - 2 - base, reason: .invalidEscape)
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    /// Appends the UTF-8 encoding of a scalar value (never a surrogate here).
    private static func appendUTF8(_ scalar: UInt32, to scratch: inout [UInt8]) {
        switch scalar {
        case 0..<0x80:
            scratch.append(UInt8(scalar))
        case 0x80..<0x800:
            scratch.append(0xC0 | UInt8(scalar >> 6))
            scratch.append(0x80 | UInt8(scalar & 0x3F))
        case 0x800..<0x10000:
            scratch.append(0xE0 | UInt8(scalar >> 12))
            scratch.append(0x80 | UInt8((scalar >> 6) & 0x3F))
            scratch.append(0x80 | UInt8(scalar & 0x3F))
        default:
            scratch.append(0xF0 | UInt8(scalar >> 18))
            scratch.append(0x80 | UInt8((scalar >> 12) & 0x3F))
            scratch.append(0x80 | UInt8((scalar >> 6) & 0x3F))
            scratch.append(0x80 | UInt8(scalar & 0x3F))
        }
    }

    /// Validates the multi-byte sequence whose lead byte is at `at`; returns the position after it.
    /// Ranges follow RFC 3629 §4 (second byte narrowed for E0, ED, F0, F4).
    private static func validateUTF8Sequence(_ bytes: UnsafeRawBufferPointer, at: Int, end: Int,
                                             base: Int) throws(JSONError) -> Int {
        let lead = bytes[at]
        let length: Int
        var secondRange: ClosedRange<UInt8> = 0x80...0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; secondRange = 0xA0...0xBF
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; secondRange = 0x80...0x9F
        case 0xF0: length = 4; secondRange = 0x90...0xBF
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; secondRange = 0x80...0x8F
        default: throw JSONError(offset: at - base, reason: .invalidUTF8)
        }
        for position in at + 1..<at + length {
            guard position < end else { throw JSONError(offset: end - base, reason: .unexpectedEnd) }
            let range = position == at + 1 ? secondRange : 0x80...0xBF
            guard range.contains(bytes[position]) else { throw JSONError(offset: at - base, reason: .invalidUTF8) }
        }
        return at + length
    }
}
