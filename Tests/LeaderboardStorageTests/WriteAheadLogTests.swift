// WriteAheadLog: records survive reopen in order; any torn or corrupt tail (cut or flipped at
// every byte offset of the last records) yields exactly the intact prefix and a truncated file;
// segments rotate, are removed when covered, and seqs continue across segments and restarts.
import Glibc
import Testing
@testable import LeaderboardStorage

private let directory = "/data/wal"

private struct RecordLocation {
    let seq: UInt64
    let segment: Int
    let start: Int
    let end: Int
}

/// The bytes of a log, segment by segment, and where each record lies.
private struct LogImage {
    var segments: [(path: String, bytes: [UInt8])]
    var records: [RecordLocation]
}

/// Without preallocation, so a file holds exactly its records (the zeros written ahead are
/// covered by WriteAheadLogPreallocationTests).
private func configuration(segmentBytes: Int = 64 << 20, readChunkBytes: Int = 4 << 20) -> WriteAheadLog.Configuration {
    var configuration = WriteAheadLog.Configuration()
    configuration.segmentBytes = segmentBytes
    configuration.readChunkBytes = readChunkBytes
    configuration.preallocationBytes = 0
    return configuration
}

private struct Recovered {
    let fileSystem: InMemoryFileSystem
    let log: WriteAheadLog
    let report: RecoveryReport
    let replayed: [(seq: UInt64, payload: [UInt8])]
}

private func recover(_ fileSystem: InMemoryFileSystem, _ configuration: WriteAheadLog.Configuration,
                     replayAfter: UInt64 = 0) throws -> Recovered {
    var replayed: [(seq: UInt64, payload: [UInt8])] = []
    let (log, report) = try WriteAheadLog.openAndRecover(directory: directory, fileSystem: fileSystem, configuration: configuration,
                                                         replayAfter: replayAfter) { seq, payload in
        replayed.append((seq, Array(payload)))
    }
    return Recovered(fileSystem: fileSystem, log: log, report: report, replayed: replayed)
}

private func recover(image segments: [(path: String, bytes: [UInt8])], _ configuration: WriteAheadLog.Configuration) throws -> Recovered {
    let fileSystem = InMemoryFileSystem()
    for segment in segments { fileSystem.setContents(of: segment.path, to: segment.bytes) }
    return try recover(fileSystem, configuration)
}

/// Writes records 1...count (payload(for:)), syncs, and maps where each record landed.
private func writeLog(records count: Int, _ configuration: WriteAheadLog.Configuration) throws -> LogImage {
    let recovered = try recover(InMemoryFileSystem(), configuration)
    for seq in 1...UInt64(count) { _ = try recovered.log.append(payload(for: seq)) }
    try recovered.log.sync()
    let paths = recovered.log.segmentPaths
    recovered.log.close()
    var image = LogImage(segments: [], records: [])
    for (index, path) in paths.enumerated() {
        let bytes = recovered.fileSystem.contents(of: path)!
        image.segments.append((path, bytes))
        var offset = WALFormat.segmentHeaderBytes
        while offset < bytes.count {
            let length = Int(bytes[offset]) | Int(bytes[offset + 1]) << 8 | Int(bytes[offset + 2]) << 16 | Int(bytes[offset + 3]) << 24
            let end = offset + WALFormat.recordHeaderBytes + length
            image.records.append(RecordLocation(seq: UInt64(image.records.count + 1), segment: index, start: offset, end: end))
            offset = end
        }
    }
    return image
}

