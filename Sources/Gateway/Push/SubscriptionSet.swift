// A session's personal subscriptions (or watched board windows): the first one inline, the rest
// in a set. Invariant: `rest` is empty whenever `first` is nil, so the common session with one
// subscription owns no heap memory for it (a one-element `Set` costs ~80 B).

struct SubscriptionSet: Sendable {
    private var first: Subscription?
    private var rest: Set<Subscription> = []

    init() {}

    var isEmpty: Bool { first == nil }
    var count: Int { first == nil ? 0 : 1 + rest.count }

    /// O(1).
    func contains(_ s: Subscription) -> Bool {
        first == s || (!rest.isEmpty && rest.contains(s))
    }

    /// Adds `s`; false when it was already there. O(1) amortised.
    @discardableResult
    mutating func insert(_ s: Subscription) -> Bool {
        guard let head = first else {
            first = s
            return true
        }
        guard head != s else { return false }
        return rest.insert(s).inserted
    }

    /// Removes `s`; false when it was not there. O(1) amortised.
    @discardableResult
    mutating func remove(_ s: Subscription) -> Bool {
        if first == s {
            first = rest.popFirst()
            if rest.isEmpty { rest = [] }
            return true
        }
        guard rest.remove(s) != nil else { return false }
        if rest.isEmpty { rest = [] }
        return true
    }

    /// Every member, in no particular order.
    var elements: [Subscription] {
        guard let first else { return [] }
        return [first] + rest
    }
}
