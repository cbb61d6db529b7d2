// Incremental RFC 6455 frame decoder: bytes in any split → reassembled messages and control
// frames. Invariants: payload is never buffered beyond `maxMessageBytes`; text is UTF-8-checked
// as each byte arrives; after the first error every call rethrows it (no resynchronisation).

/// Decodes the frames one peer sends, for one connection.
///
/// Feed every byte read from the transport, in order, to `decode(_:into:)`; each call appends
/// the events that completed to a caller-owned reusable array. Splits are arbitrary (a single
/// byte per call works); results do not depend on them. The decoder fails fast: it throws on
/// the first byte that makes the stream invalid, even in the middle of a frame, so the caller
/// can fail the connection with `error.closeCode` (RFC 6455 §7.1.7).
///
/// Memory: a 14-byte inline header scratch, the current data message (≤ `maxMessageBytes`) and the
/// current control payload (≤ 125 bytes). Not thread-safe; owned by the connection's loop.
public struct WebSocketFrameDecoder: Sendable {
    /// The frame header fields the payload phase needs.
    struct FrameHeader: Equatable, Sendable {
        // Widest field first: the header lives in every connection's decoder state (15 B).
        var payloadLength: UInt64
        var maskingKey: WebSocketMaskingKey?
        var opcode: WebSocketOpcode
        var isFinal: Bool
    }

    /// Where the decoder stands in the byte stream (compare SwiftNIO's `DecoderState`).
    ///
    /// ```
    ///   readingHeader ── header complete, length > 0 ──▶ readingPayload
    ///     ▲      │                                             │
    ///     │      └── length 0: the frame completes at once     │
    ///     └─────────────── last payload byte ──────────────────┘
    ///   (any) ── close frame delivered ──▶ closed   later input is ignored
    ///   (any) ── protocol violation ─────▶ failed   every call rethrows it
    /// ```
    enum State: Sendable {
        /// Collecting a frame header in `headerBytes`: 2 fixed bytes, 0/2/8 extended-length
        /// bytes, then 0/4 masking-key bytes. Rules are checked as soon as their bytes arrive.
        case readingHeader
        /// Copying the payload of `frame`: `remaining` bytes are still due and `phase` (0–3)
        /// is the masking-key index of the next one.
        case readingPayload(FrameHeader, remaining: UInt64, phase: UInt8)
        /// The peer's close frame was delivered; RFC 6455 §5.5.1 lets no data follow it, so
        /// later input is discarded.
        case closed
        /// The stream broke the protocol; every later call throws this error again.
        case failed(WebSocketProtocolError)
    }

    /// Which data message is being reassembled.
    enum MessageKind: Sendable {
        case text, binary
    }

    // Stored properties are ordered widest first: one decoder lives in every connection.
    /// Largest data message accepted, in bytes, summed over its fragments.
    public let maxMessageBytes: Int
    /// Unmasked payload of the data message in progress (all fragments so far).
    var message: [UInt8] = []
    /// Unmasked payload of the control frame in progress (at most 125 bytes).
    var control: [UInt8] = []
    /// UTF-8 state of `message` when it is text, carried across fragments and partial frames.
    var messageUTF8 = UTF8Validator()
    var state: State = .readingHeader
    /// Header bytes of the frame being read (at most 14, stored inline: no heap per connection).
    var headerBytes = HeaderBytes()
    /// Kind of the data message in progress, nil between messages.
    var messageKind: MessageKind?
    /// Our side of the connection: `.server` demands masked frames, `.client` unmasked ones.
    public let role: WebSocketRole

    /// - Parameters:
    ///   - role: our side of the connection.
    ///   - maxMessageBytes: limit for one data message (≥ 0); larger messages fail with 1009
    ///     as soon as a frame header declares them, before any of their payload is stored.
    public init(role: WebSocketRole, maxMessageBytes: Int) {
        precondition(maxMessageBytes >= 0, "maxMessageBytes must not be negative")
        self.role = role
        self.maxMessageBytes = maxMessageBytes
    }

    /// True once the peer's close frame was delivered.
    public var isClosed: Bool {
        if case .closed = state { return true }
        return false
    }

    /// Bytes held for incomplete messages and frames (for memory accounting).
    public var bufferedByteCount: Int { headerBytes.count + message.count + control.count }

    /// Consumes `input` (all of it) and appends every event it completes to `events`, in wire
    /// order. Events completed before an error stay in `events`. Complexity O(n).
    /// - Throws: the first protocol violation; the decoder then stays failed.
    public mutating func decode(_ input: UnsafeRawBufferPointer, into events: inout [WebSocketEvent]) throws(WebSocketProtocolError) {
        var index = 0
        do throws(WebSocketProtocolError) {
            while true {
                switch state {
                case .failed(let error):
                    throw error
                case .closed:
                    return
                case .readingHeader:
                    guard index < input.count else { return }
                    index = try consumeHeader(input, from: index, events: &events)
                case .readingPayload(let frame, let remaining, let phase):
                    guard index < input.count else { return }
                    index = try consumePayload(input, from: index, frame: frame, remaining: remaining,
                                               phase: Int(phase), events: &events)
                }
            }
        } catch {
            state = .failed(error)
            throw error
        }
    }

