// A seeded random "game" for the durable-engine tests: ticks of engine operations covering every
// operation kind (board definitions and redefinitions, players, friends, rotations, score batches
// with and without event ids, regions and times, duplicates and rejections), plus engine
// comparisons by snapshot and by queries.
import LeaderboardEngine
import LeaderboardStorage
import TestSupport

/// Generates ticks deterministically from a seed.
struct EngineGame {
    static let start: Int64 = 1_795_392_000_000
    var random: SeededRandom
    var now = EngineGame.start
    private var ticks = 0
    let players: [String]

    init(seed: UInt64, playerCount: Int = 120) {
        random = SeededRandom(seed: seed)
        // Mostly ASCII ids, some multi-byte ones (the codec counts UTF-8 bytes, not characters).
        players = (0..<playerCount).map { i in i % 17 == 0 ? "игрок-\(i)-π" : i % 23 == 0 ? "🏁\(i)" : "p\(i)" }
    }

    static let boards: [BoardDefinition] = [
        BoardDefinition(id: "arena", windows: [.alltime, .daily], scopes: [.global, .region, .friends], notifyDepth: 10),
        BoardDefinition(id: "laps", order: .ascending, scoreOperator: .min, windows: [.weekly, .alltime],
                        calendar: BoardCalendar(utcOffsetMinutes: -300, weekStart: .sunday), scopes: [.global, .region],
                        minScore: 1, maxScore: 10_000_000),
        BoardDefinition(id: "total", scoreOperator: .sum, windows: [.monthly, .alltime], archivePeriods: 2, archiveTop: 5),
        BoardDefinition(id: "last", scoreOperator: .latest, windows: [.daily], archivePeriods: 3, archiveTop: 3),
    ]

    private mutating func pick<T>(_ items: [T]) -> T { items[Int(random.next() % UInt64(items.count))] }
    private mutating func chance(_ percent: UInt64) -> Bool { random.next() % 100 < percent }

    /// The next tick's operations (the first tick defines the boards).
    mutating func nextTick() -> [EngineOperation] {
        defer { ticks += 1 }
        now += Int64(random.next() % 3_600_000)
        if ticks == 0 { return Self.boards.map { .defineBoard($0, now: now) } }
        var operations: [EngineOperation] = []
        if chance(8) { operations.append(.rotate(now: now)) }
        if chance(10) { operations.append(playerUpdate()) }
        if chance(10) {
            let a = pick(players), b = pick(players)
            operations.append(chance(70) ? .addFriends(a, b) : .removeFriends(a, b))
        }
        if chance(3) {
            var redefined = pick(Self.boards)
            redefined.notifyDepth = Int(random.next() % 50) + 1
            // (Not a duplicate window: validate() lets one through and the engine then traps.)
            if chance(50), !redefined.windows.contains(.weekly) { redefined.windows.append(.weekly) }
            operations.append(.defineBoard(redefined, now: now))
        }
        operations.append(.scores(now: now, events: (0..<Int(random.next() % 12) + 1).map { _ in event() }))
        return operations
    }

    private mutating func playerUpdate() -> EngineOperation {
        let region: String? = chance(60) ? pick(["eu", "us", "asia", ""]) : nil
        let name: String? = chance(50) ? pick(["Ana", "Bø", "", "名前"]) : nil
        return .updatePlayer(id: pick(players), region: region, displayName: name)
    }

    private mutating func event() -> ScoreEvent {
        let board = chance(3) ? "nope" : pick(Self.boards).id
        var score = Int64(random.next() % 1_000_000) - 1000
        if chance(2) { score = pick([Int64.max, Int64.min, 0, -1]) }
        // Ids repeat sometimes, so duplicates are answered from idempotency memory.
        let id: String? = chance(60) ? "m\(random.next() % 400)" : nil
        let region: String? = chance(15) ? pick(["eu", "us", "bad region"]) : nil
        let at: Int64? = chance(20) ? now - Int64(random.next() % 90_000_000) + (chance(5) ? 120_000 : 0) : nil
        let player = chance(2) ? String(repeating: "x", count: 70) : pick(players)
        return ScoreEvent(board: board, player: player, score: score, eventID: id, region: region, at: at)
    }
}

/// Performs `ticks` in order on a fresh engine.
func referenceEngine(_ ticks: some Sequence<[EngineOperation]>,
                     configuration: EngineConfiguration = EngineConfiguration()) -> LeaderboardEngine {
    let engine = LeaderboardEngine(configuration: configuration)
    for tick in ticks { for operation in tick { engine.perform(operation) } }
    return engine
}

/// Differences between two engines' query answers (top pages of every board window and scope,
/// standings of some players), as readable lines; empty when they answer alike.
func queryDifferences(_ a: LeaderboardEngine, _ b: LeaderboardEngine, players: [String]) -> [String] {
    var differences: [String] = []
    for definition in a.definitions {
        for window in definition.windows {
            let scopes: [ScopeQuery] = definition.scopes.contains(.region) ? [.global, .region("eu"), .region("us")] : [.global]
            for scope in scopes {
                let left = try? a.top(board: definition.id, window: window, scope: scope, limit: 1000)
                let right = try? b.top(board: definition.id, window: window, scope: scope, limit: 1000)
                if left != right { differences.append("top \(definition.id)/\(window)/\(scope)") }
            }
            let archivesA = try? a.periods(board: definition.id, window: window)
            let archivesB = try? b.periods(board: definition.id, window: window)
            if archivesA != archivesB { differences.append("archives \(definition.id)/\(window)") }
            for player in players.prefix(30) {
                let left = try? a.standing(board: definition.id, window: window, player: player, around: 2)
                let right = try? b.standing(board: definition.id, window: window, player: player, around: 2)
                if left != right { differences.append("standing \(player) \(definition.id)/\(window)") }
            }
        }
    }
    return differences
}
