// WebSocketFrameDecoder on valid input: RFC 6455 §5.7 golden frames fed whole, byte by byte
// and in seeded random splits; reassembly, interleaved control frames, lengths, close frames.
import Testing
@testable import GatewayProtocols

/// Everything a feed produced: the events, and the error that stopped it (if any).
struct WebSocketDecodeOutcome: Equatable, CustomStringConvertible {
    var events: [WebSocketEvent]
    var error: WebSocketProtocolError?

    var description: String { "\(events.count) events, error \(String(describing: error))" }

    /// Feeds `chunks` in order to a fresh decoder; stops at the first error.
    static func decode(_ chunks: [[UInt8]], role: WebSocketRole, maxMessageBytes: Int = 1 << 20) -> WebSocketDecodeOutcome {
        var decoder = WebSocketFrameDecoder(role: role, maxMessageBytes: maxMessageBytes)
        var events: [WebSocketEvent] = []
        for chunk in chunks {
            do {
                try chunk.withUnsafeBytes { try decoder.decode($0, into: &events) }
            } catch let error as WebSocketProtocolError {
                return WebSocketDecodeOutcome(events: events, error: error)
            } catch {
                preconditionFailure("untyped error \(error)")
            }
        }
        return WebSocketDecodeOutcome(events: events, error: nil)
    }

    /// Decodes `bytes` whole, byte by byte and in `splits` seeded random splits; returns the
    /// whole-input outcome and descriptions of every feed that differed from it.
    static func decodeInEverySplit(_ bytes: [UInt8], role: WebSocketRole, maxMessageBytes: Int = 1 << 20,
                                   seed: UInt64, splits: Int = 20) -> (WebSocketDecodeOutcome, [String]) {
        let whole = decode([bytes], role: role, maxMessageBytes: maxMessageBytes)
        var differences: [String] = []
        let dripped = decode(WebSocketTestBytes.byteByByte(bytes), role: role, maxMessageBytes: maxMessageBytes)
        if dripped != whole { differences.append("byte by byte: \(dripped)") }
        var random = WebSocketTestRandom(seed: seed)
        for split in 0..<splits {
            let chunks = WebSocketTestBytes.randomSplit(bytes, using: &random, maxChunk: Int.random(in: 1...300, using: &random))
            let outcome = decode(chunks, role: role, maxMessageBytes: maxMessageBytes)
            if outcome != whole { differences.append("seed \(seed) split \(split): \(outcome)") }
        }
        return (whole, differences)
    }
}

struct WebSocketFrameDecoderTests {
    struct Golden: Sendable, CustomTestStringConvertible {
        var name: String
        var role: WebSocketRole
        var bytes: [UInt8]
        var expected: [WebSocketEvent]
        var testDescription: String { name }
    }

    static let pattern256 = (0..<256).map { UInt8($0) }
    static let pattern64K = (0..<65536).map { UInt8(truncatingIfNeeded: $0 &* 7) }

    /// RFC 6455 §5.7, byte for byte.
    static let goldens: [Golden] = [
        // FIN+text, unmasked, length 5, "Hello": what a server sends, so a client decodes it.
        Golden(name: "unmasked text Hello", role: .client,
               bytes: WebSocketTestBytes.hex("81 05 48 65 6c 6c 6f"), expected: [.text(Array("Hello".utf8))]),
        // FIN+text, MASK, length 5, key 37 fa 21 3d, "Hello" XOR key.
        Golden(name: "masked text Hello", role: .server,
               bytes: WebSocketTestBytes.hex("81 85 37 fa 21 3d 7f 9f 4d 51 58"), expected: [.text(Array("Hello".utf8))]),
        // text without FIN "Hel", then FIN+continuation "lo": one message.
        Golden(name: "fragmented Hel + lo", role: .client,
               bytes: WebSocketTestBytes.hex("01 03 48 65 6c  80 02 6c 6f"), expected: [.text(Array("Hello".utf8))]),
        // FIN+ping, unmasked, "Hello".
        Golden(name: "unmasked ping", role: .client,
               bytes: WebSocketTestBytes.hex("89 05 48 65 6c 6c 6f"), expected: [.ping(Array("Hello".utf8))]),
        // FIN+pong, masked with 37 fa 21 3d, "Hello".
        Golden(name: "masked pong", role: .server,
               bytes: WebSocketTestBytes.hex("8a 85 37 fa 21 3d 7f 9f 4d 51 58"), expected: [.pong(Array("Hello".utf8))]),
        // FIN+binary, 7-bit length 126 → 16-bit length 0x0100 follows, 256 bytes.
        Golden(name: "256-byte binary, 16-bit length", role: .client,
               bytes: WebSocketTestBytes.hex("82 7E 01 00") + pattern256, expected: [.binary(pattern256)]),
        // FIN+binary, 7-bit length 127 → 64-bit length 0x10000 follows, 65536 bytes.
        Golden(name: "64 KiB binary, 64-bit length", role: .client,
               bytes: WebSocketTestBytes.hex("82 7F 00 00 00 00 00 01 00 00") + pattern64K, expected: [.binary(pattern64K)]),
    ]

    @Test(arguments: goldens)
    func decodesRFC6455ExamplesInAnySplit(golden: Golden) {
        let (outcome, differences) = WebSocketDecodeOutcome.decodeInEverySplit(golden.bytes, role: golden.role, seed: 0x5_7)
        #expect(outcome == WebSocketDecodeOutcome(events: golden.expected, error: nil))
        #expect(differences.isEmpty, "\(differences)")
    }

