// Time-driven engine work: rotating windows at period boundaries (logged, so replay rotates at
// the same point), expiring resume windows, and periodic snapshots.
import GatewayFanout
import GatewayNet
import LeaderboardEngine

extension EngineService {
    /// (Re)arms the rotation timer for the earliest period end.
    func scheduleRotation() {
        if let t = rotationTimer { loop.cancelTimer(t) }
        rotationTimer = nil
        let next = engine.nextRotation
        guard next != .max else { return }
        let delay = max(0, next - nowMilliseconds)
        rotationTimer = loop.schedule(after: .milliseconds(min(delay, 3_600_000))) { [unowned self] in
            self.rotationTimer = nil
            self.rotateDueWindows()
        }
    }

    func rotateDueWindows() {
        let now = nowMilliseconds
        if now >= engine.nextRotation {
            flush()
            tickOperations.append(.rotate(now: now))
            let rotated = engine.rotateWindows(now: now)
            for r in rotated { log.info("rotated \(r.board)/\(r.window.rawValue); archived \(r.archived?.period.label ?? "nothing")") }
            var acc = FanoutAccumulator(loopCount: loops.count)
            announceRotation(rotated.map { (engine.board(named: $0.board)!, $0.window) }, into: &acc)
            var tick = Tick(id: nextTickID)
            nextTickID += 1
            tick.fanout = acc.finish(appliedAt: MonotonicClock.system.now())
            topPages.removeAll()
            commit(&tick)
        }
        scheduleRotation()
    }

    /// Spectators of rotated windows get a fresh (empty) snapshot as the next event.
    private func announceRotation(_ rotated: [(BoardIndex, WindowKind)], into acc: inout FanoutAccumulator) {
        for (key, var stream) in streams where rotated.contains(where: { $0.0 == key.board && $0.1 == key.window }) {
            stream.lastEventID += 1
            stream.snapshot = nil
            let snapshot = makeSnapshot(key, &stream)
            snapshot.bytes.withUnsafeBytes { stream.replay.append(id: stream.lastEventID, bytes: [MessageKind.snapshot.rawValue] + $0) }
            let start = acc.bytes.count
            snapshot.bytes.withUnsafeBytes { acc.bytes.append(contentsOf: $0) }
            stream.spectatorsPerLoop.forEachLoop { i in
                acc.entries[i].append(.init(target: .stream(key), priority: .p3, kind: .snapshot, range: start..<acc.bytes.count,
                                            sequence: stream.lastEventID, board: key.board, window: key.window, scope: key.scope))
                acc.snapshots[i][key] = snapshot
            }
            streams[key] = stream
        }
    }

    func scheduleHousekeeping() {
        loop.schedule(after: .seconds(1)) { [unowned self] in
            self.expirePresence()
            self.journal.snapshotIfDue(self.engine, nowMilliseconds: self.nowMilliseconds)
            self.scheduleHousekeeping()
        }
    }
}