/// Checks that recovery kept exactly records 1...intact, cut `segment` to `size`, removed later
/// segments, and that appending continues at intact + 1 and survives a reopen.
private func expectIntactPrefix(_ recovered: Recovered, image: LogImage, intact: Int, segment: Int, size: Int,
                                _ context: String) throws {
    #expect(recovered.replayed.map(\.seq) == (0..<intact).map { UInt64($0 + 1) }, "\(context)")
    #expect(recovered.replayed.allSatisfy { $0.payload == payload(for: $0.seq) }, "\(context)")
    #expect(recovered.report.lastSeq == UInt64(intact), "\(context)")
    let kept = recovered.fileSystem.contents(of: image.segments[segment].path)
    if size >= WALFormat.segmentHeaderBytes {
        #expect(kept?.count == size, "\(context)")
    }
    for later in image.segments.dropFirst(segment + 1) {
        #expect(recovered.fileSystem.contents(of: later.path) == nil, "\(context)")
    }
    let seq = try recovered.log.append(payload(for: UInt64(intact + 1)))
    #expect(seq == UInt64(intact + 1), "\(context)")
    try recovered.log.sync()
    recovered.log.close()
    let reopened = try recover(recovered.fileSystem, recovered.log.configuration)
    #expect(reopened.replayed.map(\.seq) == Array(1...UInt64(intact + 1)), "\(context)")
    #expect(reopened.report.truncation == nil, "\(context)")
}

@Test func replaysEveryAppendedRecordAfterReopen() throws {
    let seed = testSeed(11)
    var random = SeededGenerator(seed: seed)
    // A small read chunk so records straddle chunk boundaries and some exceed a whole chunk.
    let config = configuration(segmentBytes: 64 << 10, readChunkBytes: 512)
    let first = try recover(InMemoryFileSystem(), config)
    var written: [[UInt8]] = []
    for _ in 0..<400 {
        let bytes = random.bytes(Int.random(in: 0...3000, using: &random))
        written.append(bytes)
        _ = try first.log.append(bytes)
    }
    try first.log.sync()
    first.log.close()
    let second = try recover(first.fileSystem, config)
    #expect(second.replayed.map(\.seq) == Array(1...400), "seed \(seed)")
    #expect(second.replayed.map(\.payload) == written, "seed \(seed)")
    #expect(second.report.truncation == nil)
    #expect(second.log.nextSeq == 401)
}

@Test(arguments: [64 << 20, 120])
func cutAtEveryOffsetOfLastThreeRecordsKeepsIntactPrefix(segmentBytes: Int) throws {
    let config = configuration(segmentBytes: segmentBytes)
    let image = try writeLog(records: 12, config)
    let lastRecords = image.records.suffix(3)
    let firstSegment = lastRecords.first!.segment
    for segment in firstSegment..<image.segments.count {
        let bytes = image.segments[segment].bytes
        let from = segment == firstSegment ? lastRecords.first!.start : 0
        for cut in from..<bytes.count {
            var damaged = Array(image.segments.prefix(segment))
            damaged.append((image.segments[segment].path, Array(bytes[..<cut])))
            let recovered = try recover(image: damaged, config)
            let intact = image.records.filter { $0.segment < segment || ($0.segment == segment && $0.end <= cut) }
            // Where the cut file's intact part ends: 0 if even its header is torn.
            let lastIntactInSegment = intact.last { $0.segment == segment }
            let validEnd = cut < WALFormat.segmentHeaderBytes ? 0 : (lastIntactInSegment?.end ?? WALFormat.segmentHeaderBytes)
            let context = "segment \(segment) cut at \(cut)"
            #expect((recovered.report.truncation == nil) == (cut == validEnd), "\(context)")
            if let truncation = recovered.report.truncation {
                #expect(truncation.segment == image.segments[segment].path && truncation.offset == Int64(validEnd), "\(context)")
            }
            try expectIntactPrefix(recovered, image: image, intact: intact.count, segment: segment, size: validEnd, context)
        }
    }
}

@Test(arguments: [64 << 20, 120])
func flippedByteAtEveryOffsetOfLastThreeRecordsEndsReplayBeforeThatRecord(segmentBytes: Int) throws {
    let config = configuration(segmentBytes: segmentBytes)
    let image = try writeLog(records: 12, config)
    for record in image.records.suffix(3) {
        for offset in record.start..<record.end {
            var damaged = image.segments
            damaged[record.segment].bytes[offset] = ~damaged[record.segment].bytes[offset]
            let recovered = try recover(image: damaged, config)
            let context = "record \(record.seq) byte \(offset - record.start)"
            #expect(recovered.report.truncation?.offset == Int64(record.start), "\(context)")
            #expect(recovered.report.truncation?.segment == image.segments[record.segment].path, "\(context)")
            try expectIntactPrefix(recovered, image: image, intact: Int(record.seq) - 1, segment: record.segment,
                                   size: record.start, context)
        }
    }
}

