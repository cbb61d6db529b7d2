// What every I/O loop needs to know about the gateway: immutable configuration and the
// thread-safe handles (engine mailbox, ingest gate, metrics, log). Shared read-only.
import GatewayNet
import GatewayProtocols

final class GatewayShared: Sendable {
    let configuration: GatewayConfiguration
    let engine: EngineHandle
    let gate: IngestGate
    let metrics: Metrics
    let log: Log
    let clock: @Sendable () -> Int64
    let tokenSecret: [UInt8]
    let staticFiles: StaticFiles
    /// Cached first pages of rankings, filled and cleared by the engine thread.
    let topPages: TopPageCache

    init(configuration: GatewayConfiguration, engine: EngineHandle, gate: IngestGate, metrics: Metrics, log: Log,
         clock: @escaping @Sendable () -> Int64, staticFiles: StaticFiles, topPages: TopPageCache = TopPageCache()) {
        self.configuration = configuration
        self.engine = engine
        self.gate = gate
        self.metrics = metrics
        self.log = log
        self.clock = clock
        tokenSecret = Array(configuration.auth.tokenSecret.utf8)
        self.staticFiles = staticFiles
        self.topPages = topPages
    }

    /// Verifies a player token now.
    func verify(token: String) throws(PlayerToken.Problem) -> PlayerToken {
        try PlayerToken.verify(token, secret: tokenSecret, now: clock() / 1_000_000_000)
    }
}
