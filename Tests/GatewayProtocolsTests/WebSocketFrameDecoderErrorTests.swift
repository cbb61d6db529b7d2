// WebSocketFrameDecoder on invalid input: every RFC 6455 violation maps to its typed error and
// close code (1002 / 1007 / 1009), in any split, and is reported as early as the bytes allow.
import Testing
@testable import GatewayProtocols

struct WebSocketFrameDecoderErrorTests {
    struct Violation: Sendable, CustomTestStringConvertible {
        var name: String
        var role: WebSocketRole = .server
        var maxMessageBytes = 1 << 20
        var hex: String
        var error: WebSocketProtocolError
        var closeCode: UInt16
        var testDescription: String { name }
    }

    /// Server-role frames are masked with an all-zero key (`00000000`), which leaves the
    /// payload readable; a real key is exercised by the round-trip tests.
    static let violations: [Violation] = [
        Violation(name: "RSV1 set", hex: "C1 80 00000000", error: .reservedBitsSet(bits: 0x40), closeCode: 1002),
        Violation(name: "RSV2+RSV3 set", hex: "B2 80 00000000", error: .reservedBitsSet(bits: 0x30), closeCode: 1002),
        Violation(name: "opcode 3", hex: "83 80 00000000", error: .unknownOpcode(0x3), closeCode: 1002),
        Violation(name: "opcode 0xB", hex: "8B 80 00000000", error: .unknownOpcode(0xB), closeCode: 1002),
        Violation(name: "ping without FIN", hex: "09 80 00000000", error: .fragmentedControlFrame(.ping), closeCode: 1002),
        Violation(name: "ping of 126 bytes", hex: "89 FE 00 7E", error: .controlFrameTooLong(.ping, length: 126), closeCode: 1002),
        Violation(name: "close with 64-bit length 126", hex: "88 FF 00 00 00 00 00 00 00 7E",
                  error: .controlFrameTooLong(.close, length: 126), closeCode: 1002),
        Violation(name: "continuation first", hex: "80 80 00000000", error: .unexpectedContinuation, closeCode: 1002),
        Violation(name: "text while a text is open", hex: "01 81 00000000 41  81 81 00000000 42",
                  error: .expectedContinuation(received: .text), closeCode: 1002),
        Violation(name: "binary while a text is open", hex: "01 81 00000000 41  82 80 00000000",
                  error: .expectedContinuation(received: .binary), closeCode: 1002),
        Violation(name: "64-bit length with the top bit", hex: "82 FF 80 00 00 00 00 00 00 00",
                  error: .invalidPayloadLength(1 << 63), closeCode: 1002),
        Violation(name: "frame over the limit", maxMessageBytes: 16, hex: "82 91",
                  error: .messageTooLarge(length: 17, limit: 16), closeCode: 1009),
        Violation(name: "fragments over the limit", maxMessageBytes: 16,
                  hex: "02 88 00000000 0102030405060708  80 89",
                  error: .messageTooLarge(length: 17, limit: 16), closeCode: 1009),
        Violation(name: "invalid UTF-8 in text", hex: "81 82 00000000 C3 28",
                  error: .invalidUTF8InText(byteOffset: 1), closeCode: 1007),
        Violation(name: "invalid UTF-8 across fragments", hex: "01 81 00000000 CE  80 81 00000000 28",
                  error: .invalidUTF8InText(byteOffset: 1), closeCode: 1007),
        Violation(name: "text ends mid-character", hex: "81 81 00000000 CE",
                  error: .invalidUTF8InText(byteOffset: 1), closeCode: 1007),
        Violation(name: "surrogate in text", hex: "81 83 00000000 ED A0 80",
                  error: .invalidUTF8InText(byteOffset: 1), closeCode: 1007),
        Violation(name: "close payload of 1 byte", hex: "88 81", error: .truncatedCloseCode, closeCode: 1002),
        Violation(name: "close reason not UTF-8", hex: "88 84 00000000 03 E8 C3 28",
                  error: .invalidUTF8InCloseReason(byteOffset: 1), closeCode: 1007),
        Violation(name: "unmasked client frame", hex: "81 05 48 65 6c 6c 6f", error: .unmaskedClientFrame, closeCode: 1002),
        Violation(name: "masked server frame", role: .client, hex: "81 85 37 fa 21 3d 7f 9f 4d 51 58",
                  error: .maskedServerFrame, closeCode: 1002),
    ]