@Test func damagedSegmentHeaderDeletesThatSegmentAndLaterOnes() throws {
    let config = configuration(segmentBytes: 120)
    let image = try writeLog(records: 12, config)
    let segment = image.segments.count - 2
    let intact = image.records.filter { $0.segment < segment }.count
    for offset in 0..<WALFormat.segmentHeaderBytes - 4 {  // the last 4 header bytes are reserved
        var damaged = image.segments
        damaged[segment].bytes[offset] ^= 0x20
        let recovered = try recover(image: damaged, config)
        #expect(recovered.report.truncation?.offset == 0, "header byte \(offset)")
        #expect(recovered.report.truncation?.deletedSegments == image.segments.suffix(2).map(\.path), "header byte \(offset)")
        try expectIntactPrefix(recovered, image: image, intact: intact, segment: segment, size: 0, "header byte \(offset)")
    }
}

@Test func truncationReportNamesDamageKind() throws {
    let config = configuration()
    let image = try writeLog(records: 3, config)
    let last = image.records[2]
    var bytes = image.segments[0].bytes
    bytes[last.start + 8] &+= 1  // seq field: 3 becomes 4
    let recovered = try recover(image: [(image.segments[0].path, bytes)], config)
    #expect(recovered.report.truncation?.damage == .sequenceGap(expected: 3, found: 4))
    #expect(recovered.report.truncation?.discardedBytes == Int64(last.end - last.start))
    var huge = image.segments[0].bytes
    huge[last.start + 3] = 0x7F  // length field above maxRecordBytes
    let second = try recover(image: [(image.segments[0].path, huge)], config)
    #expect(second.report.truncation?.damage == .lengthTooLarge(length: UInt32(huge[last.start]) | 0x7F00_0000, limit: 256 << 20))
}

@Test func batchAppendWritesOneCallAndSingleAppendOneCall() throws {
    let recovered = try recover(InMemoryFileSystem(), configuration())
    let before = recovered.fileSystem.events.count
    let range = try recovered.log.append(contentsOf: (1...50).map { payload(for: UInt64($0)) })
    #expect(range == 1...50)
    _ = try recovered.log.append(payload(for: 51))
    let writes = recovered.fileSystem.events.dropFirst(before).filter { if case .write = $0 { true } else { false } }
    #expect(writes.count == 2)
}

