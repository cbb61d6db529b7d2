// `overtake-load fanout`: N WebSocket players (watch + subscribe one board), M spectators
// (WebSocket or SSE), a fraction of slow readers, and posters driving score events at a rate.
// Measures delivered messages per second, `t` latency (healthy vs slow), score → rank latency,
// server disconnects, RSS and CPU. The phases: seed, connect, warm up, measure, drain.
import GatewayProtocols

struct FanoutCommand {
    var target: LoadTarget
    var subscribers: Int
    var spectators: Int
    var spectatorsUseSSE: Bool
    var board: String
    /// Board windows every client follows (each one a subscription / spectated stream).
    var windows: [String]
    var rate: Double
    var duration: Double
    var warmup: Double
    var drain: Double
    var slowFraction: Double
    var secret: [UInt8]
    var internalToken: String
    var batch: Int
    var posters: Int
    var players: Int
    var walkRange: Int
    var walkStep: Int
    /// Whether events carry an idempotency id (`"event_id"`), as a game backend that retries sends them.
    var eventIDs: Bool
    /// Whether score posts send `Prefer: return=minimal`.
    var minimalReplies: Bool
    var watch: Bool
    /// Subscribers also spectate the windows (personal and board traffic on one connection).
    var subscribersSpectate: Bool
    var sources: SourceAddresses?
    var loops: Int
    var server: ServerProcesses?
    /// Another server (nchan): clients connect here and send nothing…
    var webSocketPath: String?
    /// …and posters publish one JSON message per request here (no seeding).
    var publishPath: String?
    /// Size of a published message.
    var messageBytes: Int
    var prefix: String
    var seed: UInt64
    var slowReceiveBuffer: Int
    var maxConnecting: Int

    init(_ o: inout LoadOptions) throws(LoadOptionError) {
        target = try LoadTarget.parse(try o.requiredString("url"))
        subscribers = try o.int("subscribers", default: 1000, range: 0...1_000_000)
        spectators = try o.int("spectators", default: 0, range: 0...1_000_000)
        let kind = o.string("spectator-kind", default: "ws")
        guard kind == "ws" || kind == "sse" else { throw .invalid(option: "spectator-kind", value: kind, expected: "ws or sse") }
        spectatorsUseSSE = kind == "sse"
        board = o.string("board", default: "bench")
        windows = o.string("window", default: "alltime").split(separator: ",").map(String.init)
        guard !windows.isEmpty else { throw .invalid(option: "window", value: "", expected: "WINDOW[,WINDOW…]") }
        rate = try o.double("rate", default: 1000, range: 0...10_000_000)
        duration = try o.double("duration", default: 10, range: 0.5...3600)
        warmup = try o.double("warmup", default: 2, range: 0...600)
        drain = try o.double("drain", default: 2, range: 0...600)
        slowFraction = try o.double("slow-fraction", default: 0, range: 0...1)
        secret = Array(try o.requiredString("token-secret").utf8)
        internalToken = try o.requiredString("internal-token")
        batch = try o.int("batch", default: 100, range: 1...10_000)
        posters = try o.int("posters", default: 4, range: 1...256)
        players = try o.int("players", default: max(subscribers, 1000), range: 1...100_000_000)
        walkRange = try o.int("walk-range", default: 1000, range: 1...1_000_000)
        walkStep = try o.int("walk-step", default: 20, range: 0...1_000_000)
        eventIDs = try o.int("event-ids", default: 0, range: 0...1) == 1
        minimalReplies = try o.string("replies").map { text throws(LoadOptionError) in
            guard text == "full" || text == "minimal" else { throw .invalid(option: "replies", value: text, expected: "full or minimal") }
            return text == "minimal"
        } ?? false
        watch = try o.int("watch", default: 1, range: 0...1) == 1
        subscribersSpectate = try o.int("spectate", default: 0, range: 0...1) == 1
        sources = try o.string("sources").map { text throws(LoadOptionError) in try SourceAddresses.parse(text) }
        loops = try o.int("loops", default: 1, range: 1...16)
        server = try o.string("server-pid").map { text throws(LoadOptionError) in try ServerProcesses.parse(text) }
        webSocketPath = o.string("ws-path")
        publishPath = o.string("publish-path")
        messageBytes = try o.int("message-bytes", default: 600, range: 80...65_000)
        prefix = o.string("player-prefix", default: "lp")
        seed = UInt64(try o.int("seed", default: 1, range: 0...Int.max))
        slowReceiveBuffer = try o.int("slow-rcvbuf", default: 16384, range: 0...(64 << 20))
        maxConnecting = try o.int("max-connecting", default: 256, range: 1...100_000)
        try o.checkUnknown()
        guard players >= subscribers else { throw .invalid(option: "players", value: "\(players)", expected: "at least --subscribers") }
        guard webSocketPath == nil || subscribers == 0 else {
            throw .invalid(option: "subscribers", value: "\(subscribers)", expected: "0 with --ws-path (clients there are spectators)")
        }
    }

