// Start-up and shutdown work on the engine thread: creating the configured boards, draining
// in-flight batches, and closing the store (final snapshot).
import LeaderboardEngine

extension EngineService {
    /// Creates or updates the boards listed in the configuration (logged like any definition).
    func installConfiguredBoards() {
        let now = nowMilliseconds
        for definition in configuration.boards {
            if let existing = engine.board(named: definition.id), engine.definition(of: existing) == definition { continue }
            do {
                try engine.defineBoard(definition, now: now)
                tickOperations.append(.defineBoard(definition, now: now))
                log.info("board \(definition.id) defined from the configuration")
            } catch {
                log.error("configured board \(definition.id): \(error)")
            }
        }
        if !tickOperations.isEmpty {
            var tick = Tick(id: nextTickID)
            nextTickID += 1
            commit(&tick)
        }
        scheduleRotation()
    }

    /// Applies what is pending and calls `done` once every batch is durable and released.
    func drain(_ done: @escaping () -> Void) {
        flush()
        if releaser.pendingCount == 0 {
            done()
        } else {
            loop.schedule(after: .milliseconds(2)) { [unowned self] in self.drain(done) }
        }
    }

    /// Final snapshot and log close.
    func closeStore() {
        do { try journal.close(engine) } catch { log.error("closing the store: \(error)") }
    }
}
