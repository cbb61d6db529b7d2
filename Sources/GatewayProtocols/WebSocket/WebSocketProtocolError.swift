// Every way a peer can break RFC 6455 framing, with evidence, and the ONE mapping from each
// to the close code we answer with (1002 protocol, 1007 invalid payload, 1009 too big).

/// A violation detected by `WebSocketFrameDecoder`. After one is thrown the connection must be
/// failed (RFC 6455 §7.1.7): send a close frame with `closeCode`, then close the transport.
public enum WebSocketProtocolError: Error, Equatable, Sendable {
    /// RSV1–3 set while no extension was negotiated (§5.2). `bits` is the masked byte (0x70 mask).
    case reservedBitsSet(bits: UInt8)
    /// Opcode 0x3–0x7 or 0xB–0xF (§5.2).
    case unknownOpcode(UInt8)
    /// A control frame without FIN (§5.5).
    case fragmentedControlFrame(WebSocketOpcode)
    /// A control frame whose payload exceeds 125 bytes (§5.5).
    case controlFrameTooLong(WebSocketOpcode, length: UInt64)
    /// A continuation frame while no fragmented message was in progress (§5.4).
    case unexpectedContinuation
    /// A new text/binary frame while a fragmented message was still open (§5.4).
    case expectedContinuation(received: WebSocketOpcode)
    /// A client frame without the MASK bit (§5.1: a server MUST fail the connection).
    case unmaskedClientFrame
    /// A server frame with the MASK bit (§5.1: a client MUST fail the connection).
    case maskedServerFrame
    /// A 64-bit payload length with the most significant bit set (§5.2).
    case invalidPayloadLength(UInt64)
    /// The message would exceed the configured limit; `length` counts the fragments so far
    /// plus the declared length of the current frame. Detected before any payload is buffered.
    case messageTooLarge(length: UInt64, limit: Int)
    /// A text message is not valid UTF-8; `byteOffset` is 0-based within the message (§8.1).
    case invalidUTF8InText(byteOffset: Int)
    /// A close frame with a 1-byte payload: too short for a status code (§5.5.1).
    case truncatedCloseCode
    /// A close code that may not appear on the wire (§7.4; see `WebSocketCloseCode.isValidOnWire`).
    case invalidCloseCode(UInt16)
    /// The close reason is not valid UTF-8; `byteOffset` is 0-based within the reason (§5.5.1).
    case invalidUTF8InCloseReason(byteOffset: Int)

    /// The close code to send when failing the connection for this error. This is the only
    /// place where protocol errors map to the wire.
    public var closeCode: WebSocketCloseCode {
        switch self {
        case .invalidUTF8InText, .invalidUTF8InCloseReason:
            return .invalidPayloadData
        case .messageTooLarge:
            return .messageTooBig
        case .reservedBitsSet, .unknownOpcode, .fragmentedControlFrame, .controlFrameTooLong,
             .unexpectedContinuation, .expectedContinuation, .unmaskedClientFrame, .maskedServerFrame,
             .invalidPayloadLength, .truncatedCloseCode, .invalidCloseCode:
            return .protocolError
        }
    }

    /// A short ASCII reason for the close frame (well under the 123-byte reason limit).
    public var closeReason: String {
        switch self {
        case .reservedBitsSet: return "reserved bits set"
        case .unknownOpcode: return "unknown opcode"
        case .fragmentedControlFrame: return "fragmented control frame"
        case .controlFrameTooLong: return "control frame too long"
        case .unexpectedContinuation: return "unexpected continuation frame"
        case .expectedContinuation: return "expected continuation frame"
        case .unmaskedClientFrame: return "client frame not masked"
        case .maskedServerFrame: return "server frame masked"
        case .invalidPayloadLength: return "invalid payload length"
        case .messageTooLarge: return "message too big"
        case .invalidUTF8InText: return "invalid UTF-8 in text message"
        case .truncatedCloseCode: return "close payload of 1 byte"
        case .invalidCloseCode: return "invalid close code"
        case .invalidUTF8InCloseReason: return "invalid UTF-8 in close reason"
        }
    }
}
