// The orchestrating thread's handle on the load: the client loops and the poster loop, jobs
// posted to them, and blocking waits for their answers. Invariant: loop state is only touched
// by jobs running on its loop; answers come back through a mutex-protected box.
import GatewayNet
import Synchronization

/// A value a loop job hands back to the waiting orchestrator.
final class Answer<T: Sendable>: Sendable {
    let value = Mutex<T?>(nil)
}

final class LoadRunner {
    let clients: EventLoopGroup
    let progress = LoadProgress()
    private(set) var poster: EventLoopGroup?
    let posterProgress = PosterProgress()

    /// Starts `loops` client loops aimed at `target`.
    init(loops: Int, target: LoadTarget, maxConnecting: Int, slowReceiveBuffer: Int, seed: UInt64) throws(NetError) {
        let address = try target.address()
        let authority = target.authority
        let progress = self.progress
        var configuration = EventLoopConfiguration()
        configuration.maxEventsPerWait = 1024
        configuration.connectionSetupTimeout = .seconds(30)
        clients = try EventLoopGroup(loopCount: loops, configuration: configuration, name: "load") { loop in
            loop.context = LoadLoop(loop: loop, target: address, authority: authority, progress: progress,
                                    maxConnecting: maxConnecting, slowReceiveBuffer: Int32(slowReceiveBuffer),
                                    seed: seed &+ UInt64(loop.handle.index) &* 0x9E37)
        }
    }

    /// Starts the poster loop (1 ms timer resolution) and opens its connections.
    func startPoster(plan: ScorePoster.Plan, events: ScoreEvents) throws(NetError) {
        var configuration = EventLoopConfiguration()
        configuration.timerTickNanoseconds = 1_000_000
        let progress = posterProgress
        let group = try EventLoopGroup(loopCount: 1, configuration: configuration, name: "poster") { loop in
            let poster = ScorePoster(loop: loop, plan: plan, events: events, progress: progress)
            loop.context = poster
            poster.connect()
        }
        poster = group
    }

    /// Runs `job` on the poster loop.
    func onPoster(_ job: @escaping @Sendable (ScorePoster) -> Void) {
        poster?.loops[0].execute { loop in job(Self.poster(of: loop)) }
    }

    /// Runs `job` on the poster loop and waits for its answer.
    func askPoster<T: Sendable>(_ job: @escaping @Sendable (ScorePoster) -> T) -> T? {
        guard let handle = poster?.loops[0] else { return nil }
        return Self.ask(handle) { job(Self.poster(of: $0)) }
    }

    /// Hands `specs` to the client loops round robin.
    func add(_ specs: [ClientSpec]) {
        let n = clients.loops.count
        for (i, handle) in clients.loops.enumerated() {
            let mine = stride(from: i, to: specs.count, by: n).map { specs[$0] }
            handle.execute { loop in Self.client(of: loop).add(mine) }
        }
    }

    /// Runs `job` on every client loop (no wait).
    func onClients(_ job: @escaping @Sendable (LoadLoop) -> Void) {
        for handle in clients.loops { handle.execute { loop in job(Self.client(of: loop)) } }
    }

    /// Runs `job` on every client loop and waits for all answers (in loop order).
    func askClients<T: Sendable>(_ job: @escaping @Sendable (LoadLoop) -> T) -> [T] {
        clients.loops.compactMap { handle in Self.ask(handle) { job(Self.client(of: $0)) } }
    }

    /// Every loop's statistics, merged.
    func collect() -> ClientStats {
        var total = ClientStats()
        for part in askClients({ $0.stats }) { total.merge(part) }
        return total
    }

    /// Message counters summed over loops.
    func counters() -> MessageCounters {
        var total = MessageCounters()
        for part in askClients({ $0.stats.counters }) { total.add(part) }
        return total
    }

    /// Polls `condition` every 20 ms until it holds or `seconds` pass; returns whether it held.
    @discardableResult
    static func wait(seconds: Double, until condition: () -> Bool) -> Bool {
        let start = LoadClock.monotonicNanoseconds()
        while !condition() {
            if LoadClock.seconds(since: start) >= seconds { return false }
            LoadClock.sleep(seconds: 0.02)
        }
        return true
    }

    /// Stops every loop (open connections are closed).
    func stop() {
        onClients { $0.closeAll() }
        poster?.stop()
        clients.stop()
    }

    private static func ask<T: Sendable>(_ handle: EventLoopHandle, _ job: @escaping @Sendable (EventLoop) -> T) -> T? {
        let answer = Answer<T>()
        guard handle.execute({ loop in
            let value = job(loop)
            answer.value.withLock { $0 = value }
        }) else { return nil }
        while true {
            if let value = answer.value.withLock({ $0 }) { return value }
            LoadClock.sleep(seconds: 0.001)
        }
    }

    private static func client(of loop: EventLoop) -> LoadLoop {
        guard let state = loop.context as? LoadLoop else { preconditionFailure("client loop without its LoadLoop") }
        return state
    }

    private static func poster(of loop: EventLoop) -> ScorePoster {
        guard let state = loop.context as? ScorePoster else { preconditionFailure("poster loop without its ScorePoster") }
        return state
    }
}
