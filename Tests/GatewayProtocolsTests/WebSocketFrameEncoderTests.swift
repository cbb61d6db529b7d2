// WebSocketFrameEncoder: exact header bytes, RFC 6455 §5.7 masked example, close frames with
// truncated reasons, and encoder → decoder round trips for both roles around length limits.
import Testing
@testable import GatewayProtocols

struct WebSocketFrameEncoderTests {
    static let rfcKey = WebSocketMaskingKey(0x37, 0xfa, 0x21, 0x3d)

    @Test func writesTheRFCUnmaskedHelloFrame() {
        var buffer: [UInt8] = []
        WebSocketFrameEncoder(role: .server).writeFrame(.text, payload: Array("Hello".utf8), into: &buffer)
        #expect(buffer == WebSocketTestBytes.hex("81 05 48 65 6c 6c 6f"))
    }

    @Test func writesTheRFCMaskedHelloFrame() {
        var buffer: [UInt8] = []
        WebSocketFrameEncoder(role: .client).writeFrame(.text, payload: Array("Hello".utf8), maskingKey: Self.rfcKey, into: &buffer)
        #expect(buffer == WebSocketTestBytes.hex("81 85 37 fa 21 3d 7f 9f 4d 51 58"))
    }

    @Test(arguments: [
        (0, "82 00"), (125, "82 7D"), (126, "82 7E 00 7E"), (65535, "82 7E FF FF"),
        (65536, "82 7F 00 00 00 00 00 01 00 00"), (1 << 32, "82 7F 00 00 00 01 00 00 00 00"),
    ])
    func headerUsesTheMinimalLengthEncoding(length: Int, hex: String) {
        let encoder = WebSocketFrameEncoder(role: .server)
        var buffer: [UInt8] = [0xEE]  // existing content is kept
        encoder.writeHeader(.binary, payloadLength: length, into: &buffer)
        #expect(buffer == [0xEE] + WebSocketTestBytes.hex(hex))
        #expect(encoder.headerLength(payloadLength: length) == buffer.count - 1)
    }

    @Test func clientHeaderCarriesMaskBitAndKey() {
        let encoder = WebSocketFrameEncoder(role: .client)
        var buffer: [UInt8] = []
        encoder.writeHeader(.text, isFinal: false, payloadLength: 300, maskingKey: Self.rfcKey, into: &buffer)
        #expect(buffer == WebSocketTestBytes.hex("01 FE 01 2C 37 fa 21 3d"))
        #expect(encoder.headerLength(payloadLength: 300) == 8)
    }