@Test func rotatesSegmentsNamedByFirstSeqAndKeepsSeqContinuity() throws {
    let config = configuration(segmentBytes: 200)
    let image = try writeLog(records: 40, config)
    #expect(image.segments.count > 5)
    for (index, segment) in image.segments.enumerated() {
        let firstSeq = image.records.first { $0.segment == index }!.seq
        #expect(segment.path == directory + "/wal-" + hex16(firstSeq) + ".log")
        if index < image.segments.count - 1 { #expect(segment.bytes.count >= 200) }
    }
    let recovered = try recover(image: image.segments, config)
    #expect(recovered.replayed.map(\.seq) == Array(1...40))
    let range = try recovered.log.append(contentsOf: (41...60).map { payload(for: UInt64($0)) })
    #expect(range == 41...60)
    try recovered.log.sync()
    recovered.log.close()
    let reopened = try recover(recovered.fileSystem, config)
    #expect(reopened.replayed.map(\.seq) == Array(1...60))
    #expect(reopened.replayed.allSatisfy { $0.payload == payload(for: $0.seq) })
}

@Test func removeSegmentsDeletesOnlyWhollyCoveredSegments() throws {
    let config = configuration(segmentBytes: 200)
    let image = try writeLog(records: 40, config)
    let recovered = try recover(image: image.segments, config)
    let coveredSeq: UInt64 = 20
    let removed = try recovered.log.removeSegments(coveredUpTo: coveredSeq)
    let expected = image.segments.indices.dropLast().filter { index in
        image.records.filter { $0.segment == index }.allSatisfy { $0.seq <= coveredSeq }
    }.map { image.segments[$0].path }
    #expect(!removed.isEmpty)
    #expect(removed == expected)
    for path in removed { #expect(recovered.fileSystem.contents(of: path) == nil) }
    #expect(try recovered.log.removeSegments(coveredUpTo: coveredSeq).isEmpty)
    #expect(try recovered.log.removeSegments(coveredUpTo: 1_000).count == image.segments.count - 1 - removed.count)
    recovered.log.close()
    let lastFirstSeq = image.records.first { $0.segment == image.segments.count - 1 }!.seq
    #expect(throws: StorageError.logGap(afterSeq: 0, firstLoggedSeq: lastFirstSeq)) { try recover(recovered.fileSystem, config) }
    let reopened = try recover(recovered.fileSystem, config, replayAfter: lastFirstSeq - 1)
    #expect(reopened.replayed.map(\.seq) == Array(lastFirstSeq...40))
}

@Test func replayAfterSnapshotSeqSkipsCoveredRecordsAndSegments() throws {
    let config = configuration(segmentBytes: 200)
    let image = try writeLog(records: 40, config)
    let fileSystem = InMemoryFileSystem()
    for segment in image.segments { fileSystem.setContents(of: segment.path, to: segment.bytes) }
    let recovered = try recover(fileSystem, config, replayAfter: 25)
    #expect(recovered.replayed.map(\.seq) == Array(26...40))
    #expect(recovered.report.segmentsSkipped > 0)
    #expect(recovered.report.recordsSkipped > 0)
    #expect(try recovered.log.append(payload(for: 41)) == 41)
}

@Test func reportsProgressDuringLongReplay() throws {
    var config = configuration(segmentBytes: 1000)
    config.progressIntervalBytes = 500
    let image = try writeLog(records: 100, config)
    let fileSystem = InMemoryFileSystem()
    for segment in image.segments { fileSystem.setContents(of: segment.path, to: segment.bytes) }
    var reports: [ReplayProgress] = []
    _ = try WriteAheadLog.openAndRecover(directory: directory, fileSystem: fileSystem, configuration: config,
                                         progress: { reports.append($0) }, replay: { _, _ in })
    let total = Int64(image.segments.reduce(0) { $0 + $1.bytes.count })
    #expect(reports.count >= Int(total / 500) - 1)
    #expect(reports.allSatisfy { $0.totalBytes == total && $0.bytesScanned <= total })
    #expect(zip(reports, reports.dropFirst()).allSatisfy { $0.bytesScanned < $1.bytesScanned && $0.recordsReplayed <= $1.recordsReplayed })
}

@Test func snapshotAheadOfLogRestartsSeqAfterSnapshot() throws {
    let config = configuration()
    let image = try writeLog(records: 10, config)
    let fileSystem = InMemoryFileSystem()
    for segment in image.segments { fileSystem.setContents(of: segment.path, to: segment.bytes) }
    let recovered = try recover(fileSystem, config, replayAfter: 15)
    #expect(recovered.replayed.isEmpty)
    #expect(recovered.report.removedCoveredSegments == image.segments.map(\.path))
    #expect(try recovered.log.append(payload(for: 16)) == 16)
    try recovered.log.sync()
    recovered.log.close()
    let reopened = try recover(fileSystem, config, replayAfter: 15)
    #expect(reopened.replayed.map(\.seq) == [16])
}

@Test func missingRecordsAfterSnapshotThrowLogGap() throws {
    let config = configuration(segmentBytes: 200)
    let image = try writeLog(records: 40, config)
    let fileSystem = InMemoryFileSystem()
    for segment in image.segments.dropFirst(2) { fileSystem.setContents(of: segment.path, to: segment.bytes) }
    let firstKept = image.records.first { $0.segment == 2 }!.seq
    #expect(throws: StorageError.logGap(afterSeq: 0, firstLoggedSeq: firstKept)) { try recover(fileSystem, config) }
    // With a snapshot covering the missing records the same files recover.
    let recovered = try recover(fileSystem, config, replayAfter: firstKept - 1)
    #expect(recovered.replayed.map(\.seq) == Array(firstKept...40))
}

@Test func gapAmongCoveredSegmentsFromInterruptedRemovalIsHarmless() throws {
    let config = configuration(segmentBytes: 200)
    let image = try writeLog(records: 40, config)
    let fileSystem = InMemoryFileSystem()
    for (index, segment) in image.segments.enumerated() where index != 1 { fileSystem.setContents(of: segment.path, to: segment.bytes) }
    let covered = image.records.last { $0.segment == 3 }!.seq
    let recovered = try recover(fileSystem, config, replayAfter: covered)
    #expect(recovered.replayed.map(\.seq) == Array((covered + 1)...40))
    #expect(recovered.report.truncation == nil)
}

@Test func shortWritesStillProduceIntactRecords() throws {
    let recovered = try recover(InMemoryFileSystem(), configuration())
    recovered.fileSystem.updateFaults { $0.maxBytesPerWrite = 7 }
    for seq in 1...UInt64(20) { _ = try recovered.log.append(payload(for: seq)) }
    try recovered.log.sync()
    recovered.log.close()
    recovered.fileSystem.updateFaults { $0.maxBytesPerWrite = nil }
    let reopened = try recover(recovered.fileSystem, configuration())
    #expect(reopened.replayed.map(\.seq) == Array(1...20))
    #expect(reopened.replayed.allSatisfy { $0.payload == payload(for: $0.seq) })
}

@Test func diskFullRollsBackTornAppendAndLogStaysUsable() throws {
    let recovered = try recover(InMemoryFileSystem(), configuration())
    _ = try recovered.log.append(payload(for: 1))
    let path = recovered.log.segmentPaths[0]
    let size = recovered.fileSystem.contents(of: path)!.count
    recovered.fileSystem.updateFaults { $0.capacityBytes = size + 10 }
    #expect(throws: StorageError.io(FileSystemError(.write, path: path, errno: ENOSPC))) {
        try recovered.log.append(payload(for: 2, length: 100))
    }
    #expect(recovered.fileSystem.contents(of: path)!.count == size)
    #expect(recovered.log.nextSeq == 2)
    recovered.fileSystem.updateFaults { $0.capacityBytes = nil }
    #expect(try recovered.log.append(payload(for: 2)) == 2)
    try recovered.log.sync()
    recovered.log.close()
    #expect(try recover(recovered.fileSystem, configuration()).replayed.map(\.seq) == [1, 2])
}

@Test func failedRollbackOfTornAppendFailsTheLog() throws {
    let recovered = try recover(InMemoryFileSystem(), configuration())
    let path = recovered.log.segmentPaths[0]
    recovered.fileSystem.updateFaults {
        $0.capacityBytes = WALFormat.segmentHeaderBytes + 10
        $0.truncateErrno = EIO
    }
    #expect(throws: StorageError.logFailed(cause: FileSystemError(.truncate, path: path, errno: EIO))) {
        try recovered.log.append(payload(for: 1, length: 50))
    }
    recovered.fileSystem.updateFaults { $0 = .init() }
    #expect(throws: StorageError.logFailed(cause: FileSystemError(.truncate, path: path, errno: EIO))) {
        try recovered.log.append(payload(for: 1))
    }
}

