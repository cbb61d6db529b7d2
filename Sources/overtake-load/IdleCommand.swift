// `overtake-load idle`: opens N WebSocket connections (one player each), holds them idle and
// reports connect outcomes, connect time, and the server's RSS before and after, per connection.
import GatewayProtocols
import Glibc

struct IdleCommand {
    var target: LoadTarget
    var connections: Int
    var secret: [UInt8]
    var sources: SourceAddresses?
    var hold: Double
    var server: ServerProcesses?
    /// Connect to this path instead of `/v1/ws?token=…` and send nothing (another server, e.g.
    /// an nchan subscriber location).
    var webSocketPath: String?
    var loops: Int
    /// `board/window` to subscribe to, nil = none.
    var subscribe: (board: String, window: String)?
    var prefix: String
    var maxConnecting: Int
    var seed: UInt64
    var connectTimeout: Double

    init(_ o: inout LoadOptions) throws(LoadOptionError) {
        target = try LoadTarget.parse(try o.requiredString("url"))
        connections = try o.int("connections", default: nil, range: 1...1_000_000)
        secret = Array(try o.requiredString("token-secret").utf8)
        sources = try o.string("sources").map { text throws(LoadOptionError) in try SourceAddresses.parse(text) }
        hold = try o.double("hold", default: 10, range: 0...86_400)
        server = try o.string("server-pid").map { text throws(LoadOptionError) in try ServerProcesses.parse(text) }
        webSocketPath = o.string("ws-path")
        loops = try o.int("loops", default: 1, range: 1...16)
        if let text = o.string("subscribe") {
            let parts = text.split(separator: "/")
            guard parts.count == 2 else { throw .invalid(option: "subscribe", value: text, expected: "BOARD/WINDOW") }
            subscribe = (String(parts[0]), String(parts[1]))
        }
        prefix = o.string("player-prefix", default: "idle")
        maxConnecting = try o.int("max-connecting", default: 256, range: 1...100_000)
        seed = UInt64(try o.int("seed", default: 1, range: 0...Int.max))
        connectTimeout = try o.double("connect-timeout", default: 180, range: 1...3600)
        try o.checkUnknown()
    }

    func run() throws -> Int32 {
        let rssBefore = server?.residentKilobytes()
        print("idle: \(connections) WebSocket connections to \(target.authority)"
              + (sources.map { ", sources \($0.hosts.first!)…\($0.hosts.last!)" } ?? "") + ", load average \(ServerProbe.loadAverage())")
        if let rssBefore { print("server RSS before: \(rssBefore) KiB") }
        let expiry = LoadClock.unixNanoseconds() / 1_000_000_000 + 86_400
        var commands: [String] = []
        if let subscribe {
            commands.append(#"{"type":"subscribe","board":"\#(subscribe.board)","window":"\#(subscribe.window)","scope":"global"}"#)
        }
        var specs: [ClientSpec] = []
        specs.reserveCapacity(connections)
        for i in 0..<connections {
            let spec: ClientSpec
            if let webSocketPath {
                spec = ClientSpec(kind: .webSocket(path: webSocketPath, commands: []), player: nil, slow: false,
                                  source: sources?.address(for: i), expectedReplies: 0)
            } else {
                let token = PlayerToken(player: "\(prefix)\(i)", expiresAt: expiry).signed(secret: secret)
                spec = ClientSpec(kind: .webSocket(path: "/v1/ws?token=\(token)", commands: commands), player: nil,
                                  slow: false, source: sources?.address(for: i), expectedReplies: commands.count)
            }
            specs.append(spec)
        }
        let runner = try LoadRunner(loops: loops, target: target, maxConnecting: maxConnecting, slowReceiveBuffer: 0, seed: seed)
        let selfRSSBefore = ServerProbe.residentKilobytes(pid: getpid())
        let started = LoadClock.monotonicNanoseconds()
        runner.add(specs)
        let settled = LoadRunner.wait(seconds: connectTimeout) { runner.progress.settled >= connections }
        let connectSeconds = LoadClock.seconds(since: started)
        let established = runner.progress.established.load(ordering: .relaxed)
        LoadRunner.wait(seconds: 30) { runner.progress.ready.load(ordering: .relaxed) >= established }
        print("connected: \(established) established, \(runner.progress.failed.load(ordering: .relaxed)) failed in "
              + "\(LoadReport.fixed(connectSeconds, 2)) s" + (settled ? "" : " (timed out waiting for the rest)"))
        LoadClock.sleep(seconds: 2)
        let rssAfter = server?.residentKilobytes()
        var rssPeak = rssAfter ?? 0
        let holdStart = LoadClock.monotonicNanoseconds()
        while LoadClock.seconds(since: holdStart) < hold {
            LoadClock.sleep(seconds: min(1, hold))
            if let rss = server?.residentKilobytes() { rssPeak = max(rssPeak, rss) }
        }
        let rssEnd = server?.residentKilobytes()
        let gauge = webSocketPath == nil ? ServerProbe.metrics(target)?["overtake_connections{kind=\"websocket\"}"] : nil
        let stats = runner.collect()
        let closedDuringHold = runner.progress.closed.load(ordering: .relaxed)
        let selfRSS = ServerProbe.residentKilobytes(pid: getpid())
        runner.stop()
        return report(stats, connectSeconds: connectSeconds, rss: (rssBefore, rssAfter, rssEnd, rssPeak), gauge: gauge,
                      closed: closedDuringHold, selfRSS: (selfRSSBefore, selfRSS))
    }

    private func report(_ stats: ClientStats, connectSeconds: Double, rss: (Int?, Int?, Int?, Int), gauge: Double?,
                        closed: Int, selfRSS: (Int?, Int?)) -> Int32 {
        var json = LoadReport(command: "idle")
        json.add("connections", connections)
        json.add("established", stats.established)
        json.add("failed", stats.failed)
        json.add("connect_seconds", connectSeconds)
        json.add("setup", milliseconds: stats.setupTime)
        json.add("closed_during_hold", closed)
        print("setup time per connection (connect + upgrade): \(LoadReport.describe(stats.setupTime))")
        for (reason, count) in stats.failures.sorted(by: { $0.value > $1.value }) { print("  failed: \(count) × \(reason)") }
        if let gauge { print("server gauge overtake_connections{websocket}: \(Int(gauge))") }
        if closed > 0 { print("closed during hold: \(closed)") }
        if let before = rss.0, let after = rss.1 {
            let perConnection = stats.established > 0 ? Double(after - before) * 1024 / Double(stats.established) : 0
            print("server RSS: before \(before) KiB, all connected \(after) KiB, end of hold \(rss.2 ?? 0) KiB, peak \(rss.3) KiB")
            print("server RSS per connection: \(LoadReport.fixed(perConnection, 0)) B ((after − before) / established)")
            json.add("server_rss_before_kb", before)
            json.add("server_rss_after_kb", after)
            json.add("server_rss_end_kb", rss.2 ?? 0)
            json.add("server_rss_peak_kb", rss.3)
            json.add("server_rss_per_connection_bytes", perConnection)
        }
        if let a = selfRSS.0, let b = selfRSS.1 {
            print("load generator RSS: \(a) → \(b) KiB")
            json.add("generator_rss_kb", b)
        }
        json.add("load_average", ServerProbe.loadAverage())
        json.printLine()
        return stats.established == connections ? 0 : 1
    }
}
