// Bookkeeping both client kinds (WebSocket and SSE) share: reading the response head of the
// setup request, and counting setups that succeeded, failed, or connections that closed.
import GatewayNet

/// Accumulates a response head across reads; yields it with the bytes that followed it.
struct ResponseHeadBuffer {
    private var bytes: [UInt8] = []

    /// The parsed head and the leftover bytes once complete; nil while incomplete.
    mutating func feed(_ input: UnsafeRawBufferPointer) throws(HTTPResponseHead.Failure) -> (HTTPResponseHead, [UInt8])? {
        bytes.append(contentsOf: input)
        let parsed = try bytes.withBytes { (b: UnsafeRawBufferPointer) throws(HTTPResponseHead.Failure) in try HTTPResponseHead.parse(b) }
        guard let parsed else { return nil }
        let leftover = Array(bytes[parsed.length...])
        bytes = []
        return (parsed, leftover)
    }
}

extension LoadLoop {
    /// A client finished its setup (upgrade or stream head) successfully.
    func clientEstablished(startedAt: UInt64) {
        stats.established += 1
        stats.setupTime.record(Int64(LoadClock.monotonicNanoseconds() - startedAt))
        progress.established.add(1, ordering: .relaxed)
        setupFinished()
    }

    /// A client's setup failed.
    func clientSetupFailed(_ reason: String) {
        stats.fail(reason)
        progress.failed.add(1, ordering: .relaxed)
        setupFinished()
    }

    /// A client's connection closed; `duringSetup` tells which counter it belongs to.
    func clientClosed(duringSetup: Bool, _ reason: CloseReason) {
        if duringSetup {
            clientSetupFailed(reason.label)
        } else {
            stats.droppedWithoutClose += 1
            progress.closed.add(1, ordering: .relaxed)
        }
    }
}
