// Test helpers for the WebSocket, UTF-8, crypto and SSE tests: a seeded generator, hex
// literals and random splits. Prefixed names avoid clashes with HTTP tests in this target.
import TestSupport

/// The shared SplitMix64 generator (TestSupport).
typealias WebSocketTestRandom = SeededRandom

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
