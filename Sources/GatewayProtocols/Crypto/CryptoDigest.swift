// SHA-1 (WebSocket handshake) and HMAC-SHA256 (player tokens) through OpenSSL's one-shot calls.
// Invariant: every result is a fresh array of exactly the digest's length; inputs are only read.
import COpenSSL

/// One-shot message digests backed by OpenSSL 3.0 (`EVP_Digest`, `HMAC`).
///
/// Stateless and thread-safe: each call allocates only its result. Failures of OpenSSL itself
/// (allocation failure inside libcrypto) are not peer-triggerable and stop the process.
public enum CryptoDigest {
    /// Length in bytes of a SHA-1 digest.
    public static let sha1Length = 20
    /// Length in bytes of an HMAC-SHA256 tag.
    public static let hmacSHA256Length = 32

    /// SHA-1 of `bytes` (FIPS 180-4). Returns 20 bytes. Complexity O(n).
    /// SHA-1 is only used where a protocol demands it (RFC 6455 `Sec-WebSocket-Accept`).
    public static func sha1(_ bytes: UnsafeRawBufferPointer) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: sha1Length)
        var written: UInt32 = 0
        let status = digest.withUnsafeMutableBufferPointer { out in
            EVP_Digest(bytes.baseAddress, bytes.count, out.baseAddress, &written, EVP_sha1(), nil)
        }
        precondition(status == 1 && written == UInt32(sha1Length), "EVP_Digest(SHA-1) failed inside OpenSSL")
        return digest
    }

    /// SHA-1 of `bytes`. Returns 20 bytes.
    public static func sha1(_ bytes: [UInt8]) -> [UInt8] {
        bytes.withUnsafeBytes { sha1($0) }
    }

    /// HMAC-SHA256 (RFC 2104 with SHA-256) of `message` under `key`. Returns 32 bytes.
    /// Keys of any length are accepted (longer than 64 bytes are hashed first, per RFC 2104).
    /// Precondition: `key.count` fits in `Int32` (a programmer error otherwise).
    public static func hmacSHA256(key: UnsafeRawBufferPointer, message: UnsafeRawBufferPointer) -> [UInt8] {
        precondition(key.count <= Int(Int32.max), "HMAC key longer than Int32.max bytes")
        var tag = [UInt8](repeating: 0, count: hmacSHA256Length)
        var written: UInt32 = 0
        // OpenSSL rejects a NULL key pointer even for a zero-length key, so point at a dummy byte.
        var emptyKey: UInt8 = 0
        let result = tag.withUnsafeMutableBufferPointer { out in
            withUnsafeMutablePointer(to: &emptyKey) { dummy in
                HMAC(EVP_sha256(), key.baseAddress ?? UnsafeRawPointer(dummy), Int32(key.count),
                     message.baseAddress?.assumingMemoryBound(to: UInt8.self), message.count,
                     out.baseAddress, &written)
            }
        }
        precondition(result != nil && written == UInt32(hmacSHA256Length), "HMAC(SHA-256) failed inside OpenSSL")
        return tag
    }

    /// HMAC-SHA256 of `message` under `key`. Returns 32 bytes.
    public static func hmacSHA256(key: [UInt8], message: [UInt8]) -> [UInt8] {
        key.withUnsafeBytes { k in message.withUnsafeBytes { m in hmacSHA256(key: k, message: m) } }
    }
}
