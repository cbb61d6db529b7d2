// The durable store behind the engine thread: EngineStore (write-ahead log with group commit,
// background snapshots) seen through EngineJournal.
import LeaderboardEngine
import LeaderboardStorage

final class StoreJournal: EngineJournal {
    let store: EngineStore
    let metrics: Metrics
    let log: Log

    init(store: EngineStore, metrics: Metrics, log: Log) {
        self.store = store
        self.metrics = metrics
        self.log = log
    }

    func append(_ operations: [EngineOperation], completion: @escaping @Sendable (Result<UInt64, any Error>) -> Void) {
        _ = store.log(operations) { result in
            switch result {
            case let .success(seq): completion(.success(seq))
            case let .failure(error): completion(.failure(error))
            }
        }
    }

    func snapshotIfDue(_ engine: LeaderboardEngine, nowMilliseconds: Int64) {
        _ = store.snapshotIfDue(engine)
    }

    func close(_ engine: LeaderboardEngine) throws {
        let report = try store.close(engine)
        log.info("storage closed: \(report)")
    }
}
