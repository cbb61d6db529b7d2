// A configured OpenSSL SSL_CTX (server or client) shared by every loop's TLS sessions.
// Invariant: the context is fully configured inside `init` and never mutated afterwards.
import COpenSSL

/// What went wrong in OpenSSL, with the drained error-queue text as evidence.
public enum TLSError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Building the context failed at `step` (e.g. "load certificate chain /path/cert.pem").
    case contextSetup(step: String, detail: String)
    /// Creating a per-connection session failed.
    case sessionSetup(detail: String)
    /// The handshake failed (bad certificate, protocol mismatch, garbage from the peer, …).
    case handshakeFailed(detail: String)
    /// A record could not be decrypted or encrypted after the handshake.
    case recordFailed(detail: String)

    public var description: String {
        switch self {
        case .contextSetup(let step, let detail): "\(step): \(detail)"
        case .sessionSetup(let detail): "session setup: \(detail)"
        case .handshakeFailed(let detail): "handshake failed: \(detail)"
        case .recordFailed(let detail): "record layer: \(detail)"
        }
    }

    /// Drains OpenSSL's thread-local error queue into one line (oldest first).
    static func drainErrorQueue() -> String {
        var parts: [String] = []
        var buffer = [CChar](repeating: 0, count: 256)
        while case let code = ERR_get_error(), code != 0 {
            ERR_error_string_n(code, &buffer, buffer.count)
            parts.append(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return parts.isEmpty ? "no OpenSSL error reported" : parts.joined(separator: "; ")
    }
}

/// A TLS configuration for many connections: TLS ≥ 1.2, no compression, no renegotiation,
/// unexpected EOF treated as a close, and read/write buffers released while idle.
///
/// `@unchecked Sendable` is safe: `context` is written only in `init`; afterwards it is only
/// passed to `SSL_new`, which OpenSSL documents as safe to call concurrently on a shared
/// SSL_CTX that is no longer modified (its reference count is atomic).
public final class TLSContext: @unchecked Sendable {
    let context: OpaquePointer
    /// True for contexts made by `init(server…)`.
    public let isServer: Bool

    /// A server context from PEM files: the certificate chain (leaf first) and its private key.
    public init(certificateChainPath: String, privateKeyPath: String) throws(TLSError) {
        context = try Self.makeContext(server: true)
        isServer = true
        ERR_clear_error()
        guard SSL_CTX_use_certificate_chain_file(context, certificateChainPath) == 1 else {
            throw .contextSetup(step: "load certificate chain \(certificateChainPath)", detail: TLSError.drainErrorQueue())
        }
        ERR_clear_error()
        guard SSL_CTX_use_PrivateKey_file(context, privateKeyPath, SSL_FILETYPE_PEM) == 1 else {
            throw .contextSetup(step: "load private key \(privateKeyPath)", detail: TLSError.drainErrorQueue())
        }
        ERR_clear_error()
        guard SSL_CTX_check_private_key(context) == 1 else {
            throw .contextSetup(step: "match private key to certificate", detail: TLSError.drainErrorQueue())
        }
    }

    /// A client context. With `trustedCertificatesPath` the peer must present a chain that
    /// verifies against it (and match the server name given per connection); with nil the
    /// peer is not verified (load generators and tests against self-signed servers only).
    public init(clientTrusting trustedCertificatesPath: String?) throws(TLSError) {
        context = try Self.makeContext(server: false)
        isServer = false
        guard let path = trustedCertificatesPath else {
            SSL_CTX_set_verify(context, SSL_VERIFY_NONE, nil)
            return
        }
        ERR_clear_error()
        guard SSL_CTX_load_verify_locations(context, path, nil) == 1 else {
            throw .contextSetup(step: "load trusted certificates \(path)", detail: TLSError.drainErrorQueue())
        }
        SSL_CTX_set_verify(context, SSL_VERIFY_PEER, nil)
    }

    deinit { SSL_CTX_free(context) }

    private static func makeContext(server: Bool) throws(TLSError) -> OpaquePointer {
        ERR_clear_error()
        guard let context = SSL_CTX_new(server ? TLS_server_method() : TLS_client_method()) else {
            throw .contextSetup(step: "SSL_CTX_new", detail: TLSError.drainErrorQueue())
        }
        guard copenssl_ctx_set_min_tls12(context) == 1 else {
            SSL_CTX_free(context)
            throw .contextSetup(step: "set minimum protocol TLS 1.2", detail: TLSError.drainErrorQueue())
        }
        _ = copenssl_ctx_set_options(context, copenssl_op_ignore_unexpected_eof()
            | copenssl_op_no_compression() | copenssl_op_no_renegotiation())
        // Idle connections then hold no 16 KiB record buffers (19k idle sockets matter).
        _ = copenssl_ctx_set_mode_release_buffers(context)
        return context
    }
}
