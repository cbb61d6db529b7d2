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

    public init() { scratch.reserveCapacity(128) }

    /// Writes `item` as the connection's message number `seq`, sent at Unix time `t` (ns).
    public mutating func write(_ item: OutboundQueue.Item, seq: UInt64, t: Int64, framing: Framing, to connection: Connection) {
        var prefix = PrefixBuffer()
        prefix.append("{\"seq\":")
        prefix.append(seq)
        prefix.append(",\"t\":")
        prefix.append(UInt64(max(t, 0)))
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
        text.withUTF8Buffer { for b in $0 { appendByte(b) } }
    }

    mutating func append(_ value: UInt64) {
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var n = 0
        var v = value
        withUnsafeMutableBytes(of: &digits) { d in
            repeat {
                d[n] = UInt8(truncatingIfNeeded: v % 10) + 0x30
                v /= 10
                n += 1
            } while v > 0
            while n > 0 {
                n -= 1
                appendByte(d[n])
            }
        }
    }

    @inline(__always)
    mutating func appendByte(_ b: UInt8) {
        precondition(count < 96, "prefix overflow")
        withUnsafeMutableBytes(of: &storage) { $0[count] = b }
        count += 1
    }

    func appendTo(_ out: inout [UInt8]) {
        withUnsafeBytes(of: storage) { out.append(contentsOf: $0[0..<count]) }
    }
}
