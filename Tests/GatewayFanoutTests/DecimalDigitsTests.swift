// DecimalDigits: the same digits as String(_:) for every length, edge and random value (seeded).
import Testing
@testable import GatewayFanout

@Suite struct DecimalDigitsTests {
    private func text(_ value: UInt64) -> String {
        DecimalDigits(value).withBytes { String(decoding: $0, as: UTF8.self) }
    }

    @Test func formatsEdgesAndEveryLength() {
        var values: [UInt64] = [0, 1, 9, 10, 11, 99, 100, 101, 999, 1000, UInt64.max, UInt64.max - 1]
        var power: UInt64 = 1
        for _ in 0..<19 {
            power *= 10
            values += [power - 1, power, power + 1]
        }
        for v in values {
            #expect(text(v) == String(v), "value \(v)")
            #expect(DecimalDigits(v).count == String(v).count)
            #expect(DecimalDigits(v).value == v)
        }
    }

    @Test func matchesTheStandardLibraryOnRandomValues() {
        let seed = UInt64.random(in: 1...UInt64.max)
        print("DecimalDigitsTests seed \(seed)")
        var state = seed
        for _ in 0..<20_000 {
            // xorshift64*, then a random width so short numbers are as common as long ones.
            state ^= state >> 12
            state ^= state << 25
            state ^= state >> 27
            let wide = state &* 2_685_821_657_736_338_717
            let v = wide >> (wide % 64)
            #expect(text(v) == String(v), "value \(v), seed \(seed)")
        }
    }
}
