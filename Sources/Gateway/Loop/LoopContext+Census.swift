// The sets this loop's push sessions follow, for the engine's interest census
// (EngineService+Interest). O(sessions on the loop), every few seconds.
import LeaderboardEngine

extension LoopContext {
    func interestCensus() -> (keys: [InterestTracker.Key], wildcard: Bool) {
        var keys: Set<InterestTracker.Key> = []
        var wildcard = false
        for list in playerSessions.values {
            for session in list.sessions {
                if session.wantsAllPersonal { wildcard = true }
                for s in session.subscriptions.elements { keys.insert(s.interestKey) }
                for s in session.watching.elements { keys.insert(InterestTracker.Key(board: s.board, window: s.window, scope: .global)) }
            }
        }
        return (Array(keys), wildcard)
    }
}

extension Subscription {
    var interestKey: InterestTracker.Key {
        InterestTracker.Key(board: board, window: window, scope: scope == 0 ? .global : scope == 1 ? .region : .friends)
    }
}
