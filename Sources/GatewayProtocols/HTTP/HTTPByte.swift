// HTTPByte: byte classes of the HTTP/1.1 grammar (RFC 9110 §5.6, RFC 9112) shared by the parser,
// the header token lists and the response encoder. Pure functions, no tables to initialise.

/// Byte constants and character classes used by the HTTP code. Internal to the module.
enum HTTPByte {
    static let cr: UInt8 = 0x0D
    static let lf: UInt8 = 0x0A
    static let space: UInt8 = 0x20
    static let tab: UInt8 = 0x09
    static let colon: UInt8 = 0x3A
    static let comma: UInt8 = 0x2C
    static let semicolon: UInt8 = 0x3B
    static let percent: UInt8 = 0x25
    static let slash: UInt8 = 0x2F
    static let question: UInt8 = 0x3F
    static let quote: UInt8 = 0x22
    static let backslash: UInt8 = 0x5C

    /// `tchar` of RFC 9110 §5.6.2: the bytes a token (method, header name, coding) may contain.
    @inline(__always)
    static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: return true
        case 0x21, 0x23, 0x24, 0x25, 0x26, 0x27, 0x2A, 0x2B, 0x2D, 0x2E, 0x5E, 0x5F, 0x60, 0x7C, 0x7E:
            return true  // ! # $ % & ' * + - . ^ _ ` | ~
        default: return false
        }
    }

    /// `OWS` member: space or horizontal tab (RFC 9110 §5.6.3).
    @inline(__always)
    static func isWhitespace(_ byte: UInt8) -> Bool { byte == space || byte == tab }

    /// `field-vchar` plus SP/HTAB (RFC 9110 §5.5): what a field value may contain. Rejects CTLs
    /// (including CR, LF and NUL) and DEL; accepts obs-text (0x80–0xFF) as opaque bytes.
    @inline(__always)
    static func isFieldValueByte(_ byte: UInt8) -> Bool {
        byte >= 0x20 ? byte != 0x7F : byte == tab
    }

    /// Visible ASCII (0x21–0x7E): what a request-target may contain (RFC 3986 characters only).
    @inline(__always)
    static func isTargetByte(_ byte: UInt8) -> Bool { byte > 0x20 && byte < 0x7F }

    /// ASCII lower-casing of one byte; other bytes unchanged.
    @inline(__always)
    static func lowercased(_ byte: UInt8) -> UInt8 {
        byte &- 0x41 < 26 ? byte | 0x20 : byte
    }

    /// Value of a hexadecimal digit, or nil.
    @inline(__always)
    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: return byte - 0x30
        case 0x41...0x46: return byte - 0x41 + 10
        case 0x61...0x66: return byte - 0x61 + 10
        default: return nil
        }
    }

    /// True when `a` equals `b` ignoring ASCII case. O(n).
    static func equalsIgnoringCase(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
        guard a.count == b.count else { return false }
        for index in 0..<a.count where lowercased(a[index]) != lowercased(b[index]) {
            return false
        }
        return true
    }

    /// A printable rendering of peer bytes for error messages: printable ASCII kept, other
    /// bytes as `\xHH`, cut at `limit` bytes with a trailing "…". Never reflects raw control bytes.
    static func evidence(_ bytes: UnsafeRawBufferPointer, limit: Int = 64) -> String {
        var text = ""
        for byte in bytes.prefix(limit) {
            if byte >= 0x20 && byte < 0x7F {
                text.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                let digits: [Character] = Array("0123456789abcdef")
                text += "\\x"
                text.append(digits[Int(byte >> 4)])
                text.append(digits[Int(byte & 0x0F)])
            }
        }
        if bytes.count > limit { text += "…" }
        return text
    }

    /// `evidence` over a `String` (for values already decoded).
    static func evidence(_ string: String, limit: Int = 64) -> String {
        var copy = string
        return copy.withUTF8 { evidence(UnsafeRawBufferPointer($0), limit: limit) }
    }
}
