// The top K and member count of each scope of one window as of the end of the last batch: what
// spectator diffs are computed against. Owned by the engine thread (inside a WindowState).

struct TopBaselines {
    struct Baseline {
        var top: [RankedEntry]
        var size: Int
    }

    /// Every event touches the global scope of each window it lands in, so its baseline has a
    /// slot of its own: checking it costs no hashing (a dictionary lookup per window per event
    /// was ~3 % of a batch apply).
    private var global: Baseline?
    private var others: [ScopeKey: Baseline] = [:]

    subscript(scope: ScopeKey) -> Baseline? {
        get { scope.isGlobal ? global : others[scope] }
        set {
            if scope.isGlobal { global = newValue } else { others[scope] = newValue }
        }
    }

    func contains(_ scope: ScopeKey) -> Bool {
        scope.isGlobal ? global != nil : others.index(forKey: scope) != nil
    }
}