@Test func fsyncFailureFailsTheLogForGood() throws {
    let recovered = try recover(InMemoryFileSystem(), configuration())
    _ = try recovered.log.append(payload(for: 1))
    recovered.fileSystem.updateFaults { $0.syncErrno = EIO }
    let failure = StorageError.logFailed(cause: FileSystemError(.fdatasync, path: recovered.log.segmentPaths[0], errno: EIO))
    #expect(throws: failure) { try recovered.log.sync() }
    recovered.fileSystem.updateFaults { $0.syncErrno = nil }
    #expect(throws: failure) { try recovered.log.append(payload(for: 2)) }
    #expect(throws: failure) { try recovered.log.sync() }
    #expect(recovered.log.syncedSeq == 0)
}

@Test func onlySyncedRecordsSurviveACrashIncludingNewSegments() throws {
    let config = configuration(segmentBytes: 150)
    let recovered = try recover(InMemoryFileSystem(), config)
    for seq in 1...UInt64(20) {
        _ = try recovered.log.append(payload(for: seq))
        try recovered.log.sync()
    }
    for seq in 21...UInt64(24) { _ = try recovered.log.append(payload(for: seq)) }
    #expect(recovered.log.segmentPaths.count > 3)
    recovered.fileSystem.simulateCrash()
    let afterCrash = try recover(recovered.fileSystem, config)
    #expect(afterCrash.replayed.map(\.seq).prefix(20) == ArraySlice(1...20))
    #expect(afterCrash.replayed.allSatisfy { $0.payload == payload(for: $0.seq) })
}

