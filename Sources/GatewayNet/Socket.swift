// Socket setup calls (create, options, bind, listen, connect, addresses); not on the hot path.
// Invariant: every descriptor made here is non-blocking and close-on-exec, and is closed
// again on any failure before the error is thrown.
import CSystem
import Glibc

/// Namespace for socket setup. Reads and writes go through `SystemCalls` instead.
enum Socket {
    /// A non-blocking TCP listening socket bound to `address`.
    static func makeListener(address: SocketAddress, backlog: Int32, reusePort: Bool) throws(NetError) -> Int32 {
        let fd = try makeStreamSocket(ipv6: address.isIPv6)
        do throws(NetError) {
            try setOption(fd, SOL_SOCKET, SO_REUSEADDR, 1, name: "setsockopt(SO_REUSEADDR)")
            if reusePort { try setOption(fd, SOL_SOCKET, SO_REUSEPORT, 1, name: "setsockopt(SO_REUSEPORT)") }
            let bound = address.withSockAddr { Glibc.bind(fd, $0, $1) }
            if bound != 0 { throw NetError.systemCall("bind \(address)", .current) }
            if Glibc.listen(fd, backlog) != 0 { throw NetError.systemCall("listen", .current) }
            return fd
        } catch {
            Glibc.close(fd)
            throw error
        }
    }

    /// Starts a non-blocking connect. Returns the descriptor and whether the connection is
    /// still in progress (completion is signalled by EPOLLOUT, result by `pendingError`).
    /// `source` binds the local address first (port 0: the kernel picks the port at connect
    /// time, so one source address can reach 64k peers' worth of ephemeral ports).
    static func startConnect(to address: SocketAddress, from source: SocketAddress?) throws(NetError) -> (fd: Int32, inProgress: Bool) {
        let fd = try makeStreamSocket(ipv6: address.isIPv6)
        do throws(NetError) {
            setNoDelay(fd)
            if let source {
                if !source.isIPv6 { try? setOption(fd, Int32(IPPROTO_IP), IP_BIND_ADDRESS_NO_PORT, 1, name: "") }
                let bound = source.withSockAddr { Glibc.bind(fd, $0, $1) }
                if bound != 0 { throw NetError.systemCall("bind \(source)", .current) }
            }
            let result = address.withSockAddr { Glibc.connect(fd, $0, $1) }
            if result == 0 { return (fd, false) }
            let error = Errno.current
            if error == .inProgress || error == .interrupted { return (fd, true) }
            throw NetError.systemCall("connect \(address)", error)
        } catch {
            Glibc.close(fd)
            throw error
        }
    }

    /// The socket's pending error (SO_ERROR), nil when there is none: how a non-blocking
    /// connect reports its result.
    static func pendingError(_ fd: Int32) -> Errno? {
        var value: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        if getsockopt(fd, SOL_SOCKET, SO_ERROR, &value, &length) != 0 { return .current }
        return value == 0 ? nil : Errno(value)
    }

    /// Disables Nagle: notifications are small and latency-sensitive. Errors are ignored
    /// (the descriptor may be a fake in tests).
    static func setNoDelay(_ fd: Int32) {
        var one: Int32 = 1
        _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
    }

    static func localAddress(_ fd: Int32) throws(NetError) -> SocketAddress {
        try address(fd, name: "getsockname") { getsockname($0, $1, $2) }
    }

    static func peerAddress(_ fd: Int32) throws(NetError) -> SocketAddress {
        try address(fd, name: "getpeername") { getpeername($0, $1, $2) }
    }

    private static func address(
        _ fd: Int32, name: String, _ call: (Int32, UnsafeMutablePointer<sockaddr>, UnsafeMutablePointer<socklen_t>) -> Int32
    ) throws(NetError) -> SocketAddress {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let result = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { call(fd, $0, &length) }
        }
        if result != 0 { throw .systemCall(name, .current) }
        guard let address = SocketAddress(storage) else { throw .systemCall(name, Errno(EAFNOSUPPORT)) }
        return address
    }

    private static func makeStreamSocket(ipv6: Bool) throws(NetError) -> Int32 {
        let type = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        let fd = Glibc.socket(ipv6 ? AF_INET6 : AF_INET, type, 0)
        if fd < 0 { throw .systemCall("socket", .current) }
        return fd
    }

    private static func setOption(_ fd: Int32, _ level: Int32, _ option: Int32, _ value: Int32, name: String) throws(NetError) {
        var value = value
        if setsockopt(fd, level, option, &value, socklen_t(MemoryLayout<Int32>.size)) != 0 {
            throw .systemCall(name, .current)
        }
    }
}
