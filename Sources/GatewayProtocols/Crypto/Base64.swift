// Base64 (RFC 4648 §4, standard alphabet, padded) and base64url (§5, no padding), encode and
// strict decode. Invariant: decode accepts only canonical encodings, so encode(decode(s)) == s.

/// Why a base64 or base64url text was rejected. Offsets are 0-based byte offsets in the input.
public enum Base64DecodingError: Error, Equatable, Sendable {
    /// A byte outside the alphabet (or `=` where padding is not allowed) at `offset`.
    case invalidCharacter(UInt8, offset: Int)
    /// The length cannot be produced by the encoder (e.g. 5 characters, or padded text not a multiple of 4).
    case invalidLength(Int)
    /// The last character carries non-zero bits that no encoder would emit (non-canonical).
    case nonCanonicalTrailingBits(offset: Int)
}

/// RFC 4648 codecs. All functions are pure; complexity O(n).
public enum Base64 {
    /// The two alphabets of RFC 4648.
    public enum Alphabet: Sendable {
        /// §4: `A–Z a–z 0–9 + /`, output padded with `=` to a multiple of 4.
        case standard
        /// §5: `A–Z a–z 0–9 - _`, no padding (as used in JWT-like tokens and URLs).
        case urlSafeUnpadded
    }

    private static let standardTable: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    private static let urlTable: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
    private static let padding = UInt8(ascii: "=")

    /// Number of characters `encode` appends for `byteCount` input bytes.
    public static func encodedLength(of byteCount: Int, alphabet: Alphabet = .standard) -> Int {
        switch alphabet {
        case .standard: return (byteCount + 2) / 3 * 4
        case .urlSafeUnpadded: return (byteCount * 4 + 2) / 3
        }
    }

    /// Appends the encoding of `bytes` to `output` (reusable buffer; nothing else is touched).
    public static func encode(_ bytes: UnsafeRawBufferPointer, alphabet: Alphabet = .standard, into output: inout [UInt8]) {
        let table = alphabet == .standard ? standardTable : urlTable
        output.reserveCapacity(output.count + encodedLength(of: bytes.count, alphabet: alphabet))
        var index = 0
        while index + 3 <= bytes.count {
            let group = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2])
            output.append(table[Int(group >> 18 & 0x3F)])
            output.append(table[Int(group >> 12 & 0x3F)])
            output.append(table[Int(group >> 6 & 0x3F)])
            output.append(table[Int(group & 0x3F)])
            index += 3
        }
        let rest = bytes.count - index
        guard rest > 0 else { return }
        let first = UInt32(bytes[index]) << 16
        let group = rest == 2 ? first | UInt32(bytes[index + 1]) << 8 : first
        output.append(table[Int(group >> 18 & 0x3F)])
        output.append(table[Int(group >> 12 & 0x3F)])
        if rest == 2 { output.append(table[Int(group >> 6 & 0x3F)]) }
        if alphabet == .standard {
            output.append(padding)
            if rest == 1 { output.append(padding) }
        }
    }

    /// The encoding of `bytes` as a String.
    public static func encode(_ bytes: [UInt8], alphabet: Alphabet = .standard) -> String {
        var output: [UInt8] = []
        bytes.withUnsafeBytes { encode($0, alphabet: alphabet, into: &output) }
        return String(decoding: output, as: UTF8.self)
    }

    /// Decodes `text` strictly: no whitespace, padding exactly as the alphabet requires, and
    /// unused trailing bits zero. Returns the decoded bytes.
    public static func decode(_ text: UnsafeRawBufferPointer, alphabet: Alphabet = .standard) throws(Base64DecodingError) -> [UInt8] {
        let dataCount = try dataCharacterCount(text, alphabet: alphabet)
        var output: [UInt8] = []
        output.reserveCapacity(dataCount * 3 / 4)
        var group: UInt32 = 0
        for offset in 0..<dataCount {
            let value = sextet(text[offset], alphabet: alphabet)
            guard value != invalid else { throw .invalidCharacter(text[offset], offset: offset) }
            group = group << 6 | UInt32(value)
            if offset % 4 == 3 {
                output.append(UInt8(truncatingIfNeeded: group >> 16))
                output.append(UInt8(truncatingIfNeeded: group >> 8))
                output.append(UInt8(truncatingIfNeeded: group))
                group = 0
            }
        }
        switch dataCount % 4 {
        case 2:
            guard group & 0xF == 0 else { throw .nonCanonicalTrailingBits(offset: dataCount - 1) }
            output.append(UInt8(truncatingIfNeeded: group >> 4))
        case 3:
            guard group & 0x3 == 0 else { throw .nonCanonicalTrailingBits(offset: dataCount - 1) }
            output.append(UInt8(truncatingIfNeeded: group >> 10))
            output.append(UInt8(truncatingIfNeeded: group >> 2))
        default:
            break
        }
        return output
    }

    /// Decodes the UTF-8 bytes of `text`; same contract as the raw-buffer overload.
    public static func decode(_ text: String, alphabet: Alphabet = .standard) throws(Base64DecodingError) -> [UInt8] {
        var copy = text
        let result: Result<[UInt8], Base64DecodingError> = copy.withUTF8 { utf8 in
            do throws(Base64DecodingError) {
                return .success(try decode(UnsafeRawBufferPointer(utf8), alphabet: alphabet))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    /// Validates length and padding; returns how many leading characters carry data.
    private static func dataCharacterCount(_ text: UnsafeRawBufferPointer, alphabet: Alphabet) throws(Base64DecodingError) -> Int {
        let count = text.count
        switch alphabet {
        case .urlSafeUnpadded:
            // One leftover character would hold only 6 bits: never produced by an encoder.
            guard count % 4 != 1 else { throw .invalidLength(count) }
            return count
        case .standard:
            guard count % 4 == 0 else { throw .invalidLength(count) }
            var dataCount = count
            if dataCount > 0 && text[dataCount - 1] == padding { dataCount -= 1 }
            if dataCount > 0 && text[dataCount - 1] == padding { dataCount -= 1 }
            return dataCount
        }
    }

    private static let invalid: UInt8 = 0xFF

    /// The 6-bit value of an alphabet character, or `invalid`.
    @inline(__always)
    private static func sextet(_ character: UInt8, alphabet: Alphabet) -> UInt8 {
        switch character {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): return character - UInt8(ascii: "A")
        case UInt8(ascii: "a")...UInt8(ascii: "z"): return character - UInt8(ascii: "a") + 26
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return character - UInt8(ascii: "0") + 52
        case UInt8(ascii: "+"): return alphabet == .standard ? 62 : invalid
        case UInt8(ascii: "/"): return alphabet == .standard ? 63 : invalid
        case UInt8(ascii: "-"): return alphabet == .urlSafeUnpadded ? 62 : invalid
        case UInt8(ascii: "_"): return alphabet == .urlSafeUnpadded ? 63 : invalid
        default: return invalid
        }
    }
}
