// The load generator's ServerFrameReader against the gateway's WebSocketFrameDecoder (the
// oracle): the same messages and control frames from valid server streams, fed whole, byte by
// byte and in seeded random splits; garbage never traps.
import Testing
import GatewayProtocols
@testable import overtake_load
import TestSupport

struct LoadFrameReaderTests {
    /// What a reader saw, comparable with the decoder's events.
    enum Seen: Equatable {
        case text([UInt8]), binary([UInt8]), ping([UInt8]), pong([UInt8]), close([UInt8])
    }

    static func read(_ chunks: [[UInt8]]) -> (seen: [Seen], error: ServerFrameReader.Failure?) {
        var reader = ServerFrameReader(maxMessageBytes: 1 << 16)
        var seen: [Seen] = []
        for chunk in chunks {
            let failure = chunk.withUnsafeBytes { bytes -> ServerFrameReader.Failure? in
                do throws(ServerFrameReader.Failure) {
                    try reader.read(bytes) { opcode, payload in
                        let copy = Array(payload)
                        switch opcode {
                        case .text: seen.append(.text(copy))
                        case .binary: seen.append(.binary(copy))
                        case .ping: seen.append(.ping(copy))
                        case .pong: seen.append(.pong(copy))
                        case .close: seen.append(.close(copy))
                        case .continuation: break
                        }
                    }
                    return nil
                } catch {
                    return error
                }
            }
            if let failure { return (seen, failure) }
        }
        return (seen, nil)
    }

    /// The oracle's view of the same stream (close frames re-encoded as their raw payload).
    static func decode(_ bytes: [UInt8]) throws -> [Seen] {
        var decoder = WebSocketFrameDecoder(role: .client, maxMessageBytes: 1 << 16)
        return try decoder.decode(bytes).map { event -> Seen in
            switch event {
            case let .text(b): .text(b)
            case let .binary(b): .binary(b)
            case let .ping(b): .ping(b)
            case let .pong(b): .pong(b)
            case let .close(code, reason):
                .close(code.map { [UInt8($0.rawValue >> 8), UInt8($0.rawValue & 0xFF)] + Array(reason.utf8) } ?? [])
            }
        }
    }

    /// A random valid server stream: text messages of 0…70,000 bytes (all three length
    /// encodings), some fragmented, pings and pongs between fragments, a close at the end.
    static func randomStream(_ random: inout SeededRandom) -> [UInt8] {
        let encoder = WebSocketFrameEncoder(role: .server)
        var out: [UInt8] = []
        for _ in 0..<Int.random(in: 1...12, using: &random) {
            let size = [0, 5, 125, 126, 300, 65_535, 65_536].randomElement(using: &random)!
            let body = (0..<size).map { _ in UInt8.random(in: 0x20...0x7E, using: &random) }
            if size > 10 && Bool.random(using: &random) {
                let cut = Int.random(in: 1..<size, using: &random)
                encoder.writeFrame(.text, isFinal: false, payload: Array(body[..<cut]), into: &out)
                encoder.writeFrame(.ping, payload: Array("hb".utf8), into: &out)
                encoder.writeFrame(.continuation, isFinal: true, payload: Array(body[cut...]), into: &out)
            } else {
                encoder.writeFrame(Bool.random(using: &random) ? .text : .binary, payload: body, into: &out)
            }
            if random.next() % 4 == 0 { encoder.writeFrame(.pong, payload: [1, 2, 3], into: &out) }
        }
        encoder.writeClose(code: .tryAgainLater, reason: "slow consumer", into: &out)
        return out
    }

    static func split(_ bytes: [UInt8], _ random: inout SeededRandom) -> [[UInt8]] {
        var chunks: [[UInt8]] = []
        var i = 0
        while i < bytes.count {
            let n = min(bytes.count - i, Int.random(in: 1...300, using: &random))
            chunks.append(Array(bytes[i..<i + n]))
            i += n
        }
        return chunks
    }

    @Test func matchesTheDecoderWholeByteByByteAndInRandomSplits() throws {
        var random = SeededRandom(label: "LoadFrameReaderTests.matches")
        for round in 0..<40 {
            let stream = Self.randomStream(&random)
            let expected = try Self.decode(stream)
            let whole = Self.read([stream])
            #expect(whole.error == nil && whole.seen == expected, "seed \(random.seed) round \(round): whole")
            let pieces = Self.read(Self.split(stream, &random))
            #expect(pieces.error == nil && pieces.seen == expected, "seed \(random.seed) round \(round): random split")
            if round < 3 {
                let bytes = Self.read(stream.map { [$0] })
                #expect(bytes.error == nil && bytes.seen == expected, "seed \(random.seed) round \(round): byte by byte")
            }
        }
    }

    @Test func rejectsMaskedServerFrames() {
        let encoder = WebSocketFrameEncoder(role: .client)
        var out: [UInt8] = []
        encoder.writeFrame(.text, payload: Array("hi".utf8), maskingKey: WebSocketMaskingKey(1, 2, 3, 4), into: &out)
        #expect(Self.read([out]).error == .maskedFrame)
    }

    @Test func rejectsOversizedControlFramesAndStrayContinuations() {
        #expect(Self.read([[0x89, 126, 0, 126] + [UInt8](repeating: 0, count: 126)]).error == .badControlFrame)
        #expect(Self.read([[0x80, 1, 0x41]]).error == .badFragmentation)
        #expect(Self.read([[0x01, 1, 0x41, 0x81, 1, 0x42]]).error == .badFragmentation)
        #expect(Self.read([[0xC1, 0]]).error == .reservedBits(0x40))
        #expect(Self.read([[0x83, 0]]).error == .unknownOpcode(3))
    }

    @Test func rejectsMessagesOverTheLimitBeforeBufferingThem() {
        var reader = ServerFrameReader(maxMessageBytes: 100)
        let header: [UInt8] = [0x81, 127, 0, 0, 0, 0, 0, 1, 0, 0]
        let outcome = header.withUnsafeBytes { bytes -> ServerFrameReader.Failure? in
            do throws(ServerFrameReader.Failure) {
                try reader.read(bytes) { _, _ in }
                return nil
            } catch {
                return error
            }
        }
        #expect(outcome == .tooLarge(65_536))
    }

    @Test func randomGarbageNeverTraps() {
        var random = SeededRandom(label: "LoadFrameReaderTests.garbage")
        for _ in 0..<2_000 {
            let bytes = (0..<Int.random(in: 0...64, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
            _ = Self.read(Self.split(bytes, &random))
        }
    }
}
