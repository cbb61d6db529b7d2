// Keeping the engine's personal-notification interest (LeaderboardEngine+Interest) in step with
// what sessions follow: subscriptions mark their set at once; every `censusInterval` each loop
// reports the sets its sessions follow, and sets nobody reported within the linger (the resume
// window plus three censuses) are dropped. SSE player streams want every personal message,
// which turns the filter off while any is reported.
import GatewayNet
import LeaderboardEngine

extension EngineService {
    static let censusIntervalMillis: Int64 = 5_000

    /// A session follows `key` (called before its subscription is acknowledged).
    func noteInterest(_ key: InterestTracker.Key) {
        if interest.saw(key, now: nowMilliseconds) {
            engine.setPersonalInterest(board: key.board, window: key.window, scope: key.scope, true)
        }
    }

    /// A session wants every personal message.
    func noteWildcardInterest() {
        interest.sawWildcard(now: nowMilliseconds)
        engine.filtersPersonal = false
    }

    /// One loop's census: the sets its sessions follow, and whether one wants everything.
    func censusReport(_ keys: [InterestTracker.Key], wildcard: Bool) {
        for key in keys { noteInterest(key) }
        if wildcard { noteWildcardInterest() }
    }

    /// Drops interest nobody reported within the linger.
    func expireInterest() {
        let now = nowMilliseconds
        for key in interest.expire(now: now) {
            engine.setPersonalInterest(board: key.board, window: key.window, scope: key.scope, false)
        }
        engine.filtersPersonal = !interest.wildcardActive(now: now)
    }

    /// Asks every loop for its census, expires stale interest, and re-arms.
    func scheduleCensus() {
        loop.schedule(after: .milliseconds(Self.censusIntervalMillis)) { [unowned self] in
            self.expireInterest()
            let engineHandle = self.handle!
            for l in self.loops {
                l.execute { loop in
                    guard let context = loop.context as? LoopContext else { return }
                    let (keys, wildcard) = context.interestCensus()
                    engineHandle.run { service in service.censusReport(keys, wildcard: wildcard) }
                }
            }
            self.scheduleCensus()
        }
    }
}
