// The embedded leaderboard engine: boards, players, friends and watchers, and batch application
// of score events with rank-change detection. Pure: no I/O, no clock reads — every operation that
// depends on time takes `now` (Unix milliseconds). Single-threaded: owned by the engine thread.

public final class LeaderboardEngine {
    public let configuration: EngineConfiguration
    public let players = PlayerRegistry()
    var boards: [BoardState] = []
    var boardIndex: [String: BoardIndex] = [:]
    /// Next achievement sequence number; every applied score change takes one.
    public internal(set) var nextSeq: UInt64 = 1
    /// Players notifications are computed for.
    public internal(set) var audience = Audience()
    /// When set, personal notifications are computed only for the sets in `personalInterest`
    /// (see LeaderboardEngine+Interest); off by default: every set of an audience player counts.
    public var filtersPersonal = false
    /// Per board, per window code: a mask of `ScopeKind` bits someone wants personal
    /// notifications for.
    var personalInterest: [[UInt8]] = []
    public let deduplicator: EventDeduplicator

    public init(configuration: EngineConfiguration = EngineConfiguration()) {
        self.configuration = configuration
        deduplicator = EventDeduplicator(windowMillis: configuration.dedupeWindowMillis,
                                         capacity: configuration.dedupeCapacity)
    }

    // MARK: Boards

    public var boardCount: Int { boards.count }

    public func board(named id: String) -> BoardIndex? { boardIndex[id] }

    public func definition(of board: BoardIndex) -> BoardDefinition { boards[Int(board)].definition }

    /// The board's id, without copying its whole definition (hot path of message encoding).
    public func id(of board: BoardIndex) -> String { boards[Int(board)].definition.id }

    /// The board's notification depth K.
    public func notifyDepth(of board: BoardIndex) -> Int { boards[Int(board)].definition.notifyDepth }

    public var definitions: [BoardDefinition] { boards.map(\.definition) }

    /// Creates or updates a board. Updating may change windows, scopes, depth, range and archive
    /// policy; order, operator and calendar are immutable. Returns the index and whether it is new.
    @discardableResult
    public func defineBoard(_ definition: BoardDefinition, now: Int64) throws(EngineError) -> (index: BoardIndex, created: Bool) {
        if let problem = definition.validate() { throw problem }
        if let existing = boardIndex[definition.id] {
            let state = boards[Int(existing)]
            if let field = definition.immutableChange(from: state.definition) {
                throw .immutableField(board: definition.id, field: field)
            }
            state.redefine(definition, now: now)
            return (existing, false)
        }
        let index = BoardIndex(boards.count)
        boards.append(BoardState(definition: definition, now: now))
        boardIndex[definition.id] = index
        return (index, true)
    }

    func state(of id: String) throws(EngineError) -> BoardState {
        guard let i = boardIndex[id] else { throw .unknownBoard(id) }
        return boards[Int(i)]
    }

    func window(_ board: String, _ window: WindowKind) throws(EngineError) -> (BoardState, WindowState) {
        let b = try state(of: board)
        guard let w = b.window(window) else { throw .unknownWindow(board: board, window: window.rawValue) }
        return (b, w)
    }

    // MARK: Players

    func validPlayer(_ id: String) throws(EngineError) -> PlayerIndex {
        if let problem = Identifier.validatePlayer(id) { throw .invalidField("player", "player id \(problem)") }
        return players.intern(id)
    }

    /// Sets a player's region and/or display name (nil leaves a field unchanged; an empty region
    /// clears it). Moves the player between region rankings on every board.
    public func updatePlayer(_ id: String, region: String?, displayName: String?) throws(EngineError) {
        if let region, !region.isEmpty, let problem = Identifier.validateName(region) {
            throw .invalidField("region", "region \(problem)")
        }
        if let displayName, displayName.utf8.count > 128 {
            throw .invalidField("display_name", "must be at most 128 bytes")
        }
        let p = try validPlayer(id)
        if let region { changeRegion(p, to: region.isEmpty ? 0 : players.internRegion(region), detector: nil) }
        if let displayName { players.setDisplayName(p, displayName.isEmpty ? nil : displayName) }
    }

