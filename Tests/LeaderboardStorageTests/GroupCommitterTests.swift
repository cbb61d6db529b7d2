// GroupCommitter: concurrent submissions share fsyncs (group commit); no completion precedes the
// sync covering its record; `.never` never syncs; `.interval` follows the injected clock; a failed
// sync or write fails every affected submission and all later ones.
import Dispatch
import Foundation
import Glibc
import Synchronization
import Testing
@testable import LeaderboardStorage

private let directory = "/data/wal"
/// Every test record has this payload size, so record k ends at header + k * (16 + size).
private let payloadBytes = 32

/// Collects completions from the writer thread; tests wait for a count without sleeping.
private final class Completions: Sendable {
    private let results = Mutex<[Result<UInt64, StorageError>]>([])
    private let arrived = DispatchSemaphore(value: 0)

    func record(_ result: Result<UInt64, StorageError>) {
        results.withLock { $0.append(result) }
        arrived.signal()
    }

    /// Waits for `count` more completions (10 s safety limit).
    func wait(for count: Int) -> Bool {
        (0..<count).allSatisfy { _ in arrived.wait(timeout: .now() + 10) == .success }
    }

    var all: [Result<UInt64, StorageError>] { results.withLock { $0 } }
    var succeeded: [UInt64] { all.compactMap { try? $0.get() } }
    var failures: [StorageError] { all.compactMap { if case .failure(let error) = $0 { error } else { nil } } }
}

/// A clock the test moves by hand.
private final class ManualClock: Sendable {
    private let nanoseconds = Mutex<UInt64>(0)
    func now() -> UInt64 { nanoseconds.withLock { $0 } }
    func set(seconds: UInt64) { nanoseconds.withLock { $0 = seconds * 1_000_000_000 } }
}

/// Without preallocation unless asked, so every write event is a group of records.
private func openLog(_ fileSystem: InMemoryFileSystem, segmentBytes: Int = 64 << 20, preallocation: Int = 0) throws -> WriteAheadLog {
    var configuration = WriteAheadLog.Configuration()
    configuration.segmentBytes = segmentBytes
    configuration.preallocationBytes = preallocation
    return try WriteAheadLog.openAndRecover(directory: directory, fileSystem: fileSystem, configuration: configuration) { _, _ in }.log
}

private func testPayload(thread: Int, index: Int) -> [UInt8] {
    [UInt8(thread), UInt8(index & 0xFF), UInt8(index >> 8)] + [UInt8](repeating: 0xAB, count: payloadBytes - 3)
}

private func syncCount(_ events: ArraySlice<InMemoryFileSystem.Event>) -> Int { events.filter(\.isSync).count }

private func writeCount(_ events: ArraySlice<InMemoryFileSystem.Event>) -> Int {
    events.filter { if case .write = $0 { true } else { false } }.count
}

/// Walks the journal: every "done <seq>" note must come after a sync that covered the end of
/// record <seq> (single segment, fixed payload size). Returns the seqs checked.
private func expectCompletionsFollowTheirSync(_ events: [InMemoryFileSystem.Event]) -> Int {
    var writtenEnd: Int64 = 0
    var syncedEnd: Int64 = 0
    var checked = 0
    for event in events {
        switch event {
        case .write(_, let offset, let count): writtenEnd = max(writtenEnd, offset + Int64(count))
        case .fdatasync, .fsync: syncedEnd = writtenEnd
        case .note(let text):
            guard let seq = Int64(text.dropFirst("done ".count)) else { continue }
            let recordEnd = Int64(WALFormat.segmentHeaderBytes) + seq * Int64(WALFormat.recordHeaderBytes + payloadBytes)
            #expect(syncedEnd >= recordEnd, "completion of \(seq) before its sync")
            checked += 1
        default: break
        }
    }
    return checked
}

