// Validation of the names peers send us: player ids, board ids and region names.

/// Rules for externally supplied identifiers. All checks are on UTF-8 bytes.
public enum Identifier {
    /// Longest player id, in UTF-8 bytes.
    public static let maxPlayerBytes = 64
    /// Longest board id or region name, in bytes.
    public static let maxNameBytes = 64

    /// A player id: 1–64 UTF-8 bytes, no control characters (U+0000–U+001F, U+007F).
    public static func validatePlayer(_ id: String) -> IdentifierProblem? {
        let count = id.utf8.count
        if count == 0 { return .empty }
        if count > maxPlayerBytes { return .tooLong(bytes: count, limit: maxPlayerBytes) }
        for b in id.utf8 where b < 0x20 || b == 0x7F { return .controlCharacter }
        return nil
    }

    /// A board id or region: 1–64 bytes of `A–Z a–z 0–9 _ - .` (safe in URL paths and file names).
    public static func validateName(_ id: String) -> IdentifierProblem? {
        let count = id.utf8.count
        if count == 0 { return .empty }
        if count > maxNameBytes { return .tooLong(bytes: count, limit: maxNameBytes) }
        for b in id.utf8 {
            let ok = (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A)
                || b == 0x5F || b == 0x2D || b == 0x2E
            if !ok { return .invalidCharacter }
        }
        return nil
    }
}

/// Why an identifier was refused.
public enum IdentifierProblem: Error, Equatable, Sendable, CustomStringConvertible {
    case empty
    case tooLong(bytes: Int, limit: Int)
    case controlCharacter
    case invalidCharacter

    public var description: String {
        switch self {
        case .empty: "must not be empty"
        case let .tooLong(bytes, limit): "is \(bytes) bytes long; the limit is \(limit)"
        case .controlCharacter: "must not contain control characters"
        case .invalidCharacter: "may contain only letters, digits, '_', '-' and '.'"
        }
    }
}
