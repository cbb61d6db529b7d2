// UTF8Validator against Swift's own UTF-8 decoding: exhaustive short sequences, every scalar,
// the fail-fast position of the first impossible byte, and seeded random splits.
import Testing
@testable import GatewayProtocols

struct UTF8ValidatorTests {
    // MARK: Reference built only from the standard library's decoder

    /// True iff Swift accepts `bytes` as complete UTF-8.
    private static func swiftAccepts(_ bytes: [UInt8]) -> Bool {
        String(validating: bytes, as: UTF8.self) != nil
    }

    /// True iff some continuation makes `prefix` valid UTF-8, judged by Swift. A character has
    /// at most 3 bytes after its lead, and only the byte right after the lead is restricted
    /// beyond 80–BF (to a sub-range containing 80 or A0), so 80 or A0 followed by 80s covers
    /// every completion.
    private static func swiftAcceptsSomeCompletion(of prefix: [UInt8]) -> Bool {
        if swiftAccepts(prefix) { return true }
        var candidate = prefix
        candidate.reserveCapacity(prefix.count + 3)
        for first: UInt8 in [0x80, 0xA0] {
            candidate.removeSubrange(prefix.count...)
            candidate.append(first)
            for _ in 1...3 {
                if swiftAccepts(candidate) { return true }
                candidate.append(0x80)
            }
        }
        return false
    }

    /// Offset of the first byte after which no completion is valid, nil if every prefix is viable.
    private static func referenceFailureOffset(_ bytes: [UInt8]) -> Int? {
        for end in 1...max(1, bytes.count) where end <= bytes.count {
            if !swiftAcceptsSomeCompletion(of: Array(bytes[..<end])) { return end - 1 }
        }
        return nil
    }

    /// Swift's verdict on short sequences, with the 1- and 2-byte prefix viability cached so
    /// the exhaustive tests stay fast in debug builds.
    private struct ShortSequenceReference {
        let viable1: [Bool] = (0...255).map { swiftAcceptsSomeCompletion(of: [UInt8($0)]) }
        var viable2: [Bool?] = Array(repeating: nil, count: 65536)

        mutating func failureOffset(_ bytes: [UInt8]) -> Int? {
            guard viable1[Int(bytes[0])] else { return 0 }
            guard bytes.count > 1 else { return nil }
            let key = Int(bytes[0]) << 8 | Int(bytes[1])
            let second = viable2[key] ?? swiftAcceptsSomeCompletion(of: Array(bytes[..<2]))
            viable2[key] = second
            guard second else { return 1 }
            for end in 3..<(bytes.count + 1) where !swiftAcceptsSomeCompletion(of: Array(bytes[..<end])) {
                return end - 1
            }
            return nil
        }
    }

    /// Returns a description of every sequence on which the validator and Swift disagree.
    private static func mismatches(_ sequences: some Sequence<[UInt8]>) -> [String] {
        var reference = ShortSequenceReference()
        var found: [String] = []
        for bytes in sequences {
            var validator = UTF8Validator()
            let accepted = validator.validate(bytes)
            let expectedFailure = reference.failureOffset(bytes)
            let complete = accepted && validator.isComplete
            let expectedComplete = expectedFailure == nil && swiftAccepts(bytes)
            if accepted != (expectedFailure == nil) || validator.invalidByteOffset != expectedFailure
                || complete != expectedComplete {
                found.append("\(WebSocketTestBytes.hexString(bytes)): failure at \(String(describing: validator.invalidByteOffset)), "
                    + "Swift says \(String(describing: expectedFailure)), complete \(complete) vs \(expectedComplete)")
            }
        }
        return found
    }

    // MARK: Exhaustive and targeted comparisons