/// Submits `perThread` payloads from each of `threads` threads at once; completions note "done <seq>".
private func submitConcurrently(_ committer: GroupCommitter, _ fileSystem: InMemoryFileSystem, _ completions: Completions,
                                threads: Int, perThread: Int) -> [[UInt64]] {
    let seqs = Mutex<[[UInt64]]>(Array(repeating: [], count: threads))
    DispatchQueue.concurrentPerform(iterations: threads) { thread in
        for index in 0..<perThread {
            let seq = committer.submit(testPayload(thread: thread, index: index)) { result in
                if case .success(let seq) = result { fileSystem.note("done \(seq)") }
                completions.record(result)
            }
            seqs.withLock { $0[thread].append(seq ?? 0) }
        }
    }
    return seqs.withLock { $0 }
}

@Test func alwaysPolicyGroupsConcurrentSubmissionsIntoFewSyncs() throws {
    let fileSystem = InMemoryFileSystem()
    let log = try openLog(fileSystem)
    let baseline = fileSystem.events.count
    let gate = Gate()
    fileSystem.setSyncHook { _ in gate.pass() }
    let committer = try GroupCommitter(log: log, policy: .always)
    let completions = Completions()
    committer.submit(testPayload(thread: 9, index: 0)) { result in
        if case .success(let seq) = result { fileSystem.note("done \(seq)") }
        completions.record(result)
    }
    #expect(gate.waitUntilHeld())  // the writer is inside the first group's fdatasync
    let seqs = submitConcurrently(committer, fileSystem, completions, threads: 4, perThread: 250)
    gate.open()
    #expect(completions.wait(for: 1001))
    let reopenedLog = try committer.close()
    let events = Array(fileSystem.events.dropFirst(baseline))
    // 1001 batches: one group held in its sync while the other 1000 queued, then one more group.
    #expect(syncCount(events[...]) == 2)
    #expect(writeCount(events[...]) == 2)
    #expect(Set(completions.succeeded) == Set(1...1001))
    #expect(seqs.allSatisfy { $0 == $0.sorted() && !$0.contains(0) })
    #expect(expectCompletionsFollowTheirSync(events) == 1001)
    #expect(reopenedLog.nextSeq == 1002)
}

@Test func completionsNeverPrecedeTheSyncCoveringThem() throws {
    let fileSystem = InMemoryFileSystem()
    let committer = try GroupCommitter(log: try openLog(fileSystem), policy: .always)
    let completions = Completions()
    _ = submitConcurrently(committer, fileSystem, completions, threads: 4, perThread: 250)
    #expect(completions.wait(for: 1000))
    _ = try committer.close()
    let events = fileSystem.events
    #expect(expectCompletionsFollowTheirSync(events) == 1000)
    #expect(syncCount(events[...]) <= 1001)
    // Acknowledged means durable: all of it survives power loss.
    fileSystem.simulateCrash()
    var recovered: [[UInt8]] = []
    _ = try WriteAheadLog.openAndRecover(directory: directory, fileSystem: fileSystem) { _, bytes in recovered.append(Array(bytes)) }
    let expected = (0..<4).flatMap { thread in (0..<250).map { testPayload(thread: thread, index: $0) } }
    #expect(Set(recovered) == Set(expected))
    #expect(recovered.count == 1000)
}

@Test func zerosAheadAreWrittenAndSyncedOnlyAfterTheGroupIsAnswered() throws {
    let fileSystem = InMemoryFileSystem()
    let log = try openLog(fileSystem, preallocation: 4096)
    let path = log.segmentPaths[0]
    let baseline = fileSystem.events.count
    let committer = try GroupCommitter(log: log, policy: .always)
    let completions = Completions()
    committer.submit(testPayload(thread: 0, index: 0)) { result in
        fileSystem.note("done")
        completions.record(result)
    }
    #expect(completions.wait(for: 1))
    _ = try committer.close()
    let end = Int64(WALFormat.segmentHeaderBytes + WALFormat.recordHeaderBytes + payloadBytes)
    #expect(Array(fileSystem.events.dropFirst(baseline)) == [
        .write(path: path, offset: Int64(WALFormat.segmentHeaderBytes), count: Int(end) - WALFormat.segmentHeaderBytes),
        .fdatasync(path: path),
        .note("done"),
        .write(path: path, offset: end, count: 4096),
        .fdatasync(path: path),
    ])
}

