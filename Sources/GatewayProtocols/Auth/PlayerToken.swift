// Short-lived player tokens: `v1.<base64url(player id)>.<expiry, Unix seconds>.<base64url(mac)>`
// where mac = HMAC-SHA256(secret, "v1\n" + player + "\n" + expiry). Issued by the gateway
// (POST /v1/tokens) or by a game backend holding the same secret; verified in constant time.

public struct PlayerToken: Equatable, Sendable {
    public var player: String
    /// Unix seconds after which the token is refused.
    public var expiresAt: Int64

    public init(player: String, expiresAt: Int64) {
        self.player = player
        self.expiresAt = expiresAt
    }

    /// Why a token was refused.
    public enum Problem: Error, Equatable, Sendable, CustomStringConvertible {
        case malformed
        case badSignature
        case expired(at: Int64)

        public var description: String {
            switch self {
            case .malformed: "token is malformed"
            case .badSignature: "token signature does not verify"
            case let .expired(at): "token expired at \(at)"
            }
        }
    }

    private static func mac(secret: [UInt8], player: String, expiresAt: Int64) -> [UInt8] {
        CryptoDigest.hmacSHA256(key: secret, message: Array("v1\n\(player)\n\(expiresAt)".utf8))
    }

    /// The signed token text.
    public func signed(secret: [UInt8]) -> String {
        "v1." + Base64.encode(Array(player.utf8), alphabet: .urlSafeUnpadded) + ".\(expiresAt)."
            + Base64.encode(Self.mac(secret: secret, player: player, expiresAt: expiresAt), alphabet: .urlSafeUnpadded)
    }

    /// Verifies `text` at time `now` (Unix seconds).
    public static func verify(_ text: String, secret: [UInt8], now: Int64) throws(Problem) -> PlayerToken {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "v1", let expiresAt = Int64(parts[2]) else { throw .malformed }
        let playerBytes: [UInt8], mac: [UInt8]
        do {
            playerBytes = try Base64.decode(String(parts[1]), alphabet: .urlSafeUnpadded)
            mac = try Base64.decode(String(parts[3]), alphabet: .urlSafeUnpadded)
        } catch {
            throw .malformed
        }
        guard let player = String(validating: playerBytes, as: UTF8.self), !player.isEmpty else { throw .malformed }
        guard ConstantTime.isEqual(mac, Self.mac(secret: secret, player: player, expiresAt: expiresAt)) else {
            throw .badSignature
        }
        guard now < expiresAt else { throw .expired(at: expiresAt) }
        return PlayerToken(player: player, expiresAt: expiresAt)
    }
}
