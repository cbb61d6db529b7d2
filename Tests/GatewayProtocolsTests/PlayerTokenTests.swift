// Player tokens: round trip, tampering, expiry and malformed input.
import Testing
import GatewayProtocols

@Suite struct PlayerTokenTests {
    let secret = Array("0123456789abcdef-secret".utf8)

    @Test func aSignedTokenVerifiesUntilItExpires() throws {
        let token = PlayerToken(player: "ann-ü", expiresAt: 2_000).signed(secret: secret)
        #expect(try PlayerToken.verify(token, secret: secret, now: 1_999) == PlayerToken(player: "ann-ü", expiresAt: 2_000))
        #expect(throws: PlayerToken.Problem.expired(at: 2_000)) { try PlayerToken.verify(token, secret: secret, now: 2_000) }
    }

    @Test func anotherSecretOrAnEditedFieldFailsTheSignature() {
        let token = PlayerToken(player: "ann", expiresAt: 2_000).signed(secret: secret)
        #expect(throws: PlayerToken.Problem.badSignature) { try PlayerToken.verify(token, secret: Array("other-secret-xxxxxx".utf8), now: 0) }
        let longer = token.replacingFirst(".2000.", with: ".2001.")
        #expect(throws: PlayerToken.Problem.badSignature) { try PlayerToken.verify(longer, secret: secret, now: 0) }
        let bob = PlayerToken(player: "bob", expiresAt: 2_000).signed(secret: secret)
        let swapped = bob.split(separator: ".")[0...1].joined(separator: ".") + "." + token.split(separator: ".")[2...3].joined(separator: ".")
        #expect(throws: PlayerToken.Problem.badSignature) { try PlayerToken.verify(swapped, secret: secret, now: 0) }
    }

    @Test(arguments: ["", "v1", "v1.a.b.c", "v2.YW5u.2000.AAAA", "v1.YW5u.2000", "v1..2000.AAAA", "v1.YW5u.x.AAAA", "v1.!!!.2000.AAAA"])
    func malformedTokensAreRefused(_ text: String) {
        #expect(throws: PlayerToken.Problem.self) { try PlayerToken.verify(text, secret: secret, now: 0) }
    }
}

extension String {
    func replacingFirst(_ target: String, with replacement: String) -> String {
        guard let r = firstRange(of: target) else { return self }
        var copy = self
        copy.replaceSubrange(r, with: replacement)
        return copy
    }
}
