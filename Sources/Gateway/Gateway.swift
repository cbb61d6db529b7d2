// The gateway's lifecycle: recovery on the engine thread, I/O loops and listeners, readiness,
// and the graceful shutdown order (stop accepting → drain the ingest queue and make every batch
// durable → close client connections politely → final snapshot → exit).
import Glibc
import GatewayNet
import GatewayProtocols
import LeaderboardEngine
import LeaderboardStorage

public struct GatewayError: Error, CustomStringConvertible {
    public var description: String

    public init(description: String) { self.description = description }
}

public final class Gateway {
    public let configuration: GatewayConfiguration
    let log: Log
    let metrics = Metrics()
    let gate: IngestGate
    let clock: @Sendable () -> Int64
    private var engineGroup: EventLoopGroup?
    private var ioGroup: EventLoopGroup?
    private var servers: [Server] = []
    private let recovered = Latch()
    /// The bound HTTP port (the real one when 0 was configured).
    public private(set) var port: UInt16 = 0
    public private(set) var tlsPort: UInt16?

    public init(configuration: GatewayConfiguration, clock: @escaping @Sendable () -> Int64 = WallClock.nanoseconds) {
        self.configuration = configuration
        self.clock = clock
        log = Log(level: configuration.logLevel, clock: clock)
        gate = IngestGate(limit: configuration.ingest.queueEvents)
    }

    /// Starts recovery (in the background, on the engine thread) and the listeners. Requests
    /// that need the engine get 503 until `/readyz` says ready.
    public func start() throws(GatewayError) {
        let c = configuration
        if let limits = try? raiseDescriptorLimit() {
            log.info("file descriptors: soft limit \(limits.soft), hard limit \(limits.hard)")
        }
        let engineLoops: EventLoopGroup
        do { engineLoops = try EventLoopGroup(loopCount: 1, name: "overtake-engine") } catch {
            throw GatewayError(description: "engine thread: \(error)")
        }
        engineGroup = engineLoops
        let engine = EngineHandle(loop: engineLoops.loops[0])
        let topPages = TopPageCache()
        let shared = GatewayShared(configuration: c, engine: engine, gate: gate, metrics: metrics, log: log, clock: clock,
                                   staticFiles: StaticFiles(root: c.staticDirectory), topPages: topPages)
        let loopCount = c.listen.ioThreads > 0 ? c.listen.ioThreads : EventLoopGroup.coreCount
        var loopConfiguration = EventLoopConfiguration()
        loopConfiguration.watermarks = WriteWatermarks(low: 32 << 10, high: 128 << 10)
        let log = self.log
        let metrics = self.metrics
        loopConfiguration.logger = { line in log.warning(line) }
        loopConfiguration.onAcceptPaused = { shed in
            metrics.acceptPauses.add(1)
            metrics.acceptShed.add(shed)
        }
        let io: EventLoopGroup
        do {
            io = try EventLoopGroup(loopCount: loopCount, configuration: loopConfiguration, name: "overtake-io") { loop in
                loop.context = LoopContext(loop: loop, shared: shared)
            }
        } catch {
            throw GatewayError(description: "I/O loops: \(error)")
        }
        ioGroup = io
        startEngine(on: engineLoops, handle: engine, loops: io.loops, topPages: topPages)
        do {
            let http = try Server.start(on: io, configuration: ListenerConfiguration(host: c.listen.host, port: UInt16(c.listen.port),
                                                                                    backlog: Int32(c.listen.backlog))) { loop in
                let context = loop.context as! LoopContext
                return { HTTPConnection(context: context) }
            }
            servers.append(http)
            port = http.port
            log.info("listening on http://\(c.listen.host):\(http.port) with \(loopCount) I/O loops")
            if c.tls.enabled {
                let tls = try TLSContext(certificateChainPath: c.tls.certificatePath, privateKeyPath: c.tls.privateKeyPath)
                let secure = try Server.start(on: io, configuration: ListenerConfiguration(host: c.listen.host, port: UInt16(c.tls.port),
                                                                                          backlog: Int32(c.listen.backlog), tls: tls)) { loop in
                    let context = loop.context as! LoopContext
                    return { HTTPConnection(context: context) }
                }
                servers.append(secure)
                tlsPort = secure.port
                log.info("listening on https://\(c.listen.host):\(secure.port)")
            }
        } catch {
            throw GatewayError(description: "listen: \(error)")
        }
    }