    /// Consumes `input` and returns the events it completes; same contract as the buffer form.
    public mutating func decode(_ input: [UInt8]) throws(WebSocketProtocolError) -> [WebSocketEvent] {
        var events: [WebSocketEvent] = []
        let failure: WebSocketProtocolError? = input.withUnsafeBytes { bytes in
            do throws(WebSocketProtocolError) {
                try decode(bytes, into: &events)
                return nil
            } catch {
                return error
            }
        }
        if let failure { throw failure }
        return events
    }

    /// Copies up to `remaining` payload bytes, unmasking them, and completes the frame when the
    /// last one arrives. Text is validated on arrival so invalid UTF-8 fails before the frame ends.
    private mutating func consumePayload(
        _ input: UnsafeRawBufferPointer, from start: Int, frame: FrameHeader, remaining: UInt64,
        phase: Int, events: inout [WebSocketEvent]
    ) throws(WebSocketProtocolError) -> Int {
        let count = Int(min(remaining, UInt64(input.count - start)))
        let chunk = UnsafeRawBufferPointer(rebasing: input[start..<(start + count)])
        if frame.opcode.isControl {
            Self.appendUnmasked(chunk, to: &control, key: frame.maskingKey, phase: phase)
        } else {
            let firstNew = message.count
            Self.appendUnmasked(chunk, to: &message, key: frame.maskingKey, phase: phase)
            if messageKind == .text {
                let valid = message.withUnsafeBytes { all in
                    messageUTF8.validate(UnsafeRawBufferPointer(rebasing: all[firstNew...]))
                }
                guard valid else { throw .invalidUTF8InText(byteOffset: messageUTF8.acceptedByteCount) }
            }
        }
        let left = remaining - UInt64(count)
        if left == 0 {
            try finishFrame(frame, events: &events)
        } else {
            state = .readingPayload(frame, remaining: left, phase: UInt8((phase + count) & 3))
        }
        return start + count
    }

    /// Appends `chunk` to `buffer` and removes the mask from the appended bytes in place.
    private static func appendUnmasked(_ chunk: UnsafeRawBufferPointer, to buffer: inout [UInt8],
                                       key: WebSocketMaskingKey?, phase: Int) {
        let firstNew = buffer.count
        buffer.append(contentsOf: chunk)
        guard let key else { return }
        buffer.withUnsafeMutableBytes { all in
            _ = key.apply(to: UnsafeMutableRawBufferPointer(rebasing: all[firstNew...]), phase: phase)
        }
    }

    /// Called once a frame's payload is complete (immediately for an empty payload): emits the
    /// control frame or, on FIN, the reassembled message, and moves to the next state.
    mutating func finishFrame(_ frame: FrameHeader, events: inout [WebSocketEvent]) throws(WebSocketProtocolError) {
        state = .readingHeader
        switch frame.opcode {
        case .ping:
            events.append(.ping(control))
            control = []
        case .pong:
            events.append(.pong(control))
            control = []
        case .close:
            let event = try closeEvent()
            control = []
            events.append(event)
            state = .closed
        case .text, .binary, .continuation:
            guard frame.isFinal else { return }
            switch messageKind {
            case .text:
                guard messageUTF8.isComplete else { throw .invalidUTF8InText(byteOffset: message.count) }
                events.append(.text(message))
            case .binary:
                events.append(.binary(message))
            case nil:
                preconditionFailure("data frame completed without a message kind")
            }
            message = []
            messageKind = nil
            messageUTF8.reset()
        }
    }

    /// Parses the buffered close payload (RFC 6455 §5.5.1): empty, or a 2-byte big-endian code
    /// followed by a UTF-8 reason. A 1-byte payload was already rejected from the header.
    private func closeEvent() throws(WebSocketProtocolError) -> WebSocketEvent {
        guard control.count >= 2 else { return .close(code: nil, reason: "") }
        let raw = UInt16(control[0]) << 8 | UInt16(control[1])
        let code = WebSocketCloseCode(raw)
        guard code.isValidOnWire else { throw .invalidCloseCode(raw) }
        var validator = UTF8Validator()
        let valid = control.withUnsafeBytes { all in
            validator.validate(UnsafeRawBufferPointer(rebasing: all[2...]))
        }
        guard valid && validator.isComplete else {
            throw .invalidUTF8InCloseReason(byteOffset: validator.invalidByteOffset ?? control.count - 2)
        }
        return .close(code: code, reason: String(decoding: control[2...], as: UTF8.self))
    }
}
