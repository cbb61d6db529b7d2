// Delivers SIGTERM/SIGINT (or any signals) as loop events through signalfd.
// Invariant: the watched signals must be blocked in every thread (block them before spawning
// loops), otherwise the kernel may run the default action instead of queueing them.
import CSystem
import Glibc

/// A signalfd registered on a loop; `onSignal` runs on the loop thread with the signal number.
public final class SignalWatcher {
    let descriptor: Int32
    private let onSignal: (Int32) -> Void

    init(descriptor: Int32, onSignal: @escaping (Int32) -> Void) {
        self.descriptor = descriptor
        self.onSignal = onSignal
    }

    /// Blocks `signals` in the calling thread (threads created afterwards inherit the mask)
    /// and ignores SIGPIPE process-wide (writes to a reset socket then fail with EPIPE
    /// instead of killing the process). Call on the main thread before starting loops.
    public static func blockSignals(_ signals: [Int32] = [SIGTERM, SIGINT]) throws(NetError) {
        _ = signal(SIGPIPE, SIG_IGN)
        var mask = makeMask(signals)
        let result = pthread_sigmask(SIG_BLOCK, &mask, nil)
        if result != 0 { throw .systemCall("pthread_sigmask", Errno(result)) }
    }

    static func makeMask(_ signals: [Int32]) -> sigset_t {
        var mask = sigset_t()
        sigemptyset(&mask)
        for number in signals { sigaddset(&mask, number) }
        return mask
    }

    /// Reads every queued signal and reports each one.
    func deliverPendingSignals() {
        let size = MemoryLayout<signalfd_siginfo>.size
        var info = signalfd_siginfo()
        while true {
            let count = withUnsafeMutableBytes(of: &info) { Glibc.read(descriptor, $0.baseAddress, size) }
            if count != size { return }  // EAGAIN: drained (EINTR cannot happen: all blocked)
            onSignal(Int32(bitPattern: info.ssi_signo))
        }
    }
}

extension EventLoop {
    /// Watches `signals` on this loop. They must already be blocked in all threads (see
    /// `SignalWatcher.blockSignals`). The watcher lives until the loop stops.
    @discardableResult
    public func watchSignals(_ signals: [Int32], _ onSignal: @escaping (Int32) -> Void) throws(NetError) -> SignalWatcher {
        assertOnLoopThread()
        var mask = SignalWatcher.makeMask(signals)
        let fd = signalfd(-1, &mask, Int32(SFD_NONBLOCK) | Int32(SFD_CLOEXEC))
        if fd < 0 { throw .systemCall("signalfd", .current) }
        let (slot, generation) = allocateSlot()
        do { try epollAdd(fd, events: EPOLLIN.rawValue, slot: slot, generation: generation) } catch {
            freeSlot(slot)
            Glibc.close(fd)
            throw error
        }
        let watcher = SignalWatcher(descriptor: fd, onSignal: onSignal)
        slots[Int(slot)].registration = .signals(watcher)
        return watcher
    }
}