    @Test func agreesWithSwiftOnEveryOneAndTwoByteSequence() {
        let singles = (0...255).lazy.map { [UInt8($0)] }
        let pairs = (0..<65536).lazy.map { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
        let found = Self.mismatches(singles) + Self.mismatches(pairs)
        #expect(found.count == 0, "\(found.prefix(10))")
    }

    /// Every three-byte lead (E0–EF) with every second byte and the boundary values of the third.
    @Test func agreesWithSwiftOnThreeByteSequences() {
        let thirds: [UInt8] = [0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC2, 0xE0, 0xF0, 0xFF]
        let sequences = (UInt8(0xE0)...0xEF).lazy.flatMap { first in
            (0...255).lazy.flatMap { second in thirds.lazy.map { [first, UInt8(second), $0] } }
        }
        let found = Self.mismatches(sequences)
        #expect(found.count == 0, "\(found.prefix(10))")
    }

    /// Every lead from F0 to FF with every second byte and boundary values after it.
    @Test func agreesWithSwiftOnFourByteSequences() {
        let tails: [UInt8] = [0x41, 0x80, 0x8F, 0xBF, 0xC0]
        let sequences = (UInt8(0xF0)...0xFF).lazy.flatMap { first in
            (0...255).lazy.flatMap { second in
                tails.lazy.flatMap { third in tails.lazy.map { [first, UInt8(second), third, $0] } }
            }
        }
        let found = Self.mismatches(sequences)
        #expect(found.count == 0, "\(found.prefix(10))")
    }

    @Test func acceptsEveryUnicodeScalarEncodedBySwift() {
        var text = String()
        text.unicodeScalars.append(contentsOf: (0...0x10FFFF).lazy.compactMap { Unicode.Scalar(UInt32($0)) })
        let bytes = Array(text.utf8)
        var validator = UTF8Validator()
        let accepted = validator.validate(bytes)
        #expect(accepted)
        #expect(validator.isComplete)
        #expect(validator.acceptedByteCount == bytes.count)
    }

    @Test(arguments: [
        ("E0 80 80", 1),      // overlong 3-byte form of U+0000
        ("C0 AF", 0),         // overlong '/'
        ("C1 BF", 0),         // overlong
        ("ED A0 80", 1),      // U+D800, a surrogate
        ("ED BF BF", 1),      // U+DFFF
        ("F4 90 80 80", 1),   // U+110000
        ("F5 80 80 80", 0),   // lead beyond U+10FFFF
        ("F0 80 80 80", 1),   // overlong 4-byte
        ("80", 0),            // stray continuation
        ("41 C3 28", 2),      // 'A', then a lead without continuation
        // Autobahn 6.4.1: "κόσμε" + ED A0 80 + "edited": fails on A0, before the rest arrives.
        ("CE BA E1 BD B9 CF 83 CE BC CE B5 ED A0 80 65 64 69 74 65 64", 12),
    ])
    func reportsTheFirstImpossibleByte(hex: String, offset: Int) {
        var validator = UTF8Validator()
        let accepted = validator.validate(WebSocketTestBytes.hex(hex))
        #expect(!accepted)
        #expect(validator.invalidByteOffset == offset)
        #expect(validator.hasFailed)
        let acceptedAfterFailure = validator.validate([0x41])
        #expect(!acceptedAfterFailure, "stays failed")
    }

    @Test func truncatedCharacterIsAValidPrefixButNotComplete() {
        var validator = UTF8Validator()
        let prefixAccepted = validator.validate([0xF0, 0x9F, 0x98])
        #expect(prefixAccepted)
        #expect(!validator.isComplete)
        let restAccepted = validator.validate([0x80])
        #expect(restAccepted)
        #expect(validator.isComplete)
    }

    // MARK: Splits

    @Test func resultsDoNotDependOnHowInputIsSplit() {
        let seed: UInt64 = 0x07F8_2024
        var random = WebSocketTestRandom(seed: seed)
        var failures: [String] = []
        let pieces: [[UInt8]] = [
            Array("plain ascii text ".utf8), Array("é".utf8), Array("€".utf8), Array("😀".utf8),
            Array("\u{10FFFF}".utf8), [0xED, 0xA0, 0x80], [0xC0, 0x80], [0xF4, 0x90], [0xFF], [0xE2, 0x82],
        ]
        for iteration in 0..<2_000 {
            var bytes: [UInt8] = []
            for _ in 0..<Int.random(in: 1...12, using: &random) {
                // Mostly valid pieces; the last four are invalid or truncated.
                let index = Int.random(in: 0..<(random.next() % 8 == 0 ? pieces.count : 6), using: &random)
                bytes += pieces[index]
            }
            var whole = UTF8Validator()
            _ = whole.validate(bytes)
            var split = UTF8Validator()
            for chunk in WebSocketTestBytes.randomSplit(bytes, using: &random, maxChunk: 9) {
                _ = split.validate(chunk)
            }
            if whole != split || whole.invalidByteOffset != Self.referenceFailureOffset(bytes)
                || whole.isComplete != Self.swiftAccepts(bytes) {
                failures.append("iteration \(iteration): \(WebSocketTestBytes.hexString(bytes))")
            }
        }
        #expect(failures.count == 0, "seed \(seed): \(failures.prefix(5))")
    }
}