@Test func neverPolicyNeverSyncs() throws {
    let fileSystem = InMemoryFileSystem()
    let log = try openLog(fileSystem, preallocation: 4096)  // its zeros are not synced either
    let baseline = fileSystem.events.count
    let committer = try GroupCommitter(log: log, policy: .never)
    let completions = Completions()
    _ = submitConcurrently(committer, fileSystem, completions, threads: 2, perThread: 100)
    #expect(completions.wait(for: 200))
    let returned = try committer.close()
    let events = fileSystem.events.dropFirst(baseline)
    #expect(syncCount(events) == 0)
    #expect(!events.contains { if case .syncDirectory = $0 { true } else { false } })
    #expect(completions.succeeded.count == 200)
    #expect(returned.nextSeq == 201)
}

@Test func intervalPolicySyncsOnlyWhenInjectedClockSaysIntervalPassed() throws {
    let fileSystem = InMemoryFileSystem()
    let log = try openLog(fileSystem)
    let baseline = fileSystem.events.count
    let clock = ManualClock()
    let committer = try GroupCommitter(log: log, policy: .interval(milliseconds: 10_000), nanosecondClock: clock.now)
    let completions = Completions()
    // (clock seconds at submission, syncs expected once that batch completed)
    let steps: [(seconds: UInt64, syncs: Int)] = [(0, 0), (4, 0), (10, 1), (12, 1), (19, 1), (20, 2), (21, 2)]
    for (index, step) in steps.enumerated() {
        clock.set(seconds: step.seconds)
        committer.submit(testPayload(thread: 0, index: index)) { completions.record($0) }
        #expect(completions.wait(for: 1))
        #expect(syncCount(fileSystem.events.dropFirst(baseline)) == step.syncs, "after the batch at \(step.seconds) s")
    }
    _ = try committer.close()
    #expect(syncCount(fileSystem.events.dropFirst(baseline)) == 3, "close syncs the unsynced batch of 21 s")
    #expect(completions.succeeded == Array(1...7))
}

@Test func syncFailureFailsEveryAffectedAndLaterSubmission() throws {
    let fileSystem = InMemoryFileSystem()
    let log = try openLog(fileSystem)
    let path = log.segmentPaths[0]
    let gate = Gate()
    fileSystem.setSyncHook { _ in gate.pass() }
    fileSystem.updateFaults { $0.syncErrno = EIO }
    let committer = try GroupCommitter(log: log, policy: .always)
    let completions = Completions()
    committer.submit(testPayload(thread: 0, index: 0)) { completions.record($0) }
    #expect(gate.waitUntilHeld())
    for index in 1..<10 { committer.submit(testPayload(thread: 0, index: index)) { completions.record($0) } }
    gate.open()
    #expect(completions.wait(for: 10))
    let failure = StorageError.logFailed(cause: FileSystemError(.fdatasync, path: path, errno: EIO))
    #expect(completions.failures == Array(repeating: failure, count: 10))
    #expect(completions.succeeded.isEmpty)
    #expect(committer.failure == failure)
    let late = committer.submit(testPayload(thread: 0, index: 10)) { completions.record($0) }
    #expect(late == nil)
    #expect(completions.all.last.flatMap { if case .failure(let error) = $0 { error } else { nil } } == failure)
    #expect(throws: failure) { try committer.close() }
}

