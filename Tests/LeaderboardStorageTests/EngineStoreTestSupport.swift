// Helpers for the EngineStore tests: acknowledgements collected from the writer thread, a store
// configuration on an in-memory file system, and playing a game through a store as the engine
// thread would (perform each operation, then log the tick).
import Dispatch
import LeaderboardEngine
import Synchronization
import Testing
@testable import LeaderboardStorage

let engineDirectory = "/data/engine"

/// Completions of `EngineStore.log`, recorded on the writer thread; tests wait without sleeping.
final class Acknowledgements: Sendable {
    private let results = Mutex<[Result<UInt64, StorageError>]>([])
    private let arrived = DispatchSemaphore(value: 0)

    var completion: GroupCommitter.Completion {
        { result in
            self.results.withLock { $0.append(result) }
            self.arrived.signal()
        }
    }

    /// Waits for `count` more completions (10 s safety limit).
    func wait(for count: Int) -> Bool {
        (0..<count).allSatisfy { _ in arrived.wait(timeout: .now() + 10) == .success }
    }

    var all: [Result<UInt64, StorageError>] { results.withLock { $0 } }
    var succeeded: [UInt64] { all.compactMap { try? $0.get() } }
    var failures: [StorageError] { all.compactMap { if case .failure(let error) = $0 { error } else { nil } } }
}

/// A store configuration on `fileSystem` with no automatic snapshots and small segments.
func storeConfiguration(_ fileSystem: InMemoryFileSystem, segmentBytes: Int = 4096) -> EngineStore.Configuration {
    var configuration = EngineStore.Configuration(directory: engineDirectory)
    configuration.fileSystem = fileSystem
    configuration.segmentBytes = segmentBytes
    configuration.snapshotInterval = nil
    return configuration
}

/// The live side of a test: an engine and its store, fed tick by tick.
struct LiveEngine {
    let store: EngineStore
    let engine: LeaderboardEngine
    let acknowledgements = Acknowledgements()
    var logged = 0

    init(_ configuration: EngineStore.Configuration) throws {
        let recovered = try EngineStore.recover(configuration: configuration)
        store = recovered.store
        engine = recovered.engine
    }

    /// Plays `ticks` ticks of `game` and waits until all of them are durable. Returns the ticks.
    @discardableResult
    mutating func play(_ game: inout EngineGame, ticks: Int) -> [[EngineOperation]] {
        var played: [[EngineOperation]] = []
        for _ in 0..<ticks {
            let tick = game.nextTick()
            for operation in tick { engine.perform(operation) }
            store.log(tick, completion: acknowledgements.completion)
            played.append(tick)
        }
        logged += ticks
        #expect(acknowledgements.wait(for: ticks))
        return played
    }
}

/// Expects `recovered` to be indistinguishable from `live`: equal snapshots and query answers.
func expectSameEngine(_ recovered: LeaderboardEngine, _ live: LeaderboardEngine, players: [String],
                      _ comment: Comment, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(recovered.snapshot() == live.snapshot(), comment, sourceLocation: sourceLocation)
    let differences = queryDifferences(recovered, live, players: players)
    #expect(differences.isEmpty, "\(comment): \(differences.prefix(5))", sourceLocation: sourceLocation)
}