    func changeRegion(_ p: PlayerIndex, to region: RegionIndex, detector: UnsafeMutablePointer<BatchDetector>?) {
        let from = players.region(of: p)
        guard from != region else { return }
        for (bi, b) in boards.enumerated() where b.hasRegions {
            for w in b.windows where w.global.members.key(of: p) != nil {
                if let detector {
                    for r in [from, region] where r != 0 {
                        let ref = SetRef(board: BoardIndex(bi), window: w.kind, scope: .region(r))
                        prepareTop(w, ref, depth: b.definition.notifyDepth)
                        detector.pointee.touchTop(ref)
                    }
                }
                w.moveRegion(p, from: from, to: region)
            }
        }
        players.setRegion(p, region)
    }

    /// Makes a and b friends (both ways). Returns false if they already were.
    @discardableResult
    public func addFriends(_ a: String, _ b: String) throws(EngineError) -> Bool {
        let pa = try validPlayer(a), pb = try validPlayer(b)
        if pa == pb { throw .invalidField("friend", "a player cannot befriend themselves") }
        if players.areFriends(pa, pb) { return false }
        let limit = configuration.friendLimit
        if players.friends(of: pa).count >= limit { throw .friendLimit(player: a, limit: limit) }
        if players.friends(of: pb).count >= limit { throw .friendLimit(player: b, limit: limit) }
        return players.link(pa, pb)
    }

    /// Ends the friendship of a and b. Returns false if they were not friends.
    @discardableResult
    public func removeFriends(_ a: String, _ b: String) throws(EngineError) -> Bool {
        for id in [a, b] {
            if let problem = Identifier.validatePlayer(id) { throw .invalidField("player", "player id \(problem)") }
        }
        guard let pa = players.find(a), let pb = players.find(b) else { return false }
        return players.unlink(pa, pb)
    }

    // MARK: Audience and watchers (session state: not logged, not in snapshots)

    /// Marks a player as worth notifying (connected, or within its resume window).
    @discardableResult
    public func setInAudience(_ id: String, _ present: Bool) throws(EngineError) -> PlayerIndex {
        let p = try validPlayer(id)
        if present { audience.insert(p) } else { audience.remove(p) }
        return p
    }

    /// Starts or stops `player` watching its global rank on (board, window): it is then told when
    /// anyone passes it there, even outside the top K.
    public func setWatching(_ id: String, board: String, window: WindowKind, _ on: Bool) throws(EngineError) {
        let (_, w) = try self.window(board, window)
        let p = try validPlayer(id)
        let key = w.global.members.key(of: p)
        if on {
            guard w.watchers.insert(p).inserted else { return }
            if let key { w.watcherTree.insert(key, player: p) }
        } else {
            guard w.watchers.remove(p) != nil else { return }
            if let key { w.watcherTree.remove(key, player: p) }
        }
    }

    // MARK: Time

    /// Rotates every window whose period ended before `now`: archives and frees it. Callers log
    /// a rotation before calling so replay rotates at the same point. Returns what rotated.
    @discardableResult
    public func rotateWindows(now: Int64) -> [(board: String, window: WindowKind, archived: ArchivedPeriod?)] {
        var rotated: [(String, WindowKind, ArchivedPeriod?)] = []
        for b in boards {
            for w in b.windows where w.kind != .alltime && now >= w.period.end {
                let next = b.definition.calendar.period(w.kind, containing: now)
                let archived = w.rotate(to: next, archivePeriods: b.definition.archivePeriods,
                                        archiveTop: b.definition.archiveTop)
                rotated.append((b.definition.id, w.kind, archived))
            }
        }
        return rotated
    }

    /// The earliest end of any current period (Unix ms), so the caller knows when to rotate.
    public var nextRotation: Int64 {
        var next = Int64.max
        for b in boards { for w in b.windows where w.kind != .alltime { next = min(next, w.period.end) } }
        return next
    }

    /// Ensures the spectator baseline of `ref` exists (computed from the state before a change).
    func prepareTop(_ w: WindowState, _ ref: SetRef, depth: Int) {
        if !w.baselines.contains(ref.scope) {
            w.baselines[ref.scope] = .init(top: w.top(ref.scope, limit: depth), size: w.tree(for: ref.scope)?.count ?? 0)
        }
    }
}
