// Header phase of WebSocketFrameDecoder: collects 2–14 header bytes and checks each RFC 6455
// §5.2 rule as soon as the bytes it needs are present (fail fast, before any payload is stored).

extension WebSocketFrameDecoder {
    /// Appends header bytes from `input` until the header is complete or input runs out.
    /// Returns the index of the first byte not consumed.
    mutating func consumeHeader(
        _ input: UnsafeRawBufferPointer, from start: Int, events: inout [WebSocketEvent]
    ) throws(WebSocketProtocolError) -> Int {
        var index = start
        while index < input.count {
            headerBytes.append(input[index])
            index += 1
            let collected = headerBytes.count
            if collected == 2 { try checkFixedHeader() }
            guard collected >= 2 else { continue }
            let lengthEnd = 2 + Self.extendedLengthByteCount(headerBytes[1])
            if collected == lengthEnd { try checkPayloadLength() }
            let headerEnd = lengthEnd + (headerBytes[1] & 0x80 != 0 ? 4 : 0)
            if collected == headerEnd {
                let frame = completedHeader()
                headerBytes.removeAll()
                try beginPayload(frame, events: &events)
                return index
            }
        }
        return index
    }

    /// 0, 2 or 8: the extended payload length bytes announced by the 7-bit length (§5.2).
    static func extendedLengthByteCount(_ secondByte: UInt8) -> Int {
        switch secondByte & 0x7F {
        case 126: return 2
        case 127: return 8
        default: return 0
        }
    }

    /// Rules decidable from the first two bytes: RSV bits, opcode, control-frame FIN,
    /// fragmentation sequence, masking by role, and the 1-byte close payload.
    private func checkFixedHeader() throws(WebSocketProtocolError) {
        let first = headerBytes[0]
        let second = headerBytes[1]
        // §5.2: RSV1–3 MUST be 0 unless an extension defines them; we negotiate none.
        guard first & 0x70 == 0 else { throw .reservedBitsSet(bits: first & 0x70) }
        guard let opcode = WebSocketOpcode(rawValue: first & 0x0F) else { throw .unknownOpcode(first & 0x0F) }
        let isFinal = first & 0x80 != 0
        if opcode.isControl {
            // §5.5: control frames MUST NOT be fragmented.
            guard isFinal else { throw .fragmentedControlFrame(opcode) }
            // §5.5.1: a close body, if present, starts with a 2-byte code.
            if opcode == .close && second & 0x7F == 1 { throw .truncatedCloseCode }
        } else if opcode == .continuation {
            guard messageKind != nil else { throw .unexpectedContinuation }
        } else {
            guard messageKind == nil else { throw .expectedContinuation(received: opcode) }
        }
        let isMasked = second & 0x80 != 0
        switch role {
        case .server: guard isMasked else { throw .unmaskedClientFrame }
        case .client: guard !isMasked else { throw .maskedServerFrame }
        }
    }

    /// Rules decidable once the length is known: the 64-bit MSB, the control-frame limit and
    /// the message-size limit (checked against the declared length, before buffering).
    /// Non-minimal length encodings are legal (§5.2 only says "minimal number of bytes MUST be
    /// used" for senders; receivers interoperate), so they are accepted.
    private func checkPayloadLength() throws(WebSocketProtocolError) {
        let length = declaredPayloadLength()
        if Self.extendedLengthByteCount(headerBytes[1]) == 8 && length & (1 << 63) != 0 {
            throw .invalidPayloadLength(length)
        }
        let opcode = WebSocketOpcode(rawValue: headerBytes[0] & 0x0F) ?? .continuation
        if opcode.isControl {
            guard length <= 125 else { throw .controlFrameTooLong(opcode, length: length) }
        } else {
            // Cannot overflow: length < 2^63 and message.count ≤ maxMessageBytes.
            let total = UInt64(message.count) + length
            guard total <= UInt64(maxMessageBytes) else { throw .messageTooLarge(length: total, limit: maxMessageBytes) }
        }
    }

    /// The payload length from the 7-bit field or the big-endian extended field.
    private func declaredPayloadLength() -> UInt64 {
        let short = headerBytes[1] & 0x7F
        let extendedCount = Self.extendedLengthByteCount(headerBytes[1])
        guard extendedCount > 0 else { return UInt64(short) }
        var length: UInt64 = 0
        for index in 2..<(2 + extendedCount) {
            length = length << 8 | UInt64(headerBytes[index])
        }
        return length
    }

    /// Builds the frame description from a complete, already validated header.
    private func completedHeader() -> FrameHeader {
        let opcode = WebSocketOpcode(rawValue: headerBytes[0] & 0x0F) ?? .continuation
        var key: WebSocketMaskingKey?
        if headerBytes[1] & 0x80 != 0 {
            let at = headerBytes.count - 4
            key = WebSocketMaskingKey(headerBytes[at], headerBytes[at + 1], headerBytes[at + 2], headerBytes[at + 3])
        }
        return FrameHeader(payloadLength: declaredPayloadLength(), maskingKey: key, opcode: opcode,
                           isFinal: headerBytes[0] & 0x80 != 0)
    }

    /// Starts the payload phase; a frame with an empty payload completes immediately.
    private mutating func beginPayload(_ frame: FrameHeader, events: inout [WebSocketEvent]) throws(WebSocketProtocolError) {
        switch frame.opcode {
        case .text: messageKind = .text
        case .binary: messageKind = .binary
        default: break
        }
        if frame.payloadLength == 0 {
            try finishFrame(frame, events: &events)
        } else {
            state = .readingPayload(frame, remaining: frame.payloadLength, phase: 0)
        }
    }
}

extension WebSocketFrameDecoder {
    /// Up to 14 header bytes held inline (2 fixed, 8 extended length, 4 masking key).
    struct HeaderBytes: Sendable {
        static let capacity = 14
        private var storage: (UInt64, UInt64) = (0, 0)
        private var used: UInt8 = 0
        /// Bytes held, 0…14.
        var count: Int { Int(used) }

        /// Appends one byte; the caller never exceeds `capacity` (a header is at most 14 bytes).
        mutating func append(_ byte: UInt8) {
            precondition(count < Self.capacity, "frame header longer than 14 bytes")
            let index = Int(used)
            withUnsafeMutableBytes(of: &storage) { $0[index] = byte }
            used += 1
        }

        /// The byte at `index` (0-based, < `count`).
        subscript(index: Int) -> UInt8 {
            precondition(index < count, "header byte \(index) of \(count)")
            return withUnsafeBytes(of: storage) { $0[index] }
        }

        mutating func removeAll() {
            storage = (0, 0)
            used = 0
        }
    }
}
