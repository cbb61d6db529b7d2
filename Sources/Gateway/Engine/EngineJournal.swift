// The durable log as the engine thread uses it: one append per tick, completion once durable.
import LeaderboardEngine

protocol EngineJournal: AnyObject {
    /// Logs one tick's operations in order. `completion` runs on another thread after the
    /// operations are durable under the configured fsync policy, or with the failure.
    func append(_ operations: [EngineOperation], completion: @escaping @Sendable (Result<UInt64, any Error>) -> Void)
    /// Called on the engine thread after ticks and on a timer: starts a snapshot when due.
    func snapshotIfDue(_ engine: LeaderboardEngine, nowMilliseconds: Int64)
    /// Clean shutdown on the engine thread: drain, final snapshot, close.
    func close(_ engine: LeaderboardEngine) throws
}
