// A board's definition and the live state of each of its windows. Owned by the engine thread.

final class BoardState {
    var definition: BoardDefinition {
        didSet { cacheFlags() }
    }
    private(set) var windows: [WindowState]
    /// Cached from the definition's scopes (read for every event).
    private(set) var hasRegions = false
    private(set) var hasFriends = false
    /// The definition's scalars, cached: reading them through `definition` copies the whole
    /// struct (retaining its id, windows, scopes and calendar) for every event.
    private(set) var rules = Rules(order: .descending, scoreOperator: .best, minScore: 0, maxScore: 0, notifyDepth: 0)

    struct Rules {
        var order: ScoreOrder
        var scoreOperator: ScoreOperator
        var minScore: Int64
        var maxScore: Int64
        var notifyDepth: Int
    }

    init(definition: BoardDefinition, now: Int64) {
        self.definition = definition
        windows = definition.windows.map {
            WindowState(kind: $0, period: definition.calendar.period($0, containing: now), order: definition.order)
        }
        cacheFlags()
    }

    private func cacheFlags() {
        hasRegions = definition.scopes.contains(.region)
        hasFriends = definition.scopes.contains(.friends)
        rules = Rules(order: definition.order, scoreOperator: definition.scoreOperator, minScore: definition.minScore,
                      maxScore: definition.maxScore, notifyDepth: definition.notifyDepth)
    }

    func window(_ kind: WindowKind) -> WindowState? { windows.first { $0.kind == kind } }

    /// Applies a new definition (immutable fields already checked): keeps windows that remain,
    /// starts added ones empty, drops removed ones.
    func redefine(_ new: BoardDefinition, now: Int64) {
        windows = new.windows.map { kind in
            window(kind) ?? WindowState(kind: kind, period: new.calendar.period(kind, containing: now), order: new.order)
        }
        definition = new
    }
}