    private func startEngine(on group: EventLoopGroup, handle: EngineHandle, loops: [EventLoopHandle], topPages: TopPageCache) {
        let c = configuration, gate = self.gate, metrics = self.metrics, log = self.log, clock = self.clock
        let recovered = self.recovered
        handle.loop.execute { loop in
            var storeConfiguration = EngineStore.Configuration(directory: c.dataDirectory)
            storeConfiguration.fsyncPolicy = switch c.storage.fsync {
            case .always: .always
            case .interval: .interval(milliseconds: UInt64(c.storage.fsyncIntervalMilliseconds))
            case .never: .never
            }
            storeConfiguration.segmentBytes = c.storage.segmentBytes
            storeConfiguration.walPreallocationBytes = c.storage.walPreallocateBytes
            storeConfiguration.snapshotInterval = c.storage.snapshotIntervalSeconds > 0 ? .seconds(c.storage.snapshotIntervalSeconds) : nil
            storeConfiguration.snapshotsKept = c.storage.snapshotsKept
            storeConfiguration.snapshotEveryRecords = c.storage.snapshotEveryRecords > 0 ? c.storage.snapshotEveryRecords : nil
            storeConfiguration.engine = c.engine
            storeConfiguration.snapshotObserver = { outcome in
                metrics.snapshotsWritten.add(1)
                log.info("snapshot: \(outcome)")
            }
            log.info("recovering from \(c.dataDirectory)")
            let started = clock()
            do {
                let (store, engine, report) = try EngineStore.recover(configuration: storeConfiguration) { p in
                    log.info("replaying the log: \(p.recordsReplayed) records, \(p.bytesScanned >> 20) of \(p.totalBytes >> 20) MiB")
                }
                if let t = report.log.truncation { log.warning("the log was cut at its first damaged record: \(t)") }
                for s in report.skippedSnapshots { log.warning("snapshot \(s.path) skipped: \(s.reason)") }
                let service = EngineService(engine: engine, configuration: c, journal: StoreJournal(store: store, metrics: metrics, log: log),
                                            loops: loops, gate: gate, metrics: metrics, log: log, clock: clock, topPages: topPages)
                service.install(on: loop, handle: handle)
                service.installConfiguredBoards()
                gate.set(.ready)
                metrics.ready.set(1)
                log.info("ready in \((clock() - started) / 1_000_000) ms: \(engine.boardCount) boards, \(engine.players.count) players, snapshot \(report.snapshot.map { "\($0.path)" } ?? "none")")
            } catch {
                log.error("recovery failed: \(error)")
                gate.set(.failed)
            }
            recovered.open()
        }
    }

    /// Waits until recovery has finished (successfully or not). For tests and the launcher.
    @discardableResult
    public func waitUntilRecovered(timeout: Duration = .seconds(60)) -> Bool {
        recovered.wait(timeout: timeout) && gate.state == .ready
    }

    /// Whether recovery failed (the process should exit non-zero).
    public var hasFailed: Bool { gate.state == .failed }

    /// Graceful stop: no new connections, pending events applied and made durable, clients told
    /// goodbye (WebSocket 1001, SSE error event), final snapshot, threads joined.
    public func shutdown(gracePeriod: Duration = .seconds(5)) {
        log.info("shutting down")
        let wasReady = gate.state == .ready
        gate.set(.stopping)
        for s in servers { s.stopAccepting() }
        if let engineGroup, wasReady {
            let drained = Latch()
            EngineHandle(loop: engineGroup.loops[0]).run { service in service.drain { drained.open() } }
            if !drained.wait(timeout: .seconds(30)) { log.warning("the ingest queue did not drain in 30 s") }
        }
        ioGroup?.shutdown(gracePeriod: gracePeriod)
        ioGroup = nil
        if let engineGroup {
            let closed = Latch()
            let handle = engineGroup.loops[0]
            handle.execute { loop in
                (loop.context as? EngineService)?.closeStore()
                closed.open()
            }
            closed.wait(timeout: .seconds(120))
            engineGroup.shutdown(gracePeriod: .seconds(1))
        }
        engineGroup = nil
        log.info("stopped")
    }
}
