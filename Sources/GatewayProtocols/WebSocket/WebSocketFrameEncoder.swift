// Writes RFC 6455 frames into caller-owned reusable buffers. Server frames are unmasked; client
// frames are masked with a caller-injected key. Invariant: lengths use the minimal encoding.

/// Encodes frames for one side of a connection. Stateless apart from the role; every function
/// appends to `buffer` and touches nothing else. Misuse (masking from a server, a control frame
/// over 125 bytes, a close code that may not be sent) is a programmer error and traps.
public struct WebSocketFrameEncoder: Sendable {
    /// Our side: `.server` writes unmasked frames, `.client` masked ones (RFC 6455 §5.1).
    public let role: WebSocketRole

    /// Largest control payload (§5.5) and so the largest close reason: 125 − 2 code bytes.
    public static let maxControlPayloadBytes = 125
    public static let maxCloseReasonBytes = 123

    public init(role: WebSocketRole) {
        self.role = role
    }

    /// Number of header bytes `writeHeader` appends for this payload length (2–14).
    public func headerLength(payloadLength: Int) -> Int {
        let lengthBytes = payloadLength < 126 ? 0 : (payloadLength <= 0xFFFF ? 2 : 8)
        return 2 + lengthBytes + (role == .client ? 4 : 0)
    }

    /// Appends only the frame header for a payload of `payloadLength` bytes, so the transport
    /// can gather header + a shared, pre-encoded payload with `writev` without copying it.
    /// For `.client`, `maskingKey` is written into the header and the caller must mask the
    /// payload itself (`WebSocketMaskingKey.apply(to:phase: 0)`); for `.server` it must be nil.
    public func writeHeader(_ opcode: WebSocketOpcode, isFinal: Bool = true, payloadLength: Int,
                            maskingKey: WebSocketMaskingKey? = nil, into buffer: inout [UInt8]) {
        precondition(payloadLength >= 0, "negative payload length")
        precondition(!opcode.isControl || (isFinal && payloadLength <= Self.maxControlPayloadBytes),
                     "control frames must be final and carry at most 125 bytes (RFC 6455 §5.5)")
        checkMasking(maskingKey)
        buffer.append((isFinal ? 0x80 : 0) | opcode.rawValue)
        let maskBit: UInt8 = maskingKey == nil ? 0 : 0x80
        if payloadLength < 126 {
            buffer.append(maskBit | UInt8(payloadLength))
        } else if payloadLength <= 0xFFFF {
            buffer.append(maskBit | 126)
            buffer.append(UInt8(truncatingIfNeeded: payloadLength >> 8))
            buffer.append(UInt8(truncatingIfNeeded: payloadLength))
        } else {
            buffer.append(maskBit | 127)
            let length = UInt64(payloadLength)
            for shift in stride(from: 56, through: 0, by: -8) {
                buffer.append(UInt8(truncatingIfNeeded: length >> UInt64(shift)))
            }
        }
        if let key = maskingKey {
            buffer.append(key.bytes.0)
            buffer.append(key.bytes.1)
            buffer.append(key.bytes.2)
            buffer.append(key.bytes.3)
        }
    }

    /// Appends a complete frame: header, then `payload` (masked in the buffer for `.client`).
    public func writeFrame(_ opcode: WebSocketOpcode, isFinal: Bool = true, payload: UnsafeRawBufferPointer,
                           maskingKey: WebSocketMaskingKey? = nil, into buffer: inout [UInt8]) {
        writeHeader(opcode, isFinal: isFinal, payloadLength: payload.count, maskingKey: maskingKey, into: &buffer)
        let payloadStart = buffer.count
        buffer.append(contentsOf: payload)
        guard let key = maskingKey else { return }
        buffer.withUnsafeMutableBytes { all in
            _ = key.apply(to: UnsafeMutableRawBufferPointer(rebasing: all[payloadStart...]), phase: 0)
        }
    }

    /// Appends a complete frame carrying `payload`; same contract as the raw-buffer overload.
    public func writeFrame(_ opcode: WebSocketOpcode, isFinal: Bool = true, payload: [UInt8],
                           maskingKey: WebSocketMaskingKey? = nil, into buffer: inout [UInt8]) {
        payload.withUnsafeBytes { bytes in
            writeFrame(opcode, isFinal: isFinal, payload: bytes, maskingKey: maskingKey, into: &buffer)
        }
    }

    /// Appends a close frame. `code` nil writes an empty payload (then `reason` must be empty).
    /// The reason is cut to at most 123 bytes at a UTF-8 character boundary so the control
    /// payload stays ≤ 125 bytes (§5.5). Precondition: `code.isValidOnWire`.
    public func writeClose(code: WebSocketCloseCode?, reason: String = "",
                           maskingKey: WebSocketMaskingKey? = nil, into buffer: inout [UInt8]) {
        guard let code else {
            precondition(reason.isEmpty, "a close reason needs a close code (RFC 6455 §5.5.1)")
            writeHeader(.close, payloadLength: 0, maskingKey: maskingKey, into: &buffer)
            return
        }
        precondition(code.isValidOnWire, "close code \(code.rawValue) may not be sent (RFC 6455 §7.4)")
        var payload: [UInt8] = [UInt8(truncatingIfNeeded: code.rawValue >> 8), UInt8(truncatingIfNeeded: code.rawValue)]
        let utf8 = Array(reason.utf8)
        payload.append(contentsOf: utf8[..<Self.truncatedReasonLength(utf8)])
        writeFrame(.close, payload: payload, maskingKey: maskingKey, into: &buffer)
    }

    /// Length of the longest prefix of `utf8` that fits in a close reason and ends on a
    /// character boundary (never splits a multi-byte sequence).
    static func truncatedReasonLength(_ utf8: [UInt8]) -> Int {
        guard utf8.count > maxCloseReasonBytes else { return utf8.count }
        var end = maxCloseReasonBytes
        // Step back over continuation bytes (10xxxxxx) to the start of the cut character.
        while end > 0 && utf8[end] & 0xC0 == 0x80 { end -= 1 }
        return end
    }

    private func checkMasking(_ maskingKey: WebSocketMaskingKey?) {
        switch role {
        case .server: precondition(maskingKey == nil, "a server must not mask frames (RFC 6455 §5.1)")
        case .client: precondition(maskingKey != nil, "a client must mask every frame (RFC 6455 §5.3)")
        }
    }
}
