// Helpers for loop tests: a recording handler, a blocking client socket with timeouts, and
// bounded waits. Every wait has a deadline so no test can hang.
import Dispatch
import Glibc
import Synchronization
@testable import GatewayNet

/// Records callbacks (loop thread only; counters readable from the test thread).
final class RecordingHandler: ConnectionHandler, @unchecked Sendable {
    // @unchecked Sendable: all mutable state is inside `state`, a Mutex; the hooks are `let`
    // and are only ever invoked on the loop thread.
    struct State {
        var opened = 0
        var received: [UInt8] = []
        var closeReasons: [CloseReason] = []
        var timerTokens: [UInt64] = []
        var writableCount = 0
        var shutdownRequests = 0
    }

    let state = Mutex(State())
    /// Called on the loop thread after recording an open / a read.
    let onOpen: ((Connection) -> Void)?
    let onRead: ((Connection, UnsafeRawBufferPointer) -> Void)?

    init(onOpen: ((Connection) -> Void)? = nil, onRead: ((Connection, UnsafeRawBufferPointer) -> Void)? = nil) {
        self.onOpen = onOpen
        self.onRead = onRead
    }

    var openedCount: Int { state.withLock { $0.opened } }
    var received: [UInt8] { state.withLock { $0.received } }
    var closeReasons: [CloseReason] { state.withLock { $0.closeReasons } }
    var timerTokens: [UInt64] { state.withLock { $0.timerTokens } }
    var writableCount: Int { state.withLock { $0.writableCount } }

    func connectionOpened(_ connection: Connection) {
        state.withLock { $0.opened += 1 }
        onOpen?(connection)
    }
    func connectionRead(_ connection: Connection, _ bytes: UnsafeRawBufferPointer) {
        state.withLock { $0.received.append(contentsOf: bytes) }
        onRead?(connection, bytes)
    }
    func connectionWritable(_ connection: Connection) { state.withLock { $0.writableCount += 1 } }
    func timerFired(_ connection: Connection, _ token: UInt64) { state.withLock { $0.timerTokens.append(token) } }
    func shutdownRequested(_ connection: Connection) {
        state.withLock { $0.shutdownRequests += 1 }
        connection.close()
    }
    func connectionClosed(_ connection: Connection, _ reason: CloseReason) {
        state.withLock { $0.closeReasons.append(reason) }
    }
}

/// A blocking TCP client with receive timeouts, for poking a loop from the test thread.
/// `Sendable`: its only state is the descriptor number, an atomic.
final class BlockingClient: Sendable {
    enum ReadResult: Equatable {
        case closed(received: [UInt8])
        case timedOut(received: [UInt8])
        case failed(Errno)
    }

    private let descriptor: Atomic<Int32>
    var fd: Int32 { descriptor.load(ordering: .relaxed) }

    init(port: UInt16, host: String = "127.0.0.1") throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        descriptor = Atomic(fd)
        let address = try SocketAddress(host: host, port: port)
        let result = address.withSockAddr { Glibc.connect(fd, $0, $1) }
        if result != 0 {
            let error = Errno.current
            Glibc.close(descriptor.exchange(-1, ordering: .relaxed))  // deinit must not close it again
            throw error
        }
    }

    deinit {
        if fd >= 0 { Glibc.close(fd) }
    }

    func close() { shutdown(fd, Int32(SHUT_RDWR)) }

    /// Closes with RST instead of FIN (SO_LINGER 0).
    func abort() {
        var abort = linger(l_onoff: 1, l_linger: 0)
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &abort, socklen_t(MemoryLayout<linger>.size))
        Glibc.close(descriptor.exchange(-1, ordering: .relaxed))
    }

    func send(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, bytes.count - offset) }
            if n <= 0 { return }
            offset += n
        }
    }

    /// Reads until EOF or `timeoutMilliseconds` of silence.
    func readUntilClosed(timeoutMilliseconds: Int) -> ReadResult {
        setTimeout(timeoutMilliseconds)
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n == 0 { return .closed(received: received) }
            if n < 0 {
                let error = Errno.current
                return error == .wouldBlock ? .timedOut(received: received) : .failed(error)
            }
            received += buffer[0..<n]
        }
    }

    /// Reads exactly `count` bytes unless EOF or a timeout comes first.
    func read(count: Int, timeoutMilliseconds: Int) -> [UInt8] {
        setTimeout(timeoutMilliseconds)
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while received.count < count {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, min($0.count, count - received.count)) }
            if n <= 0 { break }
            received += buffer[0..<n]
        }
        return received
    }

    private func setTimeout(_ milliseconds: Int) {
        var timeout = timeval(tv_sec: milliseconds / 1000, tv_usec: (milliseconds % 1000) * 1000)
        _ = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }
}

/// Polls `condition` every few milliseconds until it holds or `timeoutMilliseconds` pass.
@discardableResult
func waitUntil(timeoutMilliseconds: Int = 10_000, _ condition: () -> Bool) -> Bool {
    let deadline = MonotonicClock.system.now() + UInt64(timeoutMilliseconds) * 1_000_000
    while !condition() {
        if MonotonicClock.system.now() > deadline { return false }
        usleep(2_000)
    }
    return true
}

/// Runs `body` on the loop thread and waits (bounded) for its result.
func onLoop<T: Sendable>(_ handle: EventLoopHandle, timeoutMilliseconds: Int = 10_000,
                         _ body: @escaping @Sendable (EventLoop) -> T) -> T? {
    let result = Mutex<T?>(nil)
    let done = DispatchSemaphore(value: 0)
    handle.execute { loop in
        let value = body(loop)
        result.withLock { $0 = value }
        done.signal()
    }
    guard done.wait(timeout: .now() + .milliseconds(timeoutMilliseconds)) == .success else { return nil }
    return result.withLock { $0 }
}
