// WriteAheadLog with zeros written ahead of the records (`preallocate`, between groups): appends
// overwrite them, recovery reads them as the clean end (no damage reported) and cuts them off
// together with whatever a torn group left beyond them, closed segments keep none, and a disk that
// refuses them costs nothing but the preallocation.
import Glibc
import Testing
@testable import LeaderboardStorage

private let directory = "/data/wal"

private func configuration(preallocation: Int, segmentBytes: Int = 64 << 20) -> WriteAheadLog.Configuration {
    var configuration = WriteAheadLog.Configuration()
    configuration.segmentBytes = segmentBytes
    configuration.preallocationBytes = preallocation
    return configuration
}

private func open(_ fileSystem: InMemoryFileSystem, _ configuration: WriteAheadLog.Configuration)
    throws -> (log: WriteAheadLog, report: RecoveryReport, replayed: [(seq: UInt64, payload: [UInt8])]) {
    var replayed: [(seq: UInt64, payload: [UInt8])] = []
    let (log, report) = try WriteAheadLog.openAndRecover(directory: directory, fileSystem: fileSystem,
                                                         configuration: configuration) { seq, payload in
        replayed.append((seq, Array(payload)))
    }
    return (log, report, replayed)
}

/// Appends records 1...count one by one, as the group committer would: each synced while its
/// seq is at most `synced`, then zeros ahead (synced likewise).
private func appendRecords(_ log: WriteAheadLog, _ count: Int, length: Int, syncedThrough synced: Int) throws {
    for seq in 1...UInt64(count) {
        _ = try log.append(payload(for: seq, length: length))
        if seq <= synced { try log.sync() }
        try log.preallocate(sync: seq <= synced)
    }
}

/// Appends records 1...count, syncs once, closes, and returns the path of the one segment.
private func writeLog(_ fileSystem: InMemoryFileSystem, _ config: WriteAheadLog.Configuration, records count: Int,
                      length: Int) throws -> String {
    let log = try open(fileSystem, config).log
    try appendRecords(log, count, length: length, syncedThrough: 0)
    try log.sync()
    defer { log.close() }
    return log.segmentPaths[0]
}

/// Bytes of records 1...count in a fresh segment: the header plus each record, no zeros.
private func recordsEnd(_ count: Int, length: Int) -> Int {
    WALFormat.segmentHeaderBytes + count * (WALFormat.recordHeaderBytes + length)
}

@Test func appendsLeaveAChunkOfZerosAheadAndRecoveryReadsThemAsTheCleanEnd() throws {
    let fileSystem = InMemoryFileSystem()
    let config = configuration(preallocation: 4096)
    let path = try writeLog(fileSystem, config, records: 40, length: 50)
    let bytes = try #require(fileSystem.contents(of: path))
    let end = recordsEnd(40, length: 50)
    #expect(bytes.count > end && bytes.count - end <= 2 * 4096)
    #expect(bytes[end...].allSatisfy { $0 == 0 })

    let second = try open(fileSystem, config)
    #expect(second.replayed.map(\.seq) == Array(1...40))
    #expect(second.replayed.allSatisfy { $0.payload == payload(for: $0.seq, length: 50) })
    #expect(second.report.truncation == nil)
    #expect(fileSystem.contents(of: path)?.count == end)  // cut at the records; preallocated again on append
    #expect(try second.log.append(payload(for: 41, length: 50)) == 41)
    try second.log.sync()
    #expect(try second.log.preallocate(sync: true))
    second.log.close()
    #expect(try open(fileSystem, config).replayed.map(\.seq) == Array(1...41))
}

@Test func zerosAreWrittenOnlyWhenLessThanHalfAChunkRemains() throws {
    let fileSystem = InMemoryFileSystem()
    let (log, _, _) = try open(fileSystem, configuration(preallocation: 64 << 10))
    let before = fileSystem.events.count
    var wrote: [UInt64] = []
    for seq in 1...UInt64(100) {
        _ = try log.append(payload(for: seq, length: 1000))
        if try log.preallocate(sync: false) { wrote.append(seq) }
    }
    #expect(wrote == [1, 34, 98])
    let writes = fileSystem.events.dropFirst(before).filter { if case .write = $0 { true } else { false } }
    // 100 records of 1,016 bytes each: one write each, and a 64 KiB chunk of zeros after the
    // 1st record, then whenever less than 32 KiB remain (after the 34th and the 98th).
    #expect(writes.count == 100 + 3)
    #expect(fileSystem.contents(of: log.segmentPaths[0])?.count == WALFormat.segmentHeaderBytes + 1016 + 3 * (64 << 10))
}