@Test func writeFailureFailsSubmissionsAndStopsCommitting() throws {
    let fileSystem = InMemoryFileSystem()
    let log = try openLog(fileSystem)
    let path = log.segmentPaths[0]
    fileSystem.updateFaults { $0.writeErrno = ENOSPC }
    let committer = try GroupCommitter(log: log, policy: .always)
    let completions = Completions()
    for index in 0..<5 { committer.submit(testPayload(thread: 0, index: index)) { completions.record($0) } }
    #expect(completions.wait(for: 5))
    #expect(completions.succeeded.isEmpty)
    #expect(completions.failures.first == .io(FileSystemError(.write, path: path, errno: ENOSPC)))
    #expect(throws: StorageError.self) { try committer.close() }
}

@Test func oversizedPayloadIsRejectedWithoutUsingASeq() throws {
    let fileSystem = InMemoryFileSystem()
    var configuration = WriteAheadLog.Configuration()
    configuration.maxRecordBytes = 16
    let log = try WriteAheadLog.openAndRecover(directory: directory, fileSystem: fileSystem, configuration: configuration) { _, _ in }.log
    let committer = try GroupCommitter(log: log)
    let completions = Completions()
    #expect(committer.submit([UInt8](repeating: 0, count: 17)) { completions.record($0) } == nil)
    #expect(completions.failures == [.recordTooLarge(bytes: 17, limit: 16)])
    #expect(committer.submit([1]) { completions.record($0) } == 1)
    #expect(completions.wait(for: 2))
    _ = try committer.close()
}

@Test func closeDrainsQueueThenReturnsLogThatContinuesSeq() throws {
    let fileSystem = InMemoryFileSystem()
    let committer = try GroupCommitter(log: try openLog(fileSystem), policy: .always)
    let completions = Completions()
    for index in 0..<100 { committer.submit(testPayload(thread: 0, index: index)) { completions.record($0) } }
    let log = try committer.close()
    #expect(completions.succeeded == Array(1...100))  // all ran before close returned
    #expect(log.syncedSeq == 100)
    #expect(try log.append(testPayload(thread: 1, index: 0)) == 101)
    #expect(committer.submit([1]) { completions.record($0) } == nil)
    #expect(completions.failures == [.committerClosed])
    #expect(throws: StorageError.committerClosed) { try committer.close() }
}

@Test func removesCoveredSegmentsOnWriterThread() throws {
    let fileSystem = InMemoryFileSystem()
    let committer = try GroupCommitter(log: try openLog(fileSystem, segmentBytes: 200), policy: .always)
    let completions = Completions()
    for index in 0..<50 { committer.submit(testPayload(thread: 0, index: index)) { completions.record($0) } }
    #expect(completions.wait(for: 50))
    let removed = Mutex<[String]?>(nil)
    let done = DispatchSemaphore(value: 0)
    committer.removeSegments(coveredUpTo: 30) { result in
        removed.withLock { $0 = try? result.get() }
        done.signal()
    }
    #expect(done.wait(timeout: .now() + 10) == .success)
    let paths = removed.withLock { $0 } ?? []
    #expect(!paths.isEmpty)
    #expect(paths.allSatisfy { fileSystem.contents(of: $0) == nil })
    let log = try committer.close()
    let remaining = log.segmentPaths.compactMap { WALFormat.firstSeq(ofSegmentNamed: String($0.split(separator: "/").last!)) }
    #expect(remaining.first! <= 31 && remaining.count >= 2)
}

@Test func theWriterThreadCarriesItsName() throws {
    let committer = try GroupCommitter(log: try openLog(InMemoryFileSystem()), policy: .always, threadName: "test-wal")
    let seen = Mutex<String?>(nil)
    let completions = Completions()
    committer.submit([1]) { result in
        // Completions run on the writer thread.
        let name = try? String(contentsOfFile: "/proc/thread-self/comm", encoding: .utf8)
        seen.withLock { $0 = name?.trimmingCharacters(in: .whitespacesAndNewlines) }
        completions.record(result)
    }
    #expect(completions.wait(for: 1))
    _ = try committer.close()
    #expect(seen.withLock { $0 } == "test-wal")
}
