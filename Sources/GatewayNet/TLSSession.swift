// One connection's TLS state over memory BIOs: ciphertext in from the socket read, ciphertext
// out into the connection's OutboundBuffer. OpenSSL never touches the socket, so reads use the
// loop's shared buffer and writes keep the normal writev path, byte accounting and EPOLLOUT.
// Invariant: ERR_clear_error() precedes every SSL_* call whose result is inspected.
import COpenSSL

/// Progress of the handshake after new ciphertext was fed.
enum TLSHandshakeStep: Equatable {
    case complete
    /// The peer must send more; flush whatever ciphertext is pending and wait.
    case needsMoreInput
    case failed(TLSError)
}

/// One `SSL_read` outcome.
enum TLSReadResult: Equatable {
    /// This many plaintext bytes were written to the buffer.
    case plaintext(Int)
    /// No complete record is buffered.
    case needsMoreInput
    /// The peer sent close_notify.
    case closeNotify
    case failed(TLSError)
}

/// Per-connection TLS session; owned by one connection on one loop thread.
final class TLSSession {
    private let ssl: OpaquePointer
    /// Ciphertext from the peer (owned by `ssl`).
    private let inbound: OpaquePointer
    /// Ciphertext for the peer (owned by `ssl`).
    private let outbound: OpaquePointer
    private(set) var isHandshakeComplete = false
    private(set) var isShutdownSent = false
    /// Plaintext the handler wrote before the handshake completed; written right after it.
    private var earlyPlaintext: [UInt8] = []

    /// - Parameter serverName: clients only: SNI and the name the certificate must match
    ///   when the context verifies peers.
    init(context: TLSContext, serverName: String?) throws(TLSError) {
        ERR_clear_error()
        guard let ssl = SSL_new(context.context) else { throw .sessionSetup(detail: TLSError.drainErrorQueue()) }
        guard let inbound = BIO_new(BIO_s_mem()), let outbound = BIO_new(BIO_s_mem()) else {
            SSL_free(ssl)
            throw .sessionSetup(detail: TLSError.drainErrorQueue())
        }
        // An empty memory BIO must read as "retry later", not as end of stream.
        _ = copenssl_bio_set_mem_eof_return(inbound, -1)
        _ = copenssl_bio_set_mem_eof_return(outbound, -1)
        SSL_set_bio(ssl, inbound, outbound)
        self.ssl = ssl
        self.inbound = inbound
        self.outbound = outbound
        if context.isServer {
            SSL_set_accept_state(ssl)
        } else {
            SSL_set_connect_state(ssl)
            if let name = serverName {
                _ = copenssl_set_tlsext_host_name(ssl, name)
                _ = SSL_set1_host(ssl, name)
            }
        }
    }

    deinit { SSL_free(ssl) }

    /// Hands ciphertext read from the socket to OpenSSL (copied into the memory BIO).
    func receive(_ ciphertext: UnsafeRawBufferPointer) {
        guard let base = ciphertext.baseAddress, ciphertext.count > 0 else { return }
        // A memory BIO grows to take everything; it only fails on allocation failure, which
        // the next SSL call then reports.
        _ = BIO_write(inbound, base, Int32(ciphertext.count))
    }

    /// Drives the handshake (a client's first call produces its ClientHello).
    func advanceHandshake() -> TLSHandshakeStep {
        if isHandshakeComplete { return .complete }
        ERR_clear_error()
        let result = SSL_do_handshake(ssl)
        if result == 1 {
            isHandshakeComplete = true
            return .complete
        }
        switch SSL_get_error(ssl, result) {
        case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE: return .needsMoreInput
        default: return .failed(.handshakeFailed(detail: TLSError.drainErrorQueue()))
        }
    }

    /// Decrypts at most one buffer's worth of plaintext.
    func read(into buffer: UnsafeMutableRawBufferPointer) -> TLSReadResult {
        ERR_clear_error()
        let result = SSL_read(ssl, buffer.baseAddress, Int32(clamping: buffer.count))
        if result > 0 { return .plaintext(Int(result)) }
        switch SSL_get_error(ssl, result) {
        case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE: return .needsMoreInput
        case SSL_ERROR_ZERO_RETURN: return .closeNotify
        default: return .failed(.recordFailed(detail: TLSError.drainErrorQueue()))
        }
    }

    /// Encrypts `plaintext` into the outbound BIO, or keeps it until the handshake is done.
    func write(_ plaintext: UnsafeRawBufferPointer) -> TLSError? {
        guard plaintext.count > 0, !isShutdownSent else { return nil }
        guard isHandshakeComplete else {
            earlyPlaintext.append(contentsOf: plaintext)
            return nil
        }
        return encrypt(plaintext)
    }

    /// Writes plaintext buffered before the handshake completed.
    func writeEarlyPlaintext() -> TLSError? {
        guard isHandshakeComplete, !earlyPlaintext.isEmpty else { return nil }
        let pending = earlyPlaintext
        earlyPlaintext = []
        return pending.withUnsafeBytes { encrypt($0) }
    }

    private func encrypt(_ plaintext: UnsafeRawBufferPointer) -> TLSError? {
        var offset = 0
        while offset < plaintext.count {
            ERR_clear_error()
            let chunk = Int32(clamping: plaintext.count - offset)
            let result = SSL_write(ssl, plaintext.baseAddress! + offset, chunk)
            guard result > 0 else { return .recordFailed(detail: TLSError.drainErrorQueue()) }
            offset += Int(result)
        }
        return nil
    }

    /// Queues close_notify (once). The peer's reply is not awaited.
    func sendCloseNotify() {
        guard !isShutdownSent else { return }
        isShutdownSent = true
        guard isHandshakeComplete else { return }
        ERR_clear_error()
        _ = SSL_shutdown(ssl)
        ERR_clear_error()
    }

    /// True when ciphertext waits in the outbound BIO.
    var hasPendingCiphertext: Bool { BIO_ctrl_pending(outbound) > 0 }

    /// Moves all pending ciphertext into `buffer` (one copy, straight into its tail chunk).
    func drainCiphertext(into buffer: inout OutboundBuffer) {
        while case let pending = Int(BIO_ctrl_pending(outbound)), pending > 0 {
            let moved = buffer.append(reserving: pending) { space in
                Int(max(0, BIO_read(outbound, space.baseAddress, Int32(clamping: space.count))))
            }
            if moved == 0 { return }
        }
    }
}
