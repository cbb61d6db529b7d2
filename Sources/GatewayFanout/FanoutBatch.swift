// What the engine thread hands one I/O loop per tick: every message body encoded once into one
// shared buffer, plus an index saying who gets which slice. Loops never re-encode a body; they
// only add the per-connection prefix (seq, send time) and the WebSocket/SSE framing.
import GatewayNet
import LeaderboardEngine

public struct FanoutBatch: Sendable {
    public enum Target: Hashable, Sendable {
        /// A player's personal message (to each of their sessions subscribed to its scope).
        case player(PlayerIndex)
        /// A spectator stream message (to every session spectating it).
        case stream(StreamKey)
    }

    public struct Entry: Sendable {
        public var target: Target
        public var priority: Priority
        public var kind: MessageKind
        /// The body: a JSON object without its opening brace (the loop writes `{"seq":…,"t":…,`).
        public var range: Range<Int>
        /// The player's pseq (personal) or the stream's event id (spectator).
        public var sequence: UInt64
        /// What the message is about, for subscription filtering.
        public var board: BoardIndex
        public var window: WindowKind
        public var scope: ScopeKey

        public init(target: Target, priority: Priority, kind: MessageKind, range: Range<Int>, sequence: UInt64,
                    board: BoardIndex, window: WindowKind, scope: ScopeKey) {
            self.target = target
            self.priority = priority
            self.kind = kind
            self.range = range
            self.sequence = sequence
            self.board = board
            self.window = window
            self.scope = scope
        }
    }

    /// A stream's latest full state, used to coalesce a slow spectator's queued diffs.
    public struct Snapshot: Sendable {
        public var bytes: SharedBytes
        /// Event id of the last diff the snapshot includes.
        public var eventID: UInt64

        public init(bytes: SharedBytes, eventID: UInt64) {
            self.bytes = bytes
            self.eventID = eventID
        }
    }

    public var bytes: SharedBytes
    public var entries: [Entry]
    public var snapshots: [StreamKey: Snapshot]
    /// Engine monotonic time (ns) when the tick's events were applied: latency accounting.
    public var appliedAt: UInt64

    public init(bytes: SharedBytes, entries: [Entry], snapshots: [StreamKey: Snapshot], appliedAt: UInt64) {
        self.bytes = bytes
        self.entries = entries
        self.snapshots = snapshots
        self.appliedAt = appliedAt
    }
}
