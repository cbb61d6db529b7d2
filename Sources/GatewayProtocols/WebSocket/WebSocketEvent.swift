// What the frame decoder hands up: whole messages and control frames, in wire order.
// Invariant: `.text` bytes are complete, valid UTF-8; control payloads are at most 125 bytes.

/// One decoded unit from the peer. Data messages are reassembled from their fragments;
/// control frames are delivered as soon as they complete, even between fragments.
public enum WebSocketEvent: Equatable, Sendable {
    /// A complete text message; the bytes are valid UTF-8 (checked while they arrived).
    case text([UInt8])
    /// A complete binary message.
    case binary([UInt8])
    /// A ping; the receiver owes a pong with the same payload (RFC 6455 §5.5.2).
    case ping([UInt8])
    /// A pong (solicited or not).
    case pong([UInt8])
    /// A close frame: `code` is nil for an empty payload (reported as 1005 locally); `reason`
    /// is the validated UTF-8 reason, possibly empty.
    case close(code: WebSocketCloseCode?, reason: String)
}

/// A complete data message, as handed to the application.
public enum WebSocketMessage: Equatable, Sendable {
    /// Valid UTF-8 bytes (for `overtake.v1`, one JSON document).
    case text([UInt8])
    case binary([UInt8])
}
