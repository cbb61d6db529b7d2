// Writes queued messages onto a connection: the per-connection prefix (`{"seq":N,"t":T,` and the
// pseq for personal messages) and the WebSocket or SSE framing are built in a small scratch
// buffer; the shared body follows by reference (one iovec, no copy). Owned by a loop.
import GatewayNet
import GatewayProtocols

public enum Framing: Sendable {
    case webSocket
    case serverSentEvents
}

public struct MessageFramer {
    private var scratch: [UInt8] = []
    private let encoder = WebSocketFrameEncoder(role: .server)
    /// The digits of the last `t` written (one pump writes all its messages with the same `t`).
    private var time = DecimalDigits(0)

    public init() { scratch.reserveCapacity(128) }

    /// Writes `item` as the connection's message number `seq`, sent at Unix time `t` (ns).
    public mutating func write(_ item: OutboundQueue.Item, seq: UInt64, t: Int64, framing: Framing, to connection: Connection) {
        var prefix = PrefixBuffer()
        prefix.append("{\"seq\":")
        prefix.append(seq)
        prefix.append(",\"t\":")
        let sentAt = UInt64(max(t, 0))
        if sentAt != time.value { time = DecimalDigits(sentAt) }
        prefix.append(time)
        if item.isPersonal {
            prefix.append(",\"pseq\":")
            prefix.append(item.sequence)
        } else if item.sequence != 0, item.stream != nil {
            prefix.append(",\"id\":")
            prefix.append(item.sequence)
        }
        prefix.append(",")
        // A snapshot item from coalescing is a whole body too (the engine encodes bodies brace-less).
        let bodyLength = item.range.count
        scratch.removeAll(keepingCapacity: true)
        connection.beginMessage()
        switch framing {
        case .webSocket:
            encoder.writeHeader(.text, payloadLength: prefix.count + bodyLength, into: &scratch)
            prefix.appendTo(&scratch)
            connection.write(scratch)
            connection.write(item.bytes, range: item.range)
        case .serverSentEvents:
            ServerSentEventEncoder.writeEventPrefix(id: item.sequence == 0 ? nil : item.sequence, event: item.kind.name, into: &scratch)
            prefix.appendTo(&scratch)
            connection.write(scratch)
            connection.write(item.bytes, range: item.range)
            connection.write(ServerSentEventEncoder.eventSuffix)
        }
    }
}

/// A fixed 96-byte stack buffer for the prefix (no allocation per message).
struct PrefixBuffer {
    private var storage: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64)
        = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    private(set) var count = 0

    mutating func append(_ text: StaticString) {
        text.withUTF8Buffer { append(UnsafeRawBufferPointer($0)) }
    }

    mutating func append(_ value: UInt64) {
        append(DecimalDigits(value))
    }

    mutating func append(_ digits: DecimalDigits) {
        digits.withBytes { append($0) }
    }

    private mutating func append(_ bytes: UnsafeRawBufferPointer) {
        precondition(count + bytes.count <= 96, "prefix overflow")
        let at = count
        // A byte loop: these copies are 1–20 bytes, too short to pay for a memmove call.
        withUnsafeMutableBytes(of: &storage) { out in
            for i in 0..<bytes.count { out[at &+ i] = bytes[i] }
        }
        count += bytes.count
    }

    func appendTo(_ out: inout [UInt8]) {
        withUnsafeBytes(of: storage) { out.append(contentsOf: $0[0..<count]) }
    }
}
