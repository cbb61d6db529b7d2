// An IPv4 or IPv6 socket address as a value type, converted to sockaddr only at syscalls.
// Invariant: address bytes are stored in network order exactly as in sockaddr_in(6).
import Glibc

/// An IP address and port. Parsed from numeric literals only: no DNS on the loops.
public struct SocketAddress: Hashable, Sendable, CustomStringConvertible {
    enum Host: Hashable, Sendable {
        /// `s_addr`, network byte order.
        case ipv4(UInt32)
        /// The 16 address bytes as two words in memory order.
        case ipv6(UInt64, UInt64)
    }

    let host: Host
    public let port: UInt16

    init(host: Host, port: UInt16) {
        self.host = host
        self.port = port
    }

    /// Parses "127.0.0.1", "0.0.0.0", "::1", "::" and the like.
    public init(host: String, port: UInt16) throws(NetError) {
        var v4 = in_addr()
        if inet_pton(AF_INET, host, &v4) == 1 {
            self.init(host: .ipv4(v4.s_addr), port: port)
            return
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, host, &v6) == 1 {
            let words = withUnsafeBytes(of: &v6) { ($0.load(as: UInt64.self), $0.load(fromByteOffset: 8, as: UInt64.self)) }
            self.init(host: .ipv6(words.0, words.1), port: port)
            return
        }
        throw .invalidAddress(host: host)
    }

    /// True for IPv6 addresses.
    public var isIPv6: Bool { if case .ipv6 = host { true } else { false } }

    /// The same host with another port.
    public func withPort(_ port: UInt16) -> SocketAddress { SocketAddress(host: host, port: port) }

    /// Calls `body` with the address as a `sockaddr` and its length.
    func withSockAddr<R>(_ body: (UnsafePointer<sockaddr>, socklen_t) -> R) -> R {
        switch host {
        case .ipv4(let address):
            var storage = sockaddr_in()
            storage.sin_family = sa_family_t(AF_INET)
            storage.sin_port = port.bigEndian
            storage.sin_addr = in_addr(s_addr: address)
            return withUnsafePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
        case .ipv6(let high, let low):
            var storage = sockaddr_in6()
            storage.sin6_family = sa_family_t(AF_INET6)
            storage.sin6_port = port.bigEndian
            withUnsafeMutableBytes(of: &storage.sin6_addr) {
                $0.storeBytes(of: high, as: UInt64.self)
                $0.storeBytes(of: low, toByteOffset: 8, as: UInt64.self)
            }
            return withUnsafePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_in6>.size)) }
            }
        }
    }

    /// Reads an address that the kernel filled into `storage`; nil for other families.
    init?(_ storage: sockaddr_storage) {
        var copy = storage
        switch Int32(storage.ss_family) {
        case AF_INET:
            let address = withUnsafeBytes(of: &copy) { $0.load(as: sockaddr_in.self) }
            self.init(host: .ipv4(address.sin_addr.s_addr), port: UInt16(bigEndian: address.sin_port))
        case AF_INET6:
            let address = withUnsafeBytes(of: &copy) { $0.load(as: sockaddr_in6.self) }
            var raw = address.sin6_addr
            let words = withUnsafeBytes(of: &raw) { ($0.load(as: UInt64.self), $0.load(fromByteOffset: 8, as: UInt64.self)) }
            self.init(host: .ipv6(words.0, words.1), port: UInt16(bigEndian: address.sin6_port))
        default:
            return nil
        }
    }

    public var description: String {
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        switch host {
        case .ipv4(let address):
            var raw = in_addr(s_addr: address)
            _ = inet_ntop(AF_INET, &raw, &text, socklen_t(text.count))
            return "\(Self.string(text)):\(port)"
        case .ipv6(let high, let low):
            var raw = in6_addr()
            withUnsafeMutableBytes(of: &raw) {
                $0.storeBytes(of: high, as: UInt64.self)
                $0.storeBytes(of: low, toByteOffset: 8, as: UInt64.self)
            }
            _ = inet_ntop(AF_INET6, &raw, &text, socklen_t(text.count))
            return "[\(Self.string(text))]:\(port)"
        }
    }

    private static func string(_ text: [CChar]) -> String {
        String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