    @Test func headerPlusSharedPayloadEqualsAWholeFrame() {
        let encoder = WebSocketFrameEncoder(role: .server)
        let payload = Array(#"{"type":"board","rank":1}"#.utf8)
        var whole: [UInt8] = []
        encoder.writeFrame(.text, payload: payload, into: &whole)
        var header: [UInt8] = []
        encoder.writeHeader(.text, payloadLength: payload.count, into: &header)
        #expect(header + payload == whole)
    }

    @Test func writesCloseWithCodeAndReason() {
        var buffer: [UInt8] = []
        WebSocketFrameEncoder(role: .server).writeClose(code: .goingAway, reason: "bye", into: &buffer)
        #expect(buffer == WebSocketTestBytes.hex("88 05 03 E9 62 79 65"))
        buffer.removeAll()
        WebSocketFrameEncoder(role: .server).writeClose(code: nil, into: &buffer)
        #expect(buffer == WebSocketTestBytes.hex("88 00"))
    }

    @Test(arguments: [
        (String(repeating: "a", count: 122) + "é", 122),   // é would straddle byte 123
        (String(repeating: "a", count: 123), 123),          // exactly fits
        (String(repeating: "€", count: 50), 123),           // 41 × 3 bytes
        (String(repeating: "😀", count: 40), 120),          // 30 × 4 bytes
        ("short", 5),
    ])
    func truncatesCloseReasonAtACharacterBoundary(reason: String, expectedBytes: Int) throws {
        var buffer: [UInt8] = []
        WebSocketFrameEncoder(role: .server).writeClose(code: .normalClosure, reason: reason, into: &buffer)
        #expect(Int(buffer[1]) == 2 + expectedBytes)
        var decoder = WebSocketFrameDecoder(role: .client, maxMessageBytes: 0)
        let events = try decoder.decode(buffer)
        let expectedReason = String(decoding: Array(reason.utf8).prefix(expectedBytes), as: UTF8.self)
        #expect(events == [.close(code: .normalClosure, reason: expectedReason)])
    }

    // MARK: Round trips

    static let interestingSizes = [0, 1, 7, 8, 9, 124, 125, 126, 127, 65535, 65536, 65537]

    @Test(arguments: [WebSocketRole.client, .server])
    func roundTripsMessagesAroundLengthBoundaries(senderRole: WebSocketRole) throws {
        let seed: UInt64 = senderRole == .client ? 0xC11E : 0x5E7E
        var random = WebSocketTestRandom(seed: seed)
        let encoder = WebSocketFrameEncoder(role: senderRole)
        let receiverRole: WebSocketRole = senderRole == .client ? .server : .client
        var sizes = Self.interestingSizes
        for _ in 0..<12 { sizes.append(Self.interestingSizes.randomElement(using: &random)! + Int.random(in: -3...3, using: &random)) }
        var stream: [UInt8] = []
        var expected: [WebSocketEvent] = []
        for size in sizes where size >= 0 {
            let key = senderRole == .client ? Self.randomKey(using: &random) : nil
            if random.next() % 2 == 0 {
                let payload = random.bytes(size)
                encoder.writeFrame(.binary, payload: payload, maskingKey: key, into: &stream)
                expected.append(.binary(payload))
            } else {
                let payload = Array(String(repeating: "ü", count: size / 2).utf8)
                encoder.writeFrame(.text, payload: payload, maskingKey: key, into: &stream)
                expected.append(.text(payload))
            }
        }
        let (outcome, differences) = WebSocketDecodeOutcome.decodeInEverySplit(
            stream, role: receiverRole, maxMessageBytes: 70_000, seed: seed, splits: 3)
        #expect(outcome == WebSocketDecodeOutcome(events: expected, error: nil), "seed \(seed)")
        #expect(differences.isEmpty, "\(differences)")
    }

    @Test func roundTripsFragmentedMessagesWithInterleavedPings() {
        let seed: UInt64 = 0xF4A6
        var random = WebSocketTestRandom(seed: seed)
        let encoder = WebSocketFrameEncoder(role: .client)
        var stream: [UInt8] = []
        var expected: [WebSocketEvent] = []
        for _ in 0..<30 {
            let text = Array(String(repeating: "ab€😀", count: Int.random(in: 0...60, using: &random)).utf8)
            var offset = 0
            var opcode = WebSocketOpcode.text
            repeat {
                let end = min(text.count, offset + Int.random(in: 0...40, using: &random))
                let isFinal = end == text.count && random.next() % 3 != 0
                encoder.writeFrame(opcode, isFinal: isFinal, payload: Array(text[offset..<end]),
                                   maskingKey: Self.randomKey(using: &random), into: &stream)
                opcode = .continuation
                offset = end
                if isFinal { break }
                if random.next() % 4 == 0 {
                    let ping = random.bytes(Int.random(in: 0...125, using: &random))
                    encoder.writeFrame(.ping, payload: ping, maskingKey: Self.randomKey(using: &random), into: &stream)
                    expected.append(.ping(ping))
                }
            } while true
            expected.append(.text(text))
        }
        let (outcome, differences) = WebSocketDecodeOutcome.decodeInEverySplit(stream, role: .server, seed: seed, splits: 10)
        let firstDifference = zip(outcome.events, expected).enumerated().first { $0.element.0 != $0.element.1 }
        #expect(outcome == WebSocketDecodeOutcome(events: expected, error: nil), "seed \(seed), first difference \(String(describing: firstDifference))")
        #expect(differences.isEmpty, "\(differences)")
    }

    static func randomKey(using random: inout WebSocketTestRandom) -> WebSocketMaskingKey {
        WebSocketMaskingKey(UInt8.random(in: 0...255, using: &random), UInt8.random(in: 0...255, using: &random),
                            UInt8.random(in: 0...255, using: &random), UInt8.random(in: 0...255, using: &random))
    }
}