    /// The clients: subscribers (players 0..<N) first, then spectators; every k-th WebSocket
    /// client is slow so that the slow ones make up `slowFraction`.
    func makeSpecs() -> [ClientSpec] {
        let expiry = LoadClock.unixNanoseconds() / 1_000_000_000 + 86_400
        var specs: [ClientSpec] = []
        specs.reserveCapacity(subscribers + spectators)
        var webSocketIndex = 0
        func isSlow() -> Bool {
            defer { webSocketIndex += 1 }
            return (Double(webSocketIndex + 1) * slowFraction).rounded(.down) > (Double(webSocketIndex) * slowFraction).rounded(.down)
        }
        var commands: [String] = []
        let spectate = windows.map { #"{"type":"spectate","board":"\#(board)","window":"\#($0)"}"# }
        if let webSocketPath {
            for _ in 0..<spectators {
                specs.append(ClientSpec(kind: .webSocket(path: webSocketPath, commands: []), player: nil, slow: isSlow(),
                                        source: sources?.address(for: specs.count), expectedReplies: 0))
            }
            return specs
        }
        for window in windows {
            if watch { commands.append(#"{"type":"watch","board":"\#(board)","window":"\#(window)"}"#) }
            commands.append(#"{"type":"subscribe","board":"\#(board)","window":"\#(window)","scope":"global"}"#)
        }
        if subscribersSpectate { commands += spectate }
        for i in 0..<subscribers {
            let token = PlayerToken(player: "\(prefix)\(i)", expiresAt: expiry).signed(secret: secret)
            specs.append(ClientSpec(kind: .webSocket(path: "/v1/ws?token=\(token)", commands: commands), player: UInt32(i),
                                    slow: isSlow(), source: sources?.address(for: specs.count), expectedReplies: commands.count))
        }
        for i in 0..<spectators {
            if spectatorsUseSSE {
                // One stream per window (an SSE connection follows one stream).
                let window = windows[i % windows.count]
                specs.append(ClientSpec(kind: .eventStream(path: "/v1/boards/\(board)/\(window)/stream"), player: nil, slow: false,
                                        source: sources?.address(for: specs.count), expectedReplies: 1))
            } else {
                let token = PlayerToken(player: "\(prefix)s\(i)", expiresAt: expiry).signed(secret: secret)
                specs.append(ClientSpec(kind: .webSocket(path: "/v1/ws?token=\(token)", commands: spectate), player: nil,
                                        slow: isSlow(), source: sources?.address(for: specs.count), expectedReplies: spectate.count))
            }
        }
        return specs
    }

    func run() throws -> Int32 {
        if let publishPath {
            print("fanout (publish mode): \(spectators) WebSocket clients on \(webSocketPath ?? "?"), \(LoadReport.fixed(rate, 0)) messages/s "
                  + "of \(messageBytes) B POSTed to \(publishPath) over \(posters) connections; load average \(ServerProbe.loadAverage())")
        } else {
            print("fanout: \(subscribers) subscribers (watch \(watch ? "on" : "off")) of \(board)/\(windows.joined(separator: ",")), "
                  + "\(spectators) \(spectatorsUseSSE ? "SSE" : "WebSocket") spectators, slow fraction \(slowFraction), "
                  + "\(LoadReport.fixed(rate, 0)) events/s in batches of \(batch) over \(posters) connections, "
                  + "\(players) players walking on 0..<\(walkRange) (step ±\(walkStep)); load average \(ServerProbe.loadAverage())")
        }
        let runner = try LoadRunner(loops: loops, target: target, maxConnecting: maxConnecting,
                                    slowReceiveBuffer: slowReceiveBuffer, seed: seed)
        defer { runner.stop() }
        let plan = ScorePoster.Plan(target: try target.address(), authority: target.authority, internalToken: internalToken,
                                    connections: posters, batch: publishPath == nil ? batch : 1, seedBatch: 5000,
                                    publishPath: publishPath, messageBytes: messageBytes, minimalReplies: minimalReplies)
        let events = ScoreEvents(board: board, prefix: prefix, players: players, range: walkRange, step: walkStep,
                                  eventIDs: eventIDs, seed: seed &+ 77)
        try runner.startPoster(plan: plan, events: events)
        guard publishPath != nil || seedPlayers(runner) else { return 1 }
        guard connectClients(runner) else { return 1 }
        let measurement = measure(runner)
        return report(measurement)
    }

    private func seedPlayers(_ runner: LoadRunner) -> Bool {
        let started = LoadClock.monotonicNanoseconds()
        LoadRunner.wait(seconds: 10) { runner.posterProgress.connected.load(ordering: .relaxed) == posters }
        runner.onPoster { $0.seed() }
        let seeded = LoadRunner.wait(seconds: 120) {
            runner.posterProgress.seeded.load(ordering: .relaxed) >= players || runner.posterProgress.failed.load(ordering: .relaxed) >= posters
        }
        runner.onPoster { $0.finishSeeding() }
        let count = runner.posterProgress.seeded.load(ordering: .relaxed)
        print("seeded \(count) players in \(LoadReport.fixed(LoadClock.seconds(since: started), 2)) s")
        if !seeded || count < players {
            let stats = runner.askPoster { $0.stats }
            print("seeding failed: \(count) of \(players) accepted; statuses \(stats?.failures ?? [:]), throttled \(stats?.throttled ?? 0), "
                  + "transport errors \(stats?.transportErrors ?? 0)")
            return false
        }
        return true
    }

    private func connectClients(_ runner: LoadRunner) -> Bool {
        let specs = makeSpecs()
        guard !specs.isEmpty else { return true }
        let started = LoadClock.monotonicNanoseconds()
        runner.add(specs)
        LoadRunner.wait(seconds: 180) { runner.progress.settled >= specs.count }
        let established = runner.progress.established.load(ordering: .relaxed)
        let ready = LoadRunner.wait(seconds: 60) { runner.progress.ready.load(ordering: .relaxed) >= established }
        print("connected \(established) of \(specs.count) clients (\(runner.progress.failed.load(ordering: .relaxed)) failed) in "
              + "\(LoadReport.fixed(LoadClock.seconds(since: started), 2)) s; \(runner.progress.ready.load(ordering: .relaxed)) ready"
              + (ready ? "" : " (timed out waiting for acks/snapshots)"))
        if !ready {
            let stats = runner.collect()
            print("  replies so far: \(stats.acks) acks, \(stats.snapshots) snapshots, \(stats.errors) errors"
                  + (stats.sampleErrors.isEmpty ? "" : " (\(stats.sampleErrors.prefix(2).joined(separator: " | ")))"))
        }
        if established == 0 {
            let stats = runner.collect()
            for (reason, count) in stats.failures { print("  failed: \(count) × \(reason)") }
            return false
        }
        return true
    }
}
