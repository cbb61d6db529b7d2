// Scripted fake system calls for OutboundBuffer and Listener tests: writes and accepts follow
// a script, everything is recorded. A stand-in for the kernel only, never for code under test.
import TestSupport
import Glibc
import Synchronization
@testable import GatewayNet

/// What the next writev does.
enum WritevStep: Sendable {
    /// Accepts at most this many bytes (a short write when fewer than offered).
    case accept(Int)
    case fail(Errno)
}

/// What the next accept does.
enum AcceptStep: Sendable {
    case connection
    case fail(Errno)
}

final class FakeSystemCalls: Sendable {
    struct State {
        var written: [Int32: [UInt8]] = [:]
        var writevScript: [WritevStep] = []
        /// Vectors per writev call, in call order.
        var vectorCounts: [Int] = []
        /// Base addresses of every vector passed to writev (as bit patterns).
        var vectorBases: [UInt] = []
        var acceptScript: [AcceptStep] = []
        /// What accept does once the script is exhausted.
        var acceptDefault: AcceptStep = .fail(.wouldBlock)
        var acceptCalls = 0
        var nextDescriptor: Int32 = 1000
        var closed: [Int32] = []
        var reserveOpens = 0
        var reserveFails = false
    }

    let state = Mutex(State())

    func script(writes steps: [WritevStep]) { state.withLock { $0.writevScript = steps } }
    func script(accepts steps: [AcceptStep], then fallback: AcceptStep = .fail(.wouldBlock)) {
        state.withLock {
            $0.acceptScript = steps
            $0.acceptDefault = fallback
        }
    }
    func written(to fd: Int32) -> [UInt8] { state.withLock { $0.written[fd] ?? [] } }
    var vectorCounts: [Int] { state.withLock { $0.vectorCounts } }
    var vectorBases: [UInt] { state.withLock { $0.vectorBases } }
    var acceptCalls: Int { state.withLock { $0.acceptCalls } }
    var closed: [Int32] { state.withLock { $0.closed } }
    var reserveOpens: Int { state.withLock { $0.reserveOpens } }

    var syscalls: SystemCalls {
        SystemCalls(
            read: { _, _ throws(Errno) in throw Errno.wouldBlock },
            writev: { fd, iovecs throws(Errno) in try self.writev(fd, iovecs) },
            accept: { _ throws(Errno) in try self.accept() },
            close: { fd in self.state.withLock { $0.closed.append(fd) } },
            openReserveDescriptor: { () throws(Errno) in try self.openReserve() },
            shutdownWrite: { _ in }
        )
    }

    private func writev(_ fd: Int32, _ iovecs: UnsafeBufferPointer<iovec>) throws(Errno) -> Int {
        let result: Result<Int, Errno> = state.withLock { state in
            state.vectorCounts.append(iovecs.count)
            let step = state.writevScript.isEmpty ? WritevStep.accept(.max) : state.writevScript.removeFirst()
            guard case .accept(let limit) = step else {
                if case .fail(let error) = step { return .failure(error) }
                return .failure(.wouldBlock)
            }
            var remaining = limit
            var total = 0
            for vector in iovecs {
                state.vectorBases.append(UInt(bitPattern: vector.iov_base))
                let take = min(remaining, vector.iov_len)
                if take > 0 {
                    let bytes = UnsafeRawBufferPointer(start: vector.iov_base, count: take)
                    state.written[fd, default: []].append(contentsOf: bytes)
                }
                remaining -= take
                total += take
            }
            return .success(total)
        }
        return try result.get()
    }

    private func accept() throws(Errno) -> Int32 {
        let result: Result<Int32, Errno> = state.withLock { state in
            state.acceptCalls += 1
            let step = state.acceptScript.isEmpty ? state.acceptDefault : state.acceptScript.removeFirst()
            switch step {
            case .connection:
                state.nextDescriptor += 1
                return .success(state.nextDescriptor)
            case .fail(let error):
                return .failure(error)
            }
        }
        return try result.get()
    }

    private func openReserve() throws(Errno) -> Int32 {
        let result: Result<Int32, Errno> = state.withLock { state in
            if state.reserveFails { return .failure(.tooManyOpenFiles) }
            state.reserveOpens += 1
            state.nextDescriptor += 1
            return .success(state.nextDescriptor)
        }
        return try result.get()
    }
}

/// The shared SplitMix64 generator (TestSupport).
typealias SeededGenerator = SeededRandom

/// A seed for a random test: OVERTAKE_TEST_SEED if set (to replay), otherwise fresh.
func testSeed() -> UInt64 {
    if let text = getenv("OVERTAKE_TEST_SEED"), let seed = UInt64(String(cString: text)) { return seed }
    return UInt64.random(in: 1...UInt64.max)
}
