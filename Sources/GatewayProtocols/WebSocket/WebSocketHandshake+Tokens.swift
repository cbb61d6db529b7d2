// The tiny comma-list tokenizer the handshake needs (RFC 7230 §7 lists: elements separated by
// commas with optional whitespace). Private on purpose: it merges with HTTP's parser later.

extension WebSocketHandshake {
    /// How list elements are compared with the wanted token.
    enum TokenMatch {
        /// `Upgrade`/`Connection` tokens are case-insensitive (RFC 7230 §6.1, §6.7).
        case caseInsensitive
        /// Subprotocol names compare exactly.
        case exact
    }

    /// True iff the comma-separated `list` has an element equal to `token` after trimming
    /// spaces and tabs. Empty elements are skipped. Complexity O(n).
    static func containsToken(_ list: String, _ token: String, _ match: TokenMatch) -> Bool {
        for element in list.split(separator: ",", omittingEmptySubsequences: true) {
            let candidate = trimmed(element)
            switch match {
            case .exact:
                if candidate == Substring(token) { return true }
            case .caseInsensitive:
                if asciiCaseInsensitiveEqual(candidate, Substring(token)) { return true }
            }
        }
        return false
    }

    /// `text` without leading and trailing optional whitespace (SP / HTAB).
    static func trimmed<S: StringProtocol>(_ text: S) -> Substring {
        let isWhitespace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        let whole = Substring(text)
        guard let first = whole.firstIndex(where: { !isWhitespace($0) }),
              let last = whole.lastIndex(where: { !isWhitespace($0) }) else { return whole[whole.endIndex...] }
        return whole[first...last]
    }

    /// Byte-wise equality after folding ASCII A–Z to a–z (non-ASCII bytes must match exactly).
    static func asciiCaseInsensitiveEqual(_ a: Substring, _ b: Substring) -> Bool {
        let x = a.utf8
        let y = b.utf8
        guard x.count == y.count else { return false }
        return zip(x, y).allSatisfy { lower($0) == lower($1) }
    }

    private static func lower(_ byte: UInt8) -> UInt8 {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte | 0x20 : byte
    }
}
