// Test helpers for the WebSocket, UTF-8, crypto and SSE tests: a seeded generator, hex
// literals and random splits. Prefixed names avoid clashes with HTTP tests in this target.

/// SplitMix64: tiny, fast and fully determined by its seed, so every random test can print
/// the seed it used and be replayed exactly.
struct WebSocketTestRandom: RandomNumberGenerator {
    private(set) var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func bytes(_ count: Int) -> [UInt8] {
        (0..<count).map { _ in UInt8.random(in: 0...255, using: &self) }
    }
}

enum WebSocketTestBytes {
    /// Bytes from hex digits; spaces and newlines are ignored ("81 05 48 65").
    static func hex(_ text: String) -> [UInt8] {
        let digits = text.unicodeScalars.filter { !$0.properties.isWhitespace }.map { Character($0) }
        precondition(digits.count % 2 == 0, "odd number of hex digits")
        return stride(from: 0, to: digits.count, by: 2).map { UInt8(String(digits[$0...$0 + 1]), radix: 16)! }
    }

    /// Lower-case hex of `bytes` without separators.
    static func hexString(_ bytes: [UInt8]) -> String {
        bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }

    /// `bytes` cut at random points into non-empty chunks (concatenation == bytes).
    static func randomSplit(_ bytes: [UInt8], using random: inout WebSocketTestRandom, maxChunk: Int = 16) -> [[UInt8]] {
        var chunks: [[UInt8]] = []
        var index = 0
        while index < bytes.count {
            let size = Int.random(in: 1...max(1, maxChunk), using: &random)
            let end = min(bytes.count, index + size)
            chunks.append(Array(bytes[index..<end]))
            index = end
        }
        return chunks
    }

    /// `bytes` one byte per chunk.
    static func byteByByte(_ bytes: [UInt8]) -> [[UInt8]] { bytes.map { [$0] } }
}
