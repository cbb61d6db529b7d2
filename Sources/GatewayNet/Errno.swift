// A failed system call's errno, typed, so I/O code throws `Errno` instead of returning -1.
// Invariant: `code` is a positive errno value as set by the kernel or by a fake in tests.
import Glibc

/// An errno value from a failed system call. Cases used by the loop are named constants.
public struct Errno: Error, Hashable, Sendable, CustomStringConvertible {
    /// The positive errno value (e.g. `EAGAIN`).
    public let code: Int32

    public init(_ code: Int32) { self.code = code }

    /// Reads the calling thread's `errno`; call only right after a failed libc call.
    public static var current: Errno { Errno(errno) }

    public static let wouldBlock = Errno(EAGAIN)
    public static let interrupted = Errno(EINTR)
    public static let inProgress = Errno(EINPROGRESS)
    public static let brokenPipe = Errno(EPIPE)
    public static let connectionReset = Errno(ECONNRESET)
    public static let connectionAborted = Errno(ECONNABORTED)
    public static let connectionRefused = Errno(ECONNREFUSED)
    public static let tooManyOpenFiles = Errno(EMFILE)
    public static let tooManyOpenFilesInSystem = Errno(ENFILE)
    public static let noBufferSpace = Errno(ENOBUFS)
    public static let outOfMemory = Errno(ENOMEM)
    public static let timedOut = Errno(ETIMEDOUT)

    /// True for the descriptor-exhaustion family that makes an acceptor shed load.
    public var isDescriptorExhaustion: Bool {
        self == .tooManyOpenFiles || self == .tooManyOpenFilesInSystem
            || self == .noBufferSpace || self == .outOfMemory
    }

    public var description: String {
        guard let text = strerror(code) else { return "errno \(code)" }
        return "\(String(cString: text)) (errno \(code))"
    }
}

/// Why a networking setup call failed: which call, and the errno or bad input it saw.
public enum NetError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A system call failed; `call` names it (e.g. "bind").
    case systemCall(String, Errno)
    /// A host string that is neither an IPv4 nor an IPv6 literal.
    case invalidAddress(host: String)
    /// A TLS setup or handshake step failed.
    case tls(TLSError)

    public var description: String {
        switch self {
        case .systemCall(let call, let errno): "\(call) failed: \(errno)"
        case .invalidAddress(let host): "not an IP address literal: \(host)"
        case .tls(let error): "TLS: \(error)"
        }
    }
}
