// Which (board, window, scope kind) sets anyone wants personal notifications for, so the engine
// can skip the others (LeaderboardEngine+Interest). A set becomes interesting the moment a
// subscription to it is accepted (on the engine thread, before the ack: no notification can slip
// between the two) and stays so while the loops' periodic censuses of their sessions report it,
// plus `linger` (the resume window: a disconnected player's buffered messages must keep coming).
// Never under-inclusive; at worst a set nobody follows any more is computed for `linger` longer.
// Owned by the engine thread.
import LeaderboardEngine

struct InterestTracker {
    struct Key: Hashable, Sendable {
        var board: BoardIndex
        var window: WindowKind
        var scope: ScopeKind
    }

    /// How long (ms) a set stays interesting after it was last reported.
    let linger: Int64
    private(set) var lastSeen: [Key: Int64] = [:]
    /// Last time a session wanting every personal message (an SSE player stream) was reported.
    private(set) var wildcardSeen: Int64?

    init(lingerMillis: Int64) { linger = lingerMillis }

    /// Records that `key` is followed at `now`; true when it was not interesting before.
    mutating func saw(_ key: Key, now: Int64) -> Bool {
        lastSeen.updateValue(now, forKey: key) == nil
    }

    /// Records a session that wants every personal message.
    mutating func sawWildcard(now: Int64) { wildcardSeen = now }

    /// Whether every set must be computed (a wildcard session within `linger`).
    func wildcardActive(now: Int64) -> Bool { wildcardSeen.map { now - $0 <= linger } ?? false }

    /// Forgets the sets not reported within `linger` before `now`; returns them.
    mutating func expire(now: Int64) -> [Key] {
        let stale = lastSeen.filter { now - $0.value > linger }.map(\.key)
        for key in stale { lastSeen[key] = nil }
        if let seen = wildcardSeen, now - seen > linger { wildcardSeen = nil }
        return stale
    }
}