@Test func aGroupSpanningMoreSegmentsThanStayOpenIsDurableAfterItsSync() throws {
    // Segments beyond `maxSegmentsAwaitingSync` used to be closed unsynced: a crash after the
    // group's sync then lost records the sync had reported durable.
    var config = configuration(segmentBytes: 150)
    config.maxSegmentsAwaitingSync = 2
    let recovered = try recover(InMemoryFileSystem(), config)
    #expect(try recovered.log.append(contentsOf: (1...40).map { payload(for: UInt64($0)) }) == 1...40)
    try recovered.log.sync()
    #expect(recovered.log.segmentPaths.count > 6)
    recovered.fileSystem.simulateCrash()
    let afterCrash = try recover(recovered.fileSystem, config)
    #expect(afterCrash.replayed.map(\.seq) == Array(1...40))
    #expect(afterCrash.report.truncation == nil)
}

@Test func recordsFoundAtRecoveryAreMadeDurable() throws {
    let config = configuration(segmentBytes: 150)
    let first = try recover(InMemoryFileSystem(), config)
    for seq in 1...UInt64(12) { _ = try first.log.append(payload(for: seq)) }
    first.log.close()  // the process dies without syncing: its writes are only in the page cache
    let second = try recover(first.fileSystem, config)
    #expect(second.replayed.count == 12)
    #expect(second.log.syncedSeq == 12)
    second.log.close()
    first.fileSystem.simulateCrash()  // then the power fails
    #expect(try recover(first.fileSystem, config).replayed.map(\.seq) == Array(1...12))
}

@Test func oversizedPayloadIsRejectedWithoutWriting() throws {
    var config = configuration()
    config.maxRecordBytes = 64
    let recovered = try recover(InMemoryFileSystem(), config)
    #expect(throws: StorageError.recordTooLarge(bytes: 65, limit: 64)) { try recovered.log.append([UInt8](repeating: 1, count: 65)) }
    #expect(recovered.log.nextSeq == 1)
}

@Test func realFileSystemRoundTripAndTornTail() throws {
    let path = makeTemporaryDirectory()
    defer { removeTemporaryDirectory(path) }
    var config = WriteAheadLog.Configuration()
    config.segmentBytes = 4096
    config.preallocationBytes = 0
    var replayed: [UInt64] = []
    do {
        let (log, _) = try WriteAheadLog.openAndRecover(directory: path, configuration: config) { _, _ in }
        for seq in 1...UInt64(300) { _ = try log.append(payload(for: seq, length: 100)) }
        try log.sync()
        #expect(log.segmentPaths.count > 5)
        let last = log.segmentPaths.last!
        log.close()
        #expect(Glibc.truncate(last, off_t(WALFormat.segmentHeaderBytes + 116 + 50)) == 0)  // tear record 2 of the last segment
    }
    let (log, report) = try WriteAheadLog.openAndRecover(directory: path, configuration: config) { seq, bytes in
        #expect(Array(bytes) == payload(for: seq, length: 100))
        replayed.append(seq)
    }
    #expect(report.truncation?.damage == .shortPayload(declared: 100, available: 34))
    #expect(replayed == Array(1...report.lastSeq))
    #expect(try log.append(payload(for: report.lastSeq + 1, length: 100)) == report.lastSeq + 1)
    try log.sync()
}
