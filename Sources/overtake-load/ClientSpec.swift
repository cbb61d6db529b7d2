// What one simulated client is (a WebSocket player or an SSE spectator), made on the
// orchestrating thread and handed to a loop, and the progress counters the orchestrator polls.
import GatewayNet
import Synchronization

/// One client to open. A value: built on the main thread, sent to a loop.
struct ClientSpec: Sendable {
    enum Kind: Sendable {
        /// `GET path` upgraded to WebSocket, then each command sent as a text message.
        case webSocket(path: String, commands: [String])
        /// `GET path` as a `text/event-stream`.
        case eventStream(path: String)
    }

    var kind: Kind
    /// The player number, when rank messages should be matched to score posts.
    var player: UInt32?
    /// Stops reading once connected (a slow consumer).
    var slow: Bool
    var source: SocketAddress?
    /// Replies (acks, snapshots) a healthy client waits for before it counts as ready.
    var expectedReplies: Int
}

/// Counters the loops bump and the orchestrating thread polls (relaxed atomics: progress only).
final class LoadProgress: Sendable {
    /// Connections upgraded (101 / 200 event stream).
    let established = Atomic<Int>(0)
    /// Connections that failed before the upgrade.
    let failed = Atomic<Int>(0)
    /// Clients that received what they wait for (slow ones count once upgraded).
    let ready = Atomic<Int>(0)
    /// Connections closed after the upgrade.
    let closed = Atomic<Int>(0)

    var settled: Int { established.load(ordering: .relaxed) + failed.load(ordering: .relaxed) }
}
