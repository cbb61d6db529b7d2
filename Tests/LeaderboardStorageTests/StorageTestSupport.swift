// Helpers shared by the storage tests: a seeded generator, byte fixtures, temp directories and a
// one-shot gate for holding the writer thread inside a fake fsync.
import TestSupport
import Dispatch
import Foundation
@testable import LeaderboardStorage

/// The shared SplitMix64 generator (TestSupport).
typealias SeededGenerator = SeededRandom

/// A seed for a random test: fixed unless OVERTAKE_TEST_SEED is set.
func testSeed(_ fallback: UInt64) -> UInt64 {
    ProcessInfo.processInfo.environment["OVERTAKE_TEST_SEED"].flatMap { UInt64($0) } ?? fallback
}

/// Payload for record `seq` in tests: recognisable and of varying length.
func payload(for seq: UInt64, length: Int? = nil) -> [UInt8] {
    let count = length ?? Int(seq % 37) + 1
    return (0..<count).map { UInt8(truncatingIfNeeded: Int(seq) &* 31 &+ $0) }
}

/// A fresh empty directory under the system temp directory.
func makeTemporaryDirectory() -> String {
    let path = NSTemporaryDirectory() + "overtake-storage-" + UUID().uuidString
    try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

func removeTemporaryDirectory(_ path: String) {
    try? FileManager.default.removeItem(atPath: path)
}

/// Blocks the first caller of `pass()` until `open()`; later callers pass straight through.
final class Gate: Sendable {
    private let entered = DispatchSemaphore(value: 0)
    private let released = DispatchSemaphore(value: 0)
    private let callers = LockedCounter()

    func pass() {
        guard callers.increment() == 1 else { return }
        entered.signal()
        released.wait()
    }

    /// Waits until the first caller is held in `pass()`.
    func waitUntilHeld() -> Bool { entered.wait(timeout: .now() + 10) == .success }

    func open() { released.signal() }
}

/// A thread-safe counter.
final class LockedCounter: Sendable {
    private let lock = NSLock()
    nonisolated(unsafe) private var value = 0  // guarded by lock

    @discardableResult
    func increment() -> Int {
        lock.lock()
        defer { lock.unlock() }
        value += 1
        return value
    }

    var current: Int {
        lock.lock()
        defer { lock.unlock() }
        return value
    }
}
