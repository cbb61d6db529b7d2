// Scope addressing: which partition of a board window a rank or notification refers to.

/// Compact scope code: 0 = global, 1…65535 = that region index, `friends` = the friends view.
public struct ScopeKey: Hashable, Sendable, Comparable {
    public var raw: UInt32

    public static let global = ScopeKey(raw: 0)
    public static let friends = ScopeKey(raw: .max)
    public static func region(_ r: RegionIndex) -> ScopeKey { ScopeKey(raw: UInt32(r)) }

    public init(raw: UInt32) { self.raw = raw }

    public var isGlobal: Bool { raw == 0 }
    public var isFriends: Bool { raw == .max }
    /// The region index for a region scope, else nil.
    public var region: RegionIndex? { raw == 0 || raw == .max ? nil : RegionIndex(truncatingIfNeeded: raw) }

    public static func < (a: ScopeKey, b: ScopeKey) -> Bool { a.raw < b.raw }
}

/// Index of a board in the engine (stable for the engine's life).
public typealias BoardIndex = UInt32
