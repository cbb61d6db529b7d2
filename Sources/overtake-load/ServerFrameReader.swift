// Reads the frames a WebSocket server sends (unmasked, RFC 6455 §5.2) straight out of the read
// buffer: a frame that arrived whole is handed over in place, only frames split across reads
// are copied. Invariant: `pending` holds the start of at most one incomplete frame.
import GatewayProtocols

/// Incremental reader of server-to-client frames for one connection. Unlike
/// `WebSocketFrameDecoder` (the oracle in the tests) it allocates nothing per message and
/// skips UTF-8 validation: the load generator shares its cores with the server it measures.
/// Fragmented data messages are reassembled; control frames may arrive between fragments.
struct ServerFrameReader {
    enum Failure: Error, Equatable {
        /// A server frame had its mask bit set (§5.1 forbids it).
        case maskedFrame
        /// RSV1–3 set without a negotiated extension.
        case reservedBits(UInt8)
        case unknownOpcode(UInt8)
        /// Declared payload (or reassembled message) above `maxMessageBytes`.
        case tooLarge(UInt64)
        /// A control frame fragmented or over 125 bytes.
        case badControlFrame
        /// A continuation without a message in progress, or a new message inside one.
        case badFragmentation
    }

    /// Largest message accepted.
    let maxMessageBytes: Int
    /// Bytes of the incomplete frame at the end of the last input.
    private var pending: [UInt8] = []
    /// Payload of a fragmented data message so far, and its opcode.
    private var fragments: [UInt8] = []
    private var fragmentOpcode: WebSocketOpcode?

    init(maxMessageBytes: Int = 16 << 20) {
        self.maxMessageBytes = maxMessageBytes
    }

    /// Bytes held for incomplete frames and messages.
    var bufferedByteCount: Int { pending.count + fragments.count }

    /// Consumes all of `input`; calls `deliver` for every complete message or control frame,
    /// in wire order, with its payload (valid only during the call). O(n); frames split across
    /// calls cost one copy.
    mutating func read(_ input: UnsafeRawBufferPointer,
                       _ deliver: (WebSocketOpcode, UnsafeRawBufferPointer) -> Void) throws(Failure) {
        var offset = 0
        if !pending.isEmpty {
            // Complete the split frame: take just enough bytes to know and reach its length.
            while offset < input.count {
                let need = try pending.withBytes { (p: UnsafeRawBufferPointer) throws(Failure) -> Int? in
                    try Self.frameLength(p, limit: maxMessageBytes)
                }
                let want = (need ?? pending.count + 1) - pending.count
                if want <= 0 { break }
                let take = min(want, input.count - offset)
                pending.append(contentsOf: UnsafeRawBufferPointer(rebasing: input[offset..<offset + take]))
                offset += take
                if need != nil && take == want { break }
            }
            guard let total = try pending.withBytes({ (p: UnsafeRawBufferPointer) throws(Failure) -> Int? in
                try Self.frameLength(p, limit: maxMessageBytes)
            }), pending.count == total else { return }
            let frame = pending
            pending.removeAll(keepingCapacity: true)
            try frame.withBytes { (f: UnsafeRawBufferPointer) throws(Failure) in try handle(f, deliver) }
        }
        while offset < input.count {
            let rest = UnsafeRawBufferPointer(rebasing: input[offset...])
            guard let total = try Self.frameLength(rest, limit: maxMessageBytes), total <= rest.count else {
                pending.append(contentsOf: rest)
                return
            }
            try handle(UnsafeRawBufferPointer(rebasing: rest[0..<total]), deliver)
            offset += total
        }
    }

    /// The whole frame's length (header + payload) once its header is complete, else nil.
    static func frameLength(_ bytes: UnsafeRawBufferPointer, limit: Int) throws(Failure) -> Int? {
        guard bytes.count >= 2 else { return nil }
        let b0 = bytes[0], b1 = bytes[1]
        if b0 & 0x70 != 0 { throw .reservedBits(b0 & 0x70) }
        guard let opcode = WebSocketOpcode(rawValue: b0 & 0x0F) else { throw .unknownOpcode(b0 & 0x0F) }
        if b1 & 0x80 != 0 { throw .maskedFrame }
        var length = UInt64(b1 & 0x7F)
        var header = 2
        if length == 126 {
            guard bytes.count >= 4 else { return nil }
            length = UInt64(bytes[2]) << 8 | UInt64(bytes[3])
            header = 4
        } else if length == 127 {
            guard bytes.count >= 10 else { return nil }
            length = 0
            for i in 2..<10 { length = length << 8 | UInt64(bytes[i]) }
            header = 10
        }
        if opcode.isControl && (b0 & 0x80 == 0 || length > 125) { throw .badControlFrame }
        if length > UInt64(limit) { throw .tooLarge(length) }
        return header + Int(length)
    }

    /// Delivers one complete frame (header included in `frame`).
    private mutating func handle(_ frame: UnsafeRawBufferPointer,
                                 _ deliver: (WebSocketOpcode, UnsafeRawBufferPointer) -> Void) throws(Failure) {
        let b0 = frame[0], b1 = frame[1] & 0x7F
        let header = b1 == 126 ? 4 : b1 == 127 ? 10 : 2
        let payload = UnsafeRawBufferPointer(rebasing: frame[header...])
        // frameLength already rejected unknown opcodes.
        let opcode = WebSocketOpcode(rawValue: b0 & 0x0F) ?? .close
        let isFinal = b0 & 0x80 != 0
        if opcode.isControl {
            deliver(opcode, payload)
            return
        }
        switch (opcode, fragmentOpcode) {
        case (.continuation, nil), (.text, .some), (.binary, .some):
            throw .badFragmentation
        case (.continuation, .some(let first)):
            guard fragments.count + payload.count <= maxMessageBytes else { throw .tooLarge(UInt64(fragments.count + payload.count)) }
            fragments.append(contentsOf: payload)
            guard isFinal else { return }
            fragmentOpcode = nil
            fragments.withUnsafeBytes { deliver(first, $0) }
            fragments.removeAll(keepingCapacity: true)
        default:
            if isFinal {
                deliver(opcode, payload)
            } else {
                fragmentOpcode = opcode
                fragments.append(contentsOf: payload)
            }
        }
    }
}
