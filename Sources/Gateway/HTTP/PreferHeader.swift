// The `Prefer` request header (RFC 7240), as far as the gateway honours it: `return=minimal` on
// POST /v1/scores asks for counts and rejections instead of every event's rank changes.

enum PreferHeader {
    /// Whether the header value lists `return=minimal` (any case, optional whitespace, quoted or
    /// not, parameters after `;`). nil (no header) is false.
    static func asksForMinimalReturn(_ value: String?) -> Bool {
        guard let value else { return false }
        return value.split(separator: ",").contains { preference in
            let token = String(preference.prefix { $0 != ";" }).lowercased().filter { $0 != " " && $0 != "\t" }
            return token == "return=minimal" || token == "return=\"minimal\""
        }
    }
}
