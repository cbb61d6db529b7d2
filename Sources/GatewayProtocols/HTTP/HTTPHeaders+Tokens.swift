// HTTPHeaders+Tokens: the one comma-separated list parser (RFC 9110 §5.6.1) behind Connection,
// Upgrade, Transfer-Encoding, Expect and the WebSocket handshake headers. Elements are trimmed of OWS;
// empty elements ("a, , b", leading or trailing commas) are skipped, as the RFC requires.

extension HTTPHeaders {
    /// True when any field named `name` lists `token` as one of its elements, compared ignoring
    /// ASCII case ("Connection: keep-alive, Upgrade" contains "upgrade"). Whole elements only:
    /// "Upgrade: websocket2" does not contain "websocket". No allocation. O(header bytes).
    ///
    /// Quoted strings are not special-cased: a comma inside quotes splits the element. The headers
    /// this serves (Connection, Upgrade, Transfer-Encoding, Expect, Sec-WebSocket-Protocol) carry
    /// plain tokens.
    public func containsToken(_ token: String, in name: String) -> Bool {
        var token = token
        return token.withUTF8 { wanted in
            var found = false
            forEachValue(named: name) { value in
                guard !found else { return }
                Self.forEachListElement(in: value) { element in
                    if HTTPByte.equalsIgnoringCase(element, UnsafeRawBufferPointer(wanted)) { found = true }
                }
            }
            return found
        }
    }

    /// Every list element of every field named `name`, in order, case preserved
    /// ("Upgrade: websocket, h2c" → ["websocket", "h2c"]).
    public func tokens(in name: String) -> [String] {
        var result: [String] = []
        forEachValue(named: name) { value in
            Self.forEachListElement(in: value) { result.append(String(decoding: $0, as: UTF8.self)) }
        }
        return result
    }

    /// The list elements of one field value, trimmed, empty ones skipped.
    public static func listElements(of value: String) -> [String] {
        var value = value
        var result: [String] = []
        value.withUTF8 { bytes in
            forEachListElement(in: UnsafeRawBufferPointer(bytes)) { result.append(String(decoding: $0, as: UTF8.self)) }
        }
        return result
    }

    /// Calls `body` with each non-empty, OWS-trimmed element of the list `value`. O(n), no allocation.
    static func forEachListElement(in value: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) -> Void) {
        var elementStart = 0
        var index = 0
        while index <= value.count {
            if index == value.count || value[index] == HTTPByte.comma {
                var lower = elementStart
                var upper = index
                while lower < upper && HTTPByte.isWhitespace(value[lower]) { lower += 1 }
                while upper > lower && HTTPByte.isWhitespace(value[upper - 1]) { upper -= 1 }
                if lower < upper { body(UnsafeRawBufferPointer(rebasing: value[lower..<upper])) }
                elementStart = index + 1
            }
            index += 1
        }
    }
}
