// HTTPTestSupport: the seeded generator and the feeding harness the HTTP parser tests share. Every
// input is fed whole, byte by byte and in seeded random splits; outcomes must not depend on the split.
import TestSupport
import GatewayProtocols

/// The shared SplitMix64 generator (TestSupport).
typealias HTTPTestRandom = SeededRandom

/// How the input reaches the parser.
enum HTTPFeed: CustomStringConvertible {
    case whole
    case byteByByte
    case randomSplits(seed: UInt64)

    var description: String {
        switch self {
        case .whole: "whole"
        case .byteByByte: "byte by byte"
        case .randomSplits(let seed): "random splits (seed \(seed))"
        }
    }

    /// Whole, byte by byte, and `randomCount` seeded random splittings.
    static func all(randomCount: Int = 8, baseSeed: UInt64 = 0x5EED) -> [HTTPFeed] {
        [.whole, .byteByByte] + (0..<UInt64(randomCount)).map { .randomSplits(seed: baseSeed &+ $0) }
    }

    /// The input cut into pieces as this feed delivers them.
    func pieces(of input: [UInt8]) -> [[UInt8]] {
        switch self {
        case .whole: return [input]
        case .byteByByte: return input.map { [$0] }
        case .randomSplits(let seed):
            var random = HTTPTestRandom(seed: seed)
            var result: [[UInt8]] = []
            var index = 0
            while index < input.count {
                // Mostly short pieces, sometimes long ones, sometimes empty appends.
                let length = Int.random(in: 0...(Bool.random(using: &random) ? 7 : 64), using: &random)
                let end = min(input.count, index + length)
                result.append(Array(input[index..<end]))
                index = end
            }
            return result
        }
    }
}

/// Everything a parser produced for one input: its events, and the error that stopped it.
struct HTTPParseOutcome: Equatable, CustomStringConvertible {
    var events: [HTTPParserEvent] = []
    var error: HTTPParseError?

    var description: String { "events: \(events.count) \(events), error: \(String(describing: error))" }

    /// Stream-mode events with adjacent `.body` pieces merged (their split depends on arrival).
    var mergingBodyPieces: HTTPParseOutcome {
        var merged: [HTTPParserEvent] = []
        for event in events {
            if case .body(let piece) = event, case .body(let previous)? = merged.last {
                merged[merged.count - 1] = .body(previous + piece)
            } else {
                merged.append(event)
            }
        }
        return HTTPParseOutcome(events: merged, error: error)
    }
}

/// Runs a fresh parser over `input` delivered as `feed`, pulling every event after each piece.
func httpParseOutcome(_ input: [UInt8], feed: HTTPFeed, mode: HTTPRequestParser.BodyMode = .aggregate,
                  limits: HTTPParserLimits = HTTPParserLimits()) -> HTTPParseOutcome {
    var parser = HTTPRequestParser(limits: limits, bodyMode: mode)
    var outcome = HTTPParseOutcome()
    for piece in feed.pieces(of: input) {
        parser.append(piece)
        do {
            while let event = try parser.next() { outcome.events.append(event) }
        } catch {
            outcome.error = error
            break
        }
    }
    return mode == .stream ? outcome.mergingBodyPieces : outcome
}

/// A request head as the public initialiser builds it; traps in tests only if the fixture is wrong.
func httpExpectedHead(_ method: HTTPMethod, _ target: String, _ headers: HTTPHeaders,
                  version: HTTPVersion = .http11) throws -> HTTPRequestHead {
    try HTTPRequestHead(method: method, target: target, version: version, headers: headers)
}

extension String {
    /// The UTF-8 bytes of a test fixture.
    var httpBytes: [UInt8] { Array(utf8) }
}
