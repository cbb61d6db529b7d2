// HTTPRequestParserFuzzTests: seeded random bytes and mutated valid requests never trap the parser,
// and what it concludes (events or error) does not depend on how the bytes were split.
import GatewayProtocols
import Testing

@Suite struct HTTPRequestParserFuzzTests {
    /// Bytes that make interesting HTTP: structure characters, digits, letters, controls, high bytes.
    private static let alphabet: [UInt8] = Array("GETPOST /?%&=:;,\r\n\r\n0123456789abcdefHTTP/1.1 chunked Host: Content-Length".utf8)
        + [0x00, 0x09, 0x7F, 0x80, 0xC3, 0xFF, 0x22, 0x5C]

    @Test func randomBytesNeverTrapAndDoNotDependOnTheSplit() {
        let seed: UInt64 = 0xF00D_0001
        var random = HTTPTestRandom(seed: seed)
        let limits = HTTPParserLimits(maxRequestLineBytes: 64, maxHeaderBytes: 128, maxHeaderCount: 8, maxBodyBytes: 64,
                                      maxChunkExtensionBytes: 16)
        for iteration in 0..<1500 {
            let length = Int.random(in: 0...160, using: &random)
            var input: [UInt8] = Bool.random(using: &random) ? "POST /x HTTP/1.1\r\nHost: h\r\n".httpBytes : []
            for _ in 0..<length {
                input.append(Bool.random(using: &random) ? alphabetByte(&random) : UInt8.random(in: 0...255, using: &random))
            }
            let whole = httpParseOutcome(input, feed: .whole, limits: limits)
            let split = httpParseOutcome(input, feed: .randomSplits(seed: seed &+ UInt64(iteration)), limits: limits)
            #expect(whole == split, "seed \(seed), iteration \(iteration), input \(input)")
        }
    }

    @Test func mutatedValidRequestsNeverTrapAndDoNotDependOnTheSplit() throws {
        let seed: UInt64 = 0xF00D_0002
        var random = HTTPTestRandom(seed: seed)
        let corpus = httpGoldenRequests.map(\.wire.httpBytes)
        var rejected = 0
        for iteration in 0..<1500 {
            var input = corpus[Int.random(in: 0..<corpus.count, using: &random)]
            for _ in 0..<Int.random(in: 1...4, using: &random) { mutate(&input, using: &random) }
            let mode: HTTPRequestParser.BodyMode = Bool.random(using: &random) ? .aggregate : .stream
            let whole = httpParseOutcome(input, feed: .whole, mode: mode)
            let drip = httpParseOutcome(input, feed: .byteByByte, mode: mode)
            let split = httpParseOutcome(input, feed: .randomSplits(seed: seed &+ UInt64(iteration)), mode: mode)
            #expect(whole == drip && whole == split, "seed \(seed), iteration \(iteration), mode \(mode), input \(String(decoding: input, as: UTF8.self).debugDescription)\nwhole \(whole)\ndrip \(drip)\nsplit \(split)")
            if whole.error != nil { rejected += 1 }
        }
        // The mutations must actually exercise the error paths, not only the happy path.
        #expect(rejected > 300 && rejected < 1500, "rejected \(rejected) of 1500")
    }

    private func alphabetByte(_ random: inout HTTPTestRandom) -> UInt8 {
        Self.alphabet[Int.random(in: 0..<Self.alphabet.count, using: &random)]
    }

    /// One random edit: flip a byte, insert one, delete one, duplicate or drop a range.
    private func mutate(_ input: inout [UInt8], using random: inout HTTPTestRandom) {
        guard !input.isEmpty else {
            input.append(alphabetByte(&random))
            return
        }
        let position = Int.random(in: 0..<input.count, using: &random)
        switch Int.random(in: 0..<5, using: &random) {
        case 0: input[position] = alphabetByte(&random)
        case 1: input.insert(alphabetByte(&random), at: position)
        case 2: input.remove(at: position)
        case 3:
            let end = min(input.count, position + Int.random(in: 1...12, using: &random))
            input.insert(contentsOf: input[position..<end], at: position)
        default:
            let end = min(input.count, position + Int.random(in: 1...12, using: &random))
            input.removeSubrange(position..<end)
        }
    }
}