    @Test(arguments: violations)
    func rejectsViolationWithTheRightCloseCode(violation: Violation) {
        let bytes = WebSocketTestBytes.hex(violation.hex)
        let (outcome, differences) = WebSocketDecodeOutcome.decodeInEverySplit(
            bytes, role: violation.role, maxMessageBytes: violation.maxMessageBytes, seed: 0xE7)
        #expect(outcome.error == violation.error)
        #expect(outcome.error?.closeCode == WebSocketCloseCode(violation.closeCode))
        #expect(differences.isEmpty, "\(differences)")
    }

    @Test(arguments: [0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535] as [UInt16])
    func rejectsCloseCodesNotAllowedOnTheWire(code: UInt16) {
        let bytes: [UInt8] = [0x88, 0x82, 0, 0, 0, 0, UInt8(code >> 8), UInt8(code & 0xFF)]
        let outcome = WebSocketDecodeOutcome.decode([bytes], role: .server)
        #expect(outcome.error == .invalidCloseCode(code))
        #expect(outcome.error?.closeCode == .protocolError)
    }

    @Test func failsOnInvalidUTF8BeforeTheFrameIsComplete() {
        // Autobahn 6.4.3-style: a 20-byte text frame whose first 14 payload bytes already hold
        // a surrogate (ED A0 80). Only those bytes arrive; the error must not wait for the rest.
        let payload = WebSocketTestBytes.hex("CE BA E1 BD B9 CF 83 CE BC CE B5 ED A0 80")
        var decoder = WebSocketFrameDecoder(role: .server, maxMessageBytes: 1000)
        let header = WebSocketTestBytes.hex("81 94 00000000")
        #expect(throws: WebSocketProtocolError.invalidUTF8InText(byteOffset: 12)) {
            _ = try decoder.decode(header + payload)
        }
    }

    @Test func failsOnInvalidUTF8InAFragmentBeforeTheMessageEnds() throws {
        // Autobahn 6.4.1-style: the invalid fragment arrives, the final one never does.
        var decoder = WebSocketFrameDecoder(role: .server, maxMessageBytes: 1000)
        _ = try decoder.decode(WebSocketTestBytes.hex("01 85 00000000 CE BA E1 BD B9"))
        #expect(throws: WebSocketProtocolError.invalidUTF8InText(byteOffset: 6)) {
            _ = try decoder.decode(WebSocketTestBytes.hex("00 83 00000000 ED A0 80"))
        }
    }

    @Test func rejectsAnOversizedFrameFromItsHeaderAlone() {
        // Header of a 64 KiB binary frame, without masking key or payload: the declared length
        // alone must trigger 1009, before anything is buffered.
        var decoder = WebSocketFrameDecoder(role: .server, maxMessageBytes: 1024)
        #expect(throws: WebSocketProtocolError.messageTooLarge(length: 65536, limit: 1024)) {
            _ = try decoder.decode(WebSocketTestBytes.hex("82 FF 00 00 00 00 00 01 00 00"))
        }
        #expect(decoder.bufferedByteCount <= 14)
    }

    @Test func keepsFailingAfterTheFirstError() {
        var decoder = WebSocketFrameDecoder(role: .server, maxMessageBytes: 1024)
        #expect(throws: WebSocketProtocolError.unknownOpcode(3)) { _ = try decoder.decode([0x83, 0x80]) }
        // A valid frame afterwards does not resynchronise the stream.
        #expect(throws: WebSocketProtocolError.unknownOpcode(3)) {
            _ = try decoder.decode(WebSocketTestBytes.hex("81 80 00000000"))
        }
    }

    @Test func keepsEventsCompletedBeforeAnError() {
        let bytes = WebSocketTestBytes.hex("81 81 00000000 41  83 80 00000000")
        let outcome = WebSocketDecodeOutcome.decode([bytes], role: .server)
        #expect(outcome.events == [.text([0x41])])
        #expect(outcome.error == .unknownOpcode(3))
    }

    @Test func everyErrorHasAShortCloseReason() {
        for violation in Self.violations {
            #expect(violation.error.closeReason.utf8.count <= WebSocketFrameEncoder.maxCloseReasonBytes)
        }
    }
}
