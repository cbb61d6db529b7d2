// SHA-1 against FIPS 180 / RFC 3174 vectors and HMAC-SHA256 against RFC 4231.
import Testing
@testable import GatewayProtocols

struct CryptoDigestTests {
    @Test(arguments: [
        ("", "da39a3ee5e6b4b0d3255bfef95601890afd80709"),
        ("abc", "a9993e364706816aba3e25717850c26c9cd0d89d"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "84983e441c3bd26ebaae4aa1f95129e5e54670f1"),
    ])
    func sha1MatchesFIPSVectors(input: String, expected: String) {
        #expect(WebSocketTestBytes.hexString(CryptoDigest.sha1(Array(input.utf8))) == expected)
    }

    @Test func sha1OfOneMillionAMatchesRFC3174() {
        let input = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)
        #expect(WebSocketTestBytes.hexString(CryptoDigest.sha1(input)) == "34aa973cd4c4daa4f61eeb2bdbad27316534016f")
    }

    /// RFC 4231 §4.2–4.8 (test case 5 truncates the output, so it is not a full-tag vector).
    @Test(arguments: [
        ([UInt8](repeating: 0x0b, count: 20), Array("Hi There".utf8),
         "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
        (Array("Jefe".utf8), Array("what do ya want for nothing?".utf8),
         "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
        ([UInt8](repeating: 0xaa, count: 20), [UInt8](repeating: 0xdd, count: 50),
         "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"),
        (Array(1...25), [UInt8](repeating: 0xcd, count: 50),
         "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"),
        ([UInt8](repeating: 0xaa, count: 131), Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8),
         "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
        ([UInt8](repeating: 0xaa, count: 131),
         Array(("This is a test using a larger than block-size key and a larger than block-size data. "
             + "The key needs to be hashed before being used by the HMAC algorithm.").utf8),
         "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"),
    ])
    func hmacSHA256MatchesRFC4231(key: [UInt8], message: [UInt8], expected: String) {
        #expect(WebSocketTestBytes.hexString(CryptoDigest.hmacSHA256(key: key, message: message)) == expected)
    }

    @Test func hmacSHA256AcceptsEmptyKeyAndMessage() {
        // Reference: HMAC-SHA256 with an empty key over an empty message.
        let tag = CryptoDigest.hmacSHA256(key: [], message: [])
        #expect(WebSocketTestBytes.hexString(tag) == "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad")
    }
}
