// Every change to durable engine state, as one value: what the write-ahead log records and what
// replay performs. Performing the same operations in the same order on the same state gives the
// same state, answers and idempotency memory.

public enum EngineOperation: Sendable, Equatable {
    case scores(now: Int64, events: [ScoreEvent])
    case defineBoard(BoardDefinition, now: Int64)
    case updatePlayer(id: String, region: String?, displayName: String?)
    case addFriends(String, String)
    case removeFriends(String, String)
    case rotate(now: Int64)
}

extension LeaderboardEngine {
    /// Performs a logged operation during replay. Errors are ignored: an operation that failed
    /// when first performed changed nothing then and changes nothing now.
    public func perform(_ operation: EngineOperation) {
        switch operation {
        case let .scores(now, events): _ = apply(events, now: now)
        case let .defineBoard(definition, now): _ = try? defineBoard(definition, now: now)
        case let .updatePlayer(id, region, displayName): try? updatePlayer(id, region: region, displayName: displayName)
        case let .addFriends(a, b): _ = try? addFriends(a, b)
        case let .removeFriends(a, b): _ = try? removeFriends(a, b)
        case let .rotate(now): rotateWindows(now: now)
        }
    }
}
