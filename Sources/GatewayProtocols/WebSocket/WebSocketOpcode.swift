// The frame opcodes of RFC 6455 §5.2 and the endpoint role that decides masking (§5.3).
// Invariant: only the six defined opcodes are representable; others are a protocol error.

/// A frame opcode (RFC 6455 §5.2, 4 bits on the wire).
public enum WebSocketOpcode: UInt8, Sendable, Equatable {
    case continuation = 0x0
    case text = 0x1
    case binary = 0x2
    case close = 0x8
    case ping = 0x9
    case pong = 0xA

    /// Control frames (opcodes 0x8–0xF): at most 125 payload bytes, never fragmented (§5.5).
    public var isControl: Bool { rawValue & 0x8 != 0 }
}

/// Which side of the connection we are; it decides the masking rule (RFC 6455 §5.1, §5.3).
public enum WebSocketRole: Sendable, Equatable {
    /// We accepted the connection: inbound frames must be masked, outbound frames are not.
    case server
    /// We opened the connection: inbound frames must not be masked, outbound frames are.
    case client
}
