// Turning a batch's notifications and diffs into per-loop fan-out batches: each body is encoded
// once into the tick's shared buffer, numbered (player pseq, stream event id), remembered for
// resume/replay, and indexed for the loops where its recipients are connected.
import GatewayFanout
import GatewayNet
import GatewayProtocols
import LeaderboardEngine

/// Collects one tick's messages for every loop.
struct FanoutAccumulator {
    var bytes: [UInt8] = []
    var entries: [[FanoutBatch.Entry]]
    var snapshots: [[StreamKey: FanoutBatch.Snapshot]]

    init(loopCount: Int) {
        entries = Array(repeating: [], count: loopCount)
        snapshots = Array(repeating: [:], count: loopCount)
    }

    /// One batch per loop with something to deliver (nil for the others); all share one buffer.
    func finish(appliedAt: UInt64) -> [FanoutBatch?] {
        guard entries.contains(where: { !$0.isEmpty }) else { return Array(repeating: nil, count: entries.count) }
        let shared = SharedBytes(bytes)
        return entries.indices.map { i in
            entries[i].isEmpty ? nil : FanoutBatch(bytes: shared, entries: entries[i], snapshots: snapshots[i], appliedAt: appliedAt)
        }
    }
}

extension EngineService {
    func prepareFanout(_ outcome: BatchOutcome, into acc: inout FanoutAccumulator) {
        let resumeLimit = configuration.push.resumeMessages
        let resumeBytes = configuration.push.resumeBytes
        for n in outcome.notifications {
            // Mutated in place through the slot: a copied-out Presence shares `recent` with the
            // table, so appending to it would copy the whole resume buffer per message.
            guard let slot = presence.slot(of: n.recipient) else { continue }
            let pseq = presence.update(slot: slot) { pres in
                pres.pseq += 1
                return pres.pseq
            }
            let start = acc.bytes.count
            let kind = encoder.encode(n, engine: engine, into: &acc.bytes)
            let range = start..<acc.bytes.count
            let priority: Priority = n.isSocial ? .p2 : .p1
            if resumeLimit > 0 {
                let box = presence.update(slot: slot) { pres in pres.resumeBox() }
                let message = ResumeBuffer.Message(pseq: pseq, kind: kind, priority: priority, body: Array(acc.bytes[range]))
                resumeBudget.store(message, in: box, maxCount: resumeLimit, maxBytes: resumeBytes)
            }
            presence[slot: slot].sessionsPerLoop.forEachLoop { i in
                acc.entries[i].append(FanoutBatch.Entry(target: .player(n.recipient), priority: priority, kind: kind, range: range,
                                                        sequence: pseq, board: n.board, window: n.window, scope: n.scope))
            }
        }
        metrics.notificationsProduced.add(outcome.notifications.count)
        if !outcome.notifications.isEmpty {
            metrics.resumeBytes.set(resumeBudget.totalBytes)
            metrics.resumeEvictions.set(resumeBudget.evictions)
        }
        for d in outcome.diffs {
            let key = StreamKey(board: d.board, window: d.window, scope: d.scope)
            // In place, like presence above: a copy would duplicate the replay buffer per diff.
            guard let slot = streams.index(forKey: key) else { continue }
            streams.values[slot].lastEventID += 1
            let eventID = streams.values[slot].lastEventID
            let start = acc.bytes.count
            encoder.encode(d, engine: engine, into: &acc.bytes)
            let range = start..<acc.bytes.count
            streams.values[slot].replay.append(id: eventID, bytes: [MessageKind.board.rawValue] + acc.bytes[range])
            streams.values[slot].snapshot = nil
            if streams.values[slot].spectators > 0 {
                let snapshot = makeSnapshot(key, &streams.values[slot])
                streams.values[slot].spectatorsPerLoop.forEachLoop { i in
                    acc.entries[i].append(FanoutBatch.Entry(target: .stream(key), priority: .p3, kind: .board, range: range,
                                                            sequence: eventID, board: d.board, window: d.window, scope: d.scope))
                    acc.snapshots[i][key] = snapshot
                }
            }
        }
    }

    /// The stream's current top K as a snapshot body, cached until the next diff or until the
    /// set's size changes (O(1) to check).
    func makeSnapshot(_ key: StreamKey, _ stream: inout StreamState) -> FanoutBatch.Snapshot {
        if let cached = stream.snapshot,
           engine.topEntries(board: key.board, window: key.window, scope: key.scope, limit: 0)?.1 == stream.snapshotSize {
            return cached
        }
        let depth = engine.notifyDepth(of: key.board)
        var body: [UInt8] = []
        stream.snapshotSize = 0
        if let (period, size, entries) = engine.topEntries(board: key.board, window: key.window, scope: key.scope, limit: depth) {
            encoder.encodeSnapshot(key, period: period, size: size, entries: entries, engine: engine, into: &body)
            stream.snapshotSize = size
        }
        let snapshot = FanoutBatch.Snapshot(bytes: SharedBytes(body), eventID: stream.lastEventID)
        stream.snapshot = snapshot
        return snapshot
    }
}
