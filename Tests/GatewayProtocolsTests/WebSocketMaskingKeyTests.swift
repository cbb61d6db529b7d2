// WebSocketMaskingKey.apply: equal to byte-wise XOR at every phase and length, and self-inverse.
import Testing
@testable import GatewayProtocols

struct WebSocketMaskingKeyTests {
    @Test func wordWiseMaskingEqualsBytewiseXORAtEveryPhaseAndLength() {
        let key = WebSocketMaskingKey(0x01, 0x23, 0x45, 0x67)
        let keyBytes: [UInt8] = [0x01, 0x23, 0x45, 0x67]
        let seed: UInt64 = 0x3A5C
        var random = WebSocketTestRandom(seed: seed)
        for length in 0...40 {
            for phase in 0..<4 {
                let original = random.bytes(length)
                var masked = original
                let nextPhase = masked.withUnsafeMutableBytes { key.apply(to: $0, phase: phase) }
                let expected = original.enumerated().map { $0.element ^ keyBytes[($0.offset + phase) % 4] }
                #expect(masked == expected, "seed \(seed) length \(length) phase \(phase)")
                #expect(nextPhase == (phase + length) % 4)
                masked.withUnsafeMutableBytes { _ = key.apply(to: $0, phase: phase) }
                #expect(masked == original, "masking twice restores the input")
            }
        }
    }
}
