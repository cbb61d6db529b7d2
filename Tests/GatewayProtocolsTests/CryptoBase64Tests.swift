// Base64 against RFC 4648 §10, base64url without padding, and strict rejection of bad input.
import Testing
@testable import GatewayProtocols

struct CryptoBase64Tests {
    @Test(arguments: [
        ("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"),
        ("foob", "Zm9vYg=="), ("fooba", "Zm9vYmE="), ("foobar", "Zm9vYmFy"),
    ])
    func encodesAndDecodesRFC4648Vectors(plain: String, encoded: String) throws {
        #expect(Base64.encode(Array(plain.utf8)) == encoded)
        #expect(try Base64.decode(encoded) == Array(plain.utf8))
    }

    @Test(arguments: [
        ("", ""), ("f", "Zg"), ("fo", "Zm8"), ("foo", "Zm9v"),
        ("foob", "Zm9vYg"), ("fooba", "Zm9vYmE"), ("foobar", "Zm9vYmFy"),
    ])
    func encodesAndDecodesBase64URLWithoutPadding(plain: String, encoded: String) throws {
        #expect(Base64.encode(Array(plain.utf8), alphabet: .urlSafeUnpadded) == encoded)
        #expect(try Base64.decode(encoded, alphabet: .urlSafeUnpadded) == Array(plain.utf8))
    }

    @Test func urlAlphabetUsesDashAndUnderscore() throws {
        let bytes: [UInt8] = [0xFB, 0xFF, 0xBF]
        #expect(Base64.encode(bytes) == "+/+/")
        #expect(Base64.encode(bytes, alphabet: .urlSafeUnpadded) == "-_-_")
        #expect(try Base64.decode("-_-_", alphabet: .urlSafeUnpadded) == bytes)
    }

    @Test func roundTripsSeededRandomBytesInBothAlphabets() throws {
        let seed: UInt64 = 0xB64
        var random = WebSocketTestRandom(seed: seed)
        for _ in 0..<500 {
            let bytes = random.bytes(Int.random(in: 0...70, using: &random))
            let standard = Base64.encode(bytes)
            let url = Base64.encode(bytes, alphabet: .urlSafeUnpadded)
            #expect(standard.utf8.count == Base64.encodedLength(of: bytes.count), "seed \(seed)")
            #expect(url.utf8.count == Base64.encodedLength(of: bytes.count, alphabet: .urlSafeUnpadded), "seed \(seed)")
            #expect(try Base64.decode(standard) == bytes, "seed \(seed)")
            #expect(try Base64.decode(url, alphabet: .urlSafeUnpadded) == bytes, "seed \(seed)")
        }
    }

    @Test(arguments: [
        ("Zg=", Base64DecodingError.invalidLength(3)),
        ("Zm9vY", .invalidLength(5)),
        ("Zm9v!A==", .invalidCharacter(UInt8(ascii: "!"), offset: 4)),
        ("Zm 9v", .invalidLength(5)),
        ("Z===", .invalidCharacter(UInt8(ascii: "="), offset: 1)),
        ("Zm=v", .invalidCharacter(UInt8(ascii: "="), offset: 2)),
        ("Zh==", .nonCanonicalTrailingBits(offset: 1)),
        ("Zm9=", .nonCanonicalTrailingBits(offset: 2)),
        ("-_-_", .invalidCharacter(UInt8(ascii: "-"), offset: 0)),
    ])
    func rejectsMalformedStandardBase64(text: String, error: Base64DecodingError) {
        #expect(throws: error) { try Base64.decode(text) }
    }

    @Test(arguments: [
        ("Zg==", Base64DecodingError.invalidCharacter(UInt8(ascii: "="), offset: 2)),
        ("Zm9vY", .invalidLength(5)),
        ("+/+/", .invalidCharacter(UInt8(ascii: "+"), offset: 0)),
    ])
    func rejectsMalformedBase64URL(text: String, error: Base64DecodingError) {
        #expect(throws: error) { try Base64.decode(text, alphabet: .urlSafeUnpadded) }
    }

    @Test func encodeAppendsToExistingBuffer() {
        var buffer: [UInt8] = Array("key=".utf8)
        [UInt8]("foo".utf8).withUnsafeBytes { Base64.encode($0, into: &buffer) }
        #expect(buffer == Array("key=Zm9v".utf8))
    }
}
