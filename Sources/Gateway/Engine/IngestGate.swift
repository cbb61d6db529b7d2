// Admission control shared by the I/O loops and the engine thread: the bounded ingest queue
// (events accepted by loops but not yet applied) and the service state. Lock-free atomics.
import Synchronization

final class IngestGate: Sendable {
    enum State: UInt8 {
        case recovering = 0, ready = 1, stopping = 2, failed = 3
    }

    let limit: Int
    private let queued = Atomic<Int>(0)
    private let rawState = Atomic<UInt8>(State.recovering.rawValue)

    init(limit: Int) { self.limit = limit }

    var state: State { State(rawValue: rawState.load(ordering: .acquiring)) ?? .failed }
    func set(_ state: State) { rawState.store(state.rawValue, ordering: .releasing) }

    /// Reserves room for `count` events; false when the queue would exceed its limit.
    func admit(_ count: Int) -> Bool {
        let after = queued.wrappingAdd(count, ordering: .relaxed).newValue
        if after > limit && after != count {
            queued.wrappingSubtract(count, ordering: .relaxed)
            return false
        }
        return true
    }

    /// The engine applied `count` admitted events.
    func release(_ count: Int) { queued.wrappingSubtract(count, ordering: .relaxed) }

    var queuedEvents: Int { queued.load(ordering: .relaxed) }
}
