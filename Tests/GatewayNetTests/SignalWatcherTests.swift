// SignalWatcher: blocked signals arrive as loop events through signalfd; blockSignals masks
// the calling thread and ignores SIGPIPE.
import CSystem
import Glibc
import Synchronization
import Testing
@testable import GatewayNet

@Suite struct SignalWatcherTests {
    @Test func aBlockedSignalIsDeliveredOnTheLoopThread() throws {
        let group = try EventLoopGroup(loopCount: 1)
        defer { group.stop() }
        let received = Mutex<[Int32]>([])
        // Only this loop thread blocks SIGUSR2, and the signal is sent to that thread alone, so
        // the rest of the test process is unaffected.
        let raised = onLoop(group.loops[0]) { loop -> Bool in
            guard (try? SignalWatcher.blockSignals([SIGUSR2])) != nil,
                  (try? loop.watchSignals([SIGUSR2]) { number in received.withLock { $0.append(number) } }) != nil
            else { return false }
            return raise(SIGUSR2) == 0 && raise(SIGUSR2) == 0
        }
        #expect(raised == true)
        // Standard signals coalesce while pending: one or two deliveries, never zero.
        #expect(waitUntil { !received.withLock { $0 }.isEmpty })
        #expect(received.withLock { $0 }.allSatisfy { $0 == SIGUSR2 })
    }

    @Test func blockSignalsMasksTheThreadAndIgnoresSIGPIPE() throws {
        let group = try EventLoopGroup(loopCount: 1)
        defer { group.stop() }
        let masked = onLoop(group.loops[0]) { _ -> Bool in
            guard (try? SignalWatcher.blockSignals([SIGUSR1])) != nil else { return false }
            var current = sigset_t()
            pthread_sigmask(SIG_BLOCK, nil, &current)
            return sigismember(&current, SIGUSR1) == 1
        }
        #expect(masked == true)
        var action = sigaction()
        sigaction(SIGPIPE, nil, &action)
        #expect(unsafeBitCast(action.__sigaction_handler.sa_handler, to: Int.self) == 1, "SIG_IGN")
    }
}
