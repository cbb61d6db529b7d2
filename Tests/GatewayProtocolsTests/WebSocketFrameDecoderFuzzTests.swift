// WebSocketFrameDecoder under seeded random garbage and mutated valid streams: it never traps,
// and its outcome (events + error) is the same whatever the input split.
import Testing
@testable import GatewayProtocols

struct WebSocketFrameDecoderFuzzTests {
    @Test(arguments: [WebSocketRole.server, .client])
    func randomBytesNeverTrapAndDecodeTheSameInAnySplit(role: WebSocketRole) {
        let seed: UInt64 = role == .server ? 0xF022_0001 : 0xF022_0002
        var random = WebSocketTestRandom(seed: seed)
        var differences: [String] = []
        for iteration in 0..<1_500 {
            var bytes = random.bytes(Int.random(in: 0...48, using: &random))
            // Bias toward plausible headers so fuzzing reaches payload and close parsing.
            if bytes.count >= 2 && random.next() % 2 == 0 {
                bytes[0] = bytes[0] & 0x8F
                bytes[1] = role == .server ? bytes[1] | 0x80 : bytes[1] & 0x7F
            }
            let whole = WebSocketDecodeOutcome.decode([bytes], role: role, maxMessageBytes: 64)
            let split = WebSocketDecodeOutcome.decode(WebSocketTestBytes.randomSplit(bytes, using: &random, maxChunk: 5),
                                                      role: role, maxMessageBytes: 64)
            if whole != split { differences.append("iteration \(iteration): \(WebSocketTestBytes.hexString(bytes))") }
        }
        #expect(differences.count == 0, "seed \(seed): \(differences.prefix(5))")
    }

    @Test func mutatedValidStreamsNeverTrapAndDecodeTheSameInAnySplit() {
        let seed: UInt64 = 0x3E7A_7E
        var random = WebSocketTestRandom(seed: seed)
        var differences: [String] = []
        var failures = 0
        for iteration in 0..<1_500 {
            var bytes = Self.validClientStream(using: &random)
            for _ in 0..<Int.random(in: 1...3, using: &random) {
                let position = Int.random(in: 0..<bytes.count, using: &random)
                switch random.next() % 3 {
                case 0: bytes[position] ^= UInt8(1) << UInt8(random.next() % 8)
                case 1: bytes.remove(at: position)
                default: bytes.insert(UInt8.random(in: 0...255, using: &random), at: position)
                }
                if bytes.isEmpty { break }
            }
            let whole = WebSocketDecodeOutcome.decode([bytes], role: .server, maxMessageBytes: 512)
            let split = WebSocketDecodeOutcome.decode(WebSocketTestBytes.randomSplit(bytes, using: &random, maxChunk: 40),
                                                      role: .server, maxMessageBytes: 512)
            if whole.error != nil { failures += 1 }
            if whole != split { differences.append("iteration \(iteration): \(WebSocketTestBytes.hexString(bytes))") }
        }
        #expect(differences.count == 0, "seed \(seed): \(differences.prefix(5))")
        #expect(failures > 100, "seed \(seed): mutations should often break the stream")
    }

    /// A few frames as a client sends them: masked text/binary (sometimes fragmented) and pings.
    static func validClientStream(using random: inout WebSocketTestRandom) -> [UInt8] {
        let encoder = WebSocketFrameEncoder(role: .client)
        var bytes: [UInt8] = []
        for _ in 0..<Int.random(in: 1...4, using: &random) {
            let key = WebSocketMaskingKey(UInt8.random(in: 0...255, using: &random), UInt8.random(in: 0...255, using: &random),
                                          UInt8.random(in: 0...255, using: &random), UInt8.random(in: 0...255, using: &random))
            let payload = Array(String(repeating: "é-x", count: Int.random(in: 0...50, using: &random)).utf8)
            switch random.next() % 4 {
            case 0:
                encoder.writeFrame(.ping, payload: Array(payload.prefix(20)), maskingKey: key, into: &bytes)
            case 1:
                encoder.writeFrame(.binary, payload: payload, maskingKey: key, into: &bytes)
            case 2:
                let cut = payload.count / 2
                encoder.writeFrame(.text, isFinal: false, payload: Array(payload[..<cut]), maskingKey: key, into: &bytes)
                encoder.writeFrame(.continuation, payload: Array(payload[cut...]), maskingKey: key, into: &bytes)
            default:
                encoder.writeFrame(.text, payload: payload, maskingKey: key, into: &bytes)
            }
        }
        return bytes
    }
}
