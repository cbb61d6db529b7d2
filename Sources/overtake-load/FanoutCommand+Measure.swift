// The measured part of `fanout`: warm up, snapshot counters and server readings, sample RSS
// while the posters run, snapshot again, drain, let slow clients read their backlog (and the
// server's close frames), then collect and match posts to rank messages.
import Glibc

/// Everything `fanout` reports.
struct FanoutMeasurement {
    var seconds = 0.0
    var counters = MessageCounters()
    var metricsStart: [String: Double]?
    var metricsEnd: [String: Double]?
    var serverCPUSeconds: Double?
    var generatorCPUSeconds: Double?
    /// Requests/events the posters saw accepted in the window (for servers without /metrics).
    var posterAccepted = 0
    var rssStart: Int?
    var rssPeak: Int?
    var rssEnd: Int?
    var rssAfterDrain: Int?
    /// RSS (KiB) once per second of the window.
    var rssTrace: [Int] = []
    var stats = ClientStats()
    var poster = PosterStats()
    var endToEnd = PostMatcher.Outcome()
    var slowClients = 0

    /// Δ of a server counter over the window, nil without /metrics.
    func delta(_ name: String) -> Double? {
        guard let a = metricsStart?[name], let b = metricsEnd?[name] else { return nil }
        return b - a
    }
}

extension FanoutCommand {
    func measure(_ runner: LoadRunner) -> FanoutMeasurement {
        var m = FanoutMeasurement()
        m.slowClients = makeSlowCount()
        let server = self.server
        m.rssStart = server?.residentKilobytes()
        let rate = self.rate
        runner.onPoster { $0.start(rate: rate) }
        LoadClock.sleep(seconds: warmup)
        runner.onClients { $0.stats.resetWindow() }
        runner.onPoster { $0.resetWindow() }
        let countersStart = runner.counters()
        let acceptedStart = runner.askPoster { $0.stats.accepted } ?? 0
        m.metricsStart = publishPath == nil ? ServerProbe.metrics(target) : nil
        let serverCPUStart = server?.cpuSeconds()
        let selfCPUStart = ServerProbe.cpuSeconds(pid: getpid())
        let started = LoadClock.monotonicNanoseconds()
        var nextTrace = 1.0
        var peak = m.rssStart ?? 0
        while LoadClock.seconds(since: started) < duration {
            LoadClock.sleep(seconds: min(0.25, max(0.01, duration - LoadClock.seconds(since: started))))
            guard let rss = server?.residentKilobytes() else { continue }
            peak = max(peak, rss)
            if LoadClock.seconds(since: started) >= nextTrace {
                m.rssTrace.append(rss)
                nextTrace += 1
            }
        }
        m.counters = runner.counters() - countersStart
        m.posterAccepted = (runner.askPoster { $0.stats.accepted } ?? 0) - acceptedStart
        m.seconds = LoadClock.seconds(since: started)
        let serverCPUEnd = server?.cpuSeconds()
        let selfCPUEnd = ServerProbe.cpuSeconds(pid: getpid())
        m.metricsEnd = publishPath == nil ? ServerProbe.metrics(target) : nil
        m.rssEnd = server?.residentKilobytes()
        m.rssPeak = server == nil ? nil : max(peak, m.rssEnd ?? 0)
        if let a = serverCPUStart, let b = serverCPUEnd { m.serverCPUSeconds = b - a }
        if let a = selfCPUStart, let b = selfCPUEnd { m.generatorCPUSeconds = b - a }
        runner.onPoster { $0.stop() }
        LoadClock.sleep(seconds: drain)
        if m.slowClients > 0 {
            runner.onClients { $0.resumeSlowClients() }
            LoadClock.sleep(seconds: max(drain, 2))
        }
        m.rssAfterDrain = server?.residentKilobytes()
        m.stats = runner.collect()
        m.poster = runner.askPoster { $0.stats } ?? PosterStats()
        m.endToEnd = PostMatcher.match(postKeys: m.poster.postKeys, postTimes: m.poster.postTimes,
                                       receiptKeys: m.stats.rankKeys, receiptTimes: m.stats.rankTimes)
        return m
    }

    /// How many WebSocket clients `makeSpecs` marks slow.
    func makeSlowCount() -> Int {
        let webSocketClients = subscribers + (spectatorsUseSSE ? 0 : spectators)
        return Int((Double(webSocketClients) * slowFraction).rounded(.down))
    }
}