    @Test func deliversControlFramesBetweenFragmentsImmediately() {
        // Masked with an all-zero key (XOR no-op) to keep the payload readable:
        // text "Hel" (no FIN), ping "p", pong "", continuation+FIN "lo".
        let bytes = WebSocketTestBytes.hex("""
            01 83 00000000 48 65 6c
            89 81 00000000 70
            8a 80 00000000
            80 82 00000000 6c 6f
            """)
        let (outcome, differences) = WebSocketDecodeOutcome.decodeInEverySplit(bytes, role: .server, seed: 0x1A7E)
        #expect(outcome.events == [.ping([0x70]), .pong([]), .text(Array("Hello".utf8))])
        #expect(outcome.error == nil)
        #expect(differences.isEmpty, "\(differences)")
    }

    @Test func deliversPingBeforeTheFragmentedMessageCompletes() throws {
        var decoder = WebSocketFrameDecoder(role: .server, maxMessageBytes: 100)
        let first = try decoder.decode(WebSocketTestBytes.hex("02 82 00000000 01 02  89 80 00000000"))
        #expect(first == [.ping([])])
        #expect(decoder.bufferedByteCount == 2, "the first fragment is held")
        let second = try decoder.decode(WebSocketTestBytes.hex("80 81 00000000 03"))
        #expect(second == [.binary([1, 2, 3])])
        #expect(decoder.bufferedByteCount == 0)
    }

    @Test func acceptsNonMinimalLengthEncodings() {
        // "Hi" with its length in the 16-bit form, then in the 64-bit form: legal per RFC 6455.
        let bytes = WebSocketTestBytes.hex("""
            81 FE 00 02 00000000 48 69
            81 FF 00 00 00 00 00 00 00 02 00000000 48 69
            """)
        let outcome = WebSocketDecodeOutcome.decode([bytes], role: .server)
        #expect(outcome.events == [.text(Array("Hi".utf8)), .text(Array("Hi".utf8))])
        #expect(outcome.error == nil)
    }

    @Test func decodesEmptyMessagesAndEmptyFragments() {
        let bytes = WebSocketTestBytes.hex("""
            81 80 00000000
            02 80 00000000
            00 80 00000000
            80 81 00000000 2A
            """)
        let outcome = WebSocketDecodeOutcome.decode([bytes], role: .server)
        #expect(outcome.events == [.text([]), .binary([0x2A])])
        #expect(outcome.error == nil)
    }

    @Test func unmasksPayloadsLongerThanOneWordWithARealKey() {
        // 21 bytes (2 words + 5) so the 8-byte loop and the byte tail both run.
        let text = Array("masking works 8 at a ".utf8)
        let key: [UInt8] = [0xA1, 0xB2, 0xC3, 0xD4]
        let masked = text.enumerated().map { $0.element ^ key[$0.offset % 4] }
        let bytes = [0x81, 0x80 | UInt8(text.count)] + key + masked
        let (outcome, differences) = WebSocketDecodeOutcome.decodeInEverySplit(bytes, role: .server, seed: 0xA1B2)
        #expect(outcome.events == [.text(text)])
        #expect(differences.isEmpty, "\(differences)")
    }

    @Test func splitsMultiByteCharactersAcrossFragments() {
        // "é€😀" with every character cut by a fragment boundary.
        let utf8 = Array("é€😀".utf8)
        var bytes: [UInt8] = []
        let cuts = [0..<1, 1..<3, 3..<6, 6..<utf8.count]
        for (index, range) in cuts.enumerated() {
            let opcode: UInt8 = index == 0 ? 0x01 : 0x00
            let fin: UInt8 = index == cuts.count - 1 ? 0x80 : 0
            bytes += [fin | opcode, 0x80 | UInt8(range.count), 0, 0, 0, 0] + utf8[range]
        }
        let (outcome, differences) = WebSocketDecodeOutcome.decodeInEverySplit(bytes, role: .server, seed: 0xE2)
        #expect(outcome.events == [.text(utf8)])
        #expect(differences.isEmpty, "\(differences)")
    }

    @Test(arguments: [1000, 1001, 1003, 1007, 1010, 1011, 1012, 1013, 1014, 3000, 3999, 4000, 4999] as [UInt16])
    func acceptsCloseCodesAllowedOnTheWire(code: UInt16) {
        let bytes: [UInt8] = [0x88, 0x84, 0, 0, 0, 0, UInt8(code >> 8), UInt8(code & 0xFF), 0x6F, 0x6B]
        let outcome = WebSocketDecodeOutcome.decode([bytes], role: .server)
        #expect(outcome.events == [.close(code: WebSocketCloseCode(code), reason: "ok")])
        #expect(outcome.error == nil)
    }

    @Test func emptyCloseHasNoCode() {
        let outcome = WebSocketDecodeOutcome.decode([WebSocketTestBytes.hex("88 80 00000000")], role: .server)
        #expect(outcome.events == [.close(code: nil, reason: "")])
    }

    @Test func ignoresInputAfterTheCloseFrame() throws {
        var decoder = WebSocketFrameDecoder(role: .server, maxMessageBytes: 100)
        // close 1000, then a text frame and garbage that must not be parsed.
        let events = try decoder.decode(WebSocketTestBytes.hex("88 82 00000000 03 E8  81 81 00000000 41  FF FF"))
        #expect(events == [.close(code: .normalClosure, reason: "")])
        #expect(decoder.isClosed)
        #expect(try decoder.decode([0x83, 0x00]) == [])
    }

    @Test func messageExactlyAtTheLimitIsAccepted() {
        let bytes = WebSocketTestBytes.hex("02 83 00000000 01 02 03  80 82 00000000 04 05")
        let outcome = WebSocketDecodeOutcome.decode([bytes], role: .server, maxMessageBytes: 5)
        #expect(outcome.events == [.binary([1, 2, 3, 4, 5])])
        #expect(outcome.error == nil)
    }
}
