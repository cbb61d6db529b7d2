// `overtake-load frames`: what reading server frames costs the load generator, per message,
// with its zero-copy `ServerFrameReader` against the full `WebSocketFrameDecoder` (which copies
// each message and validates UTF-8). The reason the generator uses the former.
import GatewayProtocols

struct FrameCostCommand {
    var messages: Int
    var bytes: Int

    init(_ o: inout LoadOptions) throws(LoadOptionError) {
        messages = try o.int("messages", default: 1_000_000, range: 1...100_000_000)
        bytes = try o.int("bytes", default: 200, range: 40...65_535)
        try o.checkUnknown()
    }

    /// A stream of `messages` server text frames shaped like board diffs, `bytes` each.
    func makeStream() -> [UInt8] {
        let encoder = WebSocketFrameEncoder(role: .server)
        var body = Array(#"{"seq":123456,"t":1795392000123456789,"id":42,"type":"board","board":"bench","window":"alltime","moved":["#.utf8)
        while body.count < bytes - 2 { body.append(UInt8(ascii: "x")) }
        body += Array("]}".utf8)
        var stream: [UInt8] = []
        stream.reserveCapacity(messages * (bytes + 4))
        for _ in 0..<messages { encoder.writeFrame(.text, payload: body, into: &stream) }
        return stream
    }

    /// Reads `stream` in 64 KiB pieces with the load generator's reader; messages seen.
    static func readAll(_ stream: [UInt8], checksum: inout Int64) -> Int {
        var reader = ServerFrameReader()
        var seen = 0
        var sum: Int64 = 0
        stream.withUnsafeBytes { all in
            var offset = 0
            while offset < all.count {
                let end = min(all.count, offset + (64 << 10))
                do {
                    try reader.read(UnsafeRawBufferPointer(rebasing: all[offset..<end])) { _, payload in
                        seen += 1
                        sum &+= { h in (h.sentAt ?? 0) &+ Int64(h.kind.rawValue) }(MessageScan.header(payload))
                    }
                } catch {
                    return
                }
                offset = end
            }
        }
        checksum &+= sum
        return seen
    }

    /// The same with `WebSocketFrameDecoder` (a copied, UTF-8-checked message each); messages seen.
    static func decodeAll(_ stream: [UInt8], checksum: inout Int64) -> Int {
        var decoder = WebSocketFrameDecoder(role: .client, maxMessageBytes: 1 << 20)
        var events: [WebSocketEvent] = []
        var seen = 0
        var sum: Int64 = 0
        stream.withUnsafeBytes { all in
            var offset = 0
            while offset < all.count {
                let end = min(all.count, offset + (64 << 10))
                events.removeAll(keepingCapacity: true)
                do { try decoder.decode(UnsafeRawBufferPointer(rebasing: all[offset..<end]), into: &events) } catch { return }
                for case let .text(payload) in events {
                    seen += 1
                    payload.withUnsafeBytes { p in
                        sum &+= { h in (h.sentAt ?? 0) &+ Int64(h.kind.rawValue) }(MessageScan.header(p))
                    }
                }
                offset = end
            }
        }
        checksum &+= sum
        return seen
    }

    func run() -> Int32 {
        let stream = makeStream()
        var checksum: Int64 = 0
        let a = LoadClock.monotonicNanoseconds()
        let seen = Self.readAll(stream, checksum: &checksum)
        let b = LoadClock.monotonicNanoseconds()
        let decoded = Self.decodeAll(stream, checksum: &checksum)
        let c = LoadClock.monotonicNanoseconds()
        let fast = Double(b - a) / Double(max(seen, 1))
        let full = Double(c - b) / Double(max(decoded, 1))
        print("\(messages) frames of \(bytes) B in 64 KiB reads (+ scan of t and type):")
        print("  ServerFrameReader:      \(LoadReport.fixed(fast, 1)) ns/message (\(seen) messages)")
        print("  WebSocketFrameDecoder:  \(LoadReport.fixed(full, 1)) ns/message (\(decoded) messages)")
        var json = LoadReport(command: "frames")
        json.add("reader_ns_per_message", fast)
        json.add("decoder_ns_per_message", full)
        json.add("checksum", Int(truncatingIfNeeded: checksum & 0xFFFF))
        json.printLine()
        return seen == messages && decoded == messages ? 0 : 1
    }
}