@Test func aStaleRecordBeyondTheZerosIsNeverReplayed() throws {
    // A torn group whose first page never reached the disk leaves zeros where its first record
    // belongs and intact later records behind them. Recovery stops at the zeros and cuts the
    // file there, so records appended afterwards cannot run into the stale ones.
    let fileSystem = InMemoryFileSystem()
    let config = configuration(preallocation: 4096)
    let path = try writeLog(fileSystem, config, records: 12, length: 40)
    var bytes = try #require(fileSystem.contents(of: path))
    let record = WALFormat.recordHeaderBytes + 40
    let tenth = recordsEnd(9, length: 40)
    bytes.replaceSubrange(tenth..<tenth + record, with: repeatElement(0, count: record))  // record 10 lost
    fileSystem.setContents(of: path, to: bytes)

    let second = try open(fileSystem, config)
    #expect(second.replayed.map(\.seq) == Array(1...9))
    #expect(second.report.truncation == nil)
    #expect(fileSystem.contents(of: path)?.count == tenth)
    // New records 10 and 11 are shorter than the lost ones: without the cut, the stale record 12
    // would follow them at the next recovery.
    _ = try second.log.append(payload(for: 10, length: 20))
    _ = try second.log.append(payload(for: 11, length: 20 + 2 * 16))
    try second.log.sync()
    second.log.close()
    let third = try open(fileSystem, config)
    #expect(third.replayed.map(\.seq) == Array(1...11))
    #expect(third.replayed.last?.payload == payload(for: 11, length: 52))
}

@Test func aClosedSegmentHoldsNoZeros() throws {
    let fileSystem = InMemoryFileSystem()
    let config = configuration(preallocation: 1000, segmentBytes: 600)
    let first = try open(fileSystem, config)
    try appendRecords(first.log, 60, length: 30, syncedThrough: 60)
    let paths = first.log.segmentPaths
    first.log.close()
    #expect(paths.count > 3)
    for path in paths.dropLast() {
        let size = try #require(fileSystem.contents(of: path)?.count)
        #expect((size - WALFormat.segmentHeaderBytes) % (WALFormat.recordHeaderBytes + 30) == 0, "\(path): \(size) bytes")
    }
    let second = try open(fileSystem, config)
    #expect(second.replayed.map(\.seq) == Array(1...60))
    #expect(second.report.truncation == nil)
}

@Test func everySyncedRecordSurvivesACrash() throws {
    let fileSystem = InMemoryFileSystem()
    let config = configuration(preallocation: 512, segmentBytes: 2000)
    let first = try open(fileSystem, config)
    try appendRecords(first.log, 80, length: 25, syncedThrough: 70)
    fileSystem.simulateCrash()
    let second = try open(fileSystem, config)
    #expect(second.replayed.map(\.seq).prefix(70) == ArraySlice(1...70))
    #expect(second.replayed.allSatisfy { $0.payload == payload(for: $0.seq, length: 25) })
}

@Test func aDiskTooFullForTheZerosStillTakesTheRecords() throws {
    let fileSystem = InMemoryFileSystem()
    let config = configuration(preallocation: 64 << 10)
    let (log, _, _) = try open(fileSystem, config)
    let path = log.segmentPaths[0]
    fileSystem.updateFaults { $0.capacityBytes = 4096 }
    for seq in 1...UInt64(20) {
        #expect(try log.append(payload(for: seq, length: 100)) == seq)
        #expect(try !log.preallocate(sync: true))
    }
    try log.sync()
    log.close()
    #expect(fileSystem.contents(of: path)?.count == recordsEnd(20, length: 100))
    fileSystem.updateFaults { $0.capacityBytes = nil }
    #expect(try open(fileSystem, config).replayed.map(\.seq) == Array(1...20))
}

@Test func aFailedSyncOfTheZerosFailsTheLog() throws {
    let fileSystem = InMemoryFileSystem()
    let (log, _, _) = try open(fileSystem, configuration(preallocation: 4096))
    _ = try log.append(payload(for: 1))
    try log.sync()
    fileSystem.updateFaults { $0.syncErrno = EIO }
    let failure = StorageError.logFailed(cause: FileSystemError(.fdatasync, path: log.segmentPaths[0], errno: EIO))
    #expect(throws: failure) { try log.preallocate(sync: true) }
    fileSystem.updateFaults { $0.syncErrno = nil }
    #expect(throws: failure) { try log.append(payload(for: 2)) }
}
