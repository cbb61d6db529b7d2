// A listening service spread over a group's loops: one SO_REUSEPORT listener per loop, so
// the kernel balances accepts and each connection lives on the loop that accepted it.
// Invariant: all listeners share one port (port 0: the first bound port is reused).
import Glibc
import Synchronization

/// Where and how a server listens.
public struct ListenerConfiguration: Sendable {
    /// Numeric host ("0.0.0.0", "127.0.0.1", "::").
    public var host: String
    /// 0 asks the kernel for a free port (read it from `Server.port`).
    public var port: UInt16
    /// listen(2) backlog (the kernel caps it at net.core.somaxconn); generous because
    /// thousands of clients reconnect at once after a restart.
    public var backlog: Int32
    /// TLS for every accepted connection, or nil for plain TCP.
    public var tls: TLSContext?

    public init(host: String = "0.0.0.0", port: UInt16 = 0, backlog: Int32 = 4096, tls: TLSContext? = nil) {
        self.host = host
        self.port = port
        self.backlog = backlog
        self.tls = tls
    }
}

/// Listeners on every loop of a group.
public final class Server: Sendable {
    /// The bound address; its port is the real one even when 0 was requested.
    public let localAddress: SocketAddress
    public var port: UInt16 { localAddress.port }
    private let group: EventLoopGroup
    private let descriptors: [Int32]
    private let isAccepting = Atomic<Bool>(true)

    private init(localAddress: SocketAddress, group: EventLoopGroup, descriptors: [Int32]) {
        self.localAddress = localAddress
        self.group = group
        self.descriptors = descriptors
    }

    /// Binds one listener per loop and starts accepting. `initializer` runs once on each
    /// loop thread and returns that loop's handler factory (called per accepted connection).
    public static func start(
        on group: EventLoopGroup, configuration: ListenerConfiguration,
        initializer: @escaping @Sendable (EventLoop) -> () -> any ConnectionHandler
    ) throws(NetError) -> Server {
        let requested = try SocketAddress(host: configuration.host, port: configuration.port)
        var descriptors: [Int32] = []
        var bound = requested
        do throws(NetError) {
            for _ in group.loops {
                let fd = try Socket.makeListener(address: bound, backlog: configuration.backlog, reusePort: true)
                descriptors.append(fd)
                if descriptors.count == 1 { bound = try Socket.localAddress(fd) }
            }
        } catch {
            for fd in descriptors { Glibc.close(fd) }
            throw error
        }
        let tls = configuration.tls
        for (handle, fd) in zip(group.loops, descriptors) {
            let posted = handle.execute { loop in
                do {
                    try loop.listen(descriptor: fd, tls: tls, makeHandler: initializer(loop))
                } catch {
                    loop.configuration.logger("listener on loop \(loop.handle.index): \(error)")
                    Glibc.close(fd)
                }
            }
            if !posted { Glibc.close(fd) }
        }
        return Server(localAddress: bound, group: group, descriptors: descriptors)
    }

    /// Closes the listeners (queued, not yet accepted connections are reset by the kernel).
    /// Established connections are untouched. Idempotent; returns at once.
    public func stopAccepting() {
        guard isAccepting.exchange(false, ordering: .acquiringAndReleasing) else { return }
        for (handle, fd) in zip(group.loops, descriptors) {
            handle.execute { loop in
                if let listener = loop.listeners.first(where: { $0.descriptor == fd }) { loop.closeListener(listener) }
            }
        }
    }
}
