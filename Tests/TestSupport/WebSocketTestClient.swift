// A blocking RFC 6455 client for end-to-end tests: handshake, masked frames out, frames in
// through the project's decoder in client role, with timeouts.
import GatewayProtocols

public final class WebSocketTestClient {
    public let socket: TestSocket
    private var decoder = WebSocketFrameDecoder(role: .client, maxMessageBytes: 16 << 20)
    private var pending: [WebSocketEvent] = []
    private let encoder = WebSocketFrameEncoder(role: .client)
    private var maskSeed: UInt8 = 1
    /// The HTTP status of the handshake (101 on success).
    public private(set) var handshakeStatus = 0
    public private(set) var handshakeBody = ""

    /// Connects and performs the opening handshake on `path` (e.g. "/v1/ws?token=…").
    public init?(port: UInt16, path: String, subprotocol: String? = "overtake.v1", receiveBufferBytes: Int32? = nil) {
        guard let s = TestSocket(port: port, receiveBufferBytes: receiveBufferBytes) else { return nil }
        socket = s
        var request = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        request += "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
        if let subprotocol { request += "Sec-WebSocket-Protocol: \(subprotocol)\r\n" }
        socket.send(request + "\r\n")
        guard let head = socket.read(until: Array("\r\n\r\n".utf8)) else { return nil }
        let text = String(decoding: head, as: UTF8.self)
        handshakeStatus = Int(text.dropFirst(9).prefix(3)) ?? 0
        if handshakeStatus != 101 {
            if let lengthLine = text.split(separator: "\r\n").first(where: { $0.lowercased().hasPrefix("content-length:") }),
               let n = Int(lengthLine.dropFirst(15).drop { $0 == " " }), let body = socket.read(count: n) {
                handshakeBody = String(decoding: body, as: UTF8.self)
            }
            return
        }
        let leftover = socket.consume(socket.buffered.count)
        if !leftover.isEmpty { leftover.withUnsafeBytes { try? decoder.decode($0, into: &pending) } }
    }

    private func nextKey() -> WebSocketMaskingKey {
        maskSeed &+= 37
        return WebSocketMaskingKey(maskSeed, maskSeed &+ 1, maskSeed &+ 2, maskSeed &+ 3)
    }

    public func send(text: String) { send(.text, Array(text.utf8)) }

    public func send(_ opcode: WebSocketOpcode, _ payload: [UInt8], isFinal: Bool = true) {
        var out: [UInt8] = []
        encoder.writeFrame(opcode, isFinal: isFinal, payload: payload, maskingKey: nextKey(), into: &out)
        socket.send(out)
    }

    public func close(code: WebSocketCloseCode = .normalClosure) {
        var out: [UInt8] = []
        encoder.writeClose(code: code, reason: "", maskingKey: nextKey(), into: &out)
        socket.send(out)
    }

    /// The next event (any frame), or nil on timeout/EOF.
    public func nextEvent() -> WebSocketEvent? {
        while pending.isEmpty {
            let before = socket.buffered.count
            if before == 0 { guard socket.fill() else { return nil } }
            let bytes = socket.consume(socket.buffered.count)
            let ok = bytes.withUnsafeBytes { b -> Bool in
                do { try decoder.decode(b, into: &pending) } catch { return false }
                return true
            }
            if !ok { return nil }
        }
        return pending.removeFirst()
    }

    /// The next text message as a string (pings and pongs skipped), or nil.
    public func nextText() -> String? {
        while let event = nextEvent() {
            switch event {
            case let .text(bytes): return String(decoding: bytes, as: UTF8.self)
            case .close: return nil
            default: continue
            }
        }
        return nil
    }

    /// The close frame's code if the server closes next (skipping other messages), else nil.
    public func nextClose() -> WebSocketCloseCode?? {
        while let event = nextEvent() {
            if case let .close(code, _) = event { return .some(code) }
        }
        return nil
    }
}
