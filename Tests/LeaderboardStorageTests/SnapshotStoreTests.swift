// SnapshotStore: streamed snapshots load back byte for byte; a damaged newest snapshot falls back
// to the previous one with a report; interrupted writes leave only temp files, which are removed;
// only the newest K snapshots are kept; commits survive power loss, uncommitted ones do not.
import Glibc
import Testing
@testable import LeaderboardStorage

private let directory = "/data/snapshots"

private func store(_ fileSystem: InMemoryFileSystem, retain: Int = 2, writeBuffer: Int = 1 << 20,
                   readChunk: Int = 8 << 20) throws -> SnapshotStore {
    var configuration = SnapshotStore.Configuration()
    configuration.retainCount = retain
    configuration.writeBufferBytes = writeBuffer
    configuration.readChunkBytes = readChunk
    return try SnapshotStore(directory: directory, fileSystem: fileSystem, configuration: configuration)
}

private func path(seq: UInt64) -> String { directory + "/snapshot-" + hex16(seq) + ".snap" }

@Test func streamedSnapshotLoadsBackByteForByte() throws {
    let seed = testSeed(5)
    var random = SeededGenerator(seed: seed)
    let fileSystem = InMemoryFileSystem()
    // Small buffers so chunks are gathered, flushed and written through.
    let snapshots = try store(fileSystem, writeBuffer: 64, readChunk: 100)
    let writer = try snapshots.begin(seq: 42, formatVersion: 3)
    var expected: [UInt8] = []
    for _ in 0..<200 {
        let chunk = random.bytes(Int.random(in: 0...150, using: &random))
        expected += chunk
        try writer.write(chunk)
    }
    let commit = try writer.commit()
    #expect(commit == SnapshotCommit(path: path(seq: 42), seq: 42, payloadBytes: UInt64(expected.count),
                                     deletedSnapshots: [], oldestRetainedSeq: 42))
    let loaded = try snapshots.loadNewestValid()
    #expect(loaded.skipped.isEmpty)
    #expect(loaded.snapshot == LoadedSnapshot(path: path(seq: 42), seq: 42, formatVersion: 3, payload: expected), "seed \(seed)")
    #expect(fileSystem.contents(of: path(seq: 42))!.count == SnapshotHeader.bytes + expected.count)
}

@Test func emptyDirectoryLoadsNothing() throws {
    let loaded = try store(InMemoryFileSystem()).loadNewestValid()
    #expect(loaded.snapshot == nil && loaded.skipped.isEmpty)
}

@Test func emptyPayloadRoundTrips() throws {
    let snapshots = try store(InMemoryFileSystem())
    _ = try snapshots.write(seq: 1, formatVersion: 1, payload: [])
    #expect(try snapshots.loadNewestValid().snapshot?.payload == [])
}

/// Ways to damage the newest snapshot file, with the defect they must be reported as.
enum SnapshotDamage: CaseIterable, Sendable {
    case payloadByte, headerByte, magic, truncated, appended, renamedToOtherSeq

    func apply(to bytes: inout [UInt8]) {
        switch self {
        case .payloadByte: bytes[SnapshotHeader.bytes + 5] ^= 0x01
        case .headerByte: bytes[9] ^= 0x40
        case .magic: bytes[0] ^= 0xFF
        case .truncated: bytes.removeLast(3)
        case .appended: bytes.append(0)
        case .renamedToOtherSeq: break
        }
    }
}

@Test(arguments: SnapshotDamage.allCases)
func damagedNewestSnapshotFallsBackToPreviousWithReport(damage: SnapshotDamage) throws {
    let fileSystem = InMemoryFileSystem()
    let snapshots = try store(fileSystem)
    let older = payload(for: 10, length: 64)
    let newer = payload(for: 20, length: 64)
    _ = try snapshots.write(seq: 10, formatVersion: 1, payload: older)
    _ = try snapshots.write(seq: 20, formatVersion: 1, payload: newer)
    var bytes = fileSystem.contents(of: path(seq: 20))!
    damage.apply(to: &bytes)
    var newestPath = path(seq: 20)
    if damage == .renamedToOtherSeq {
        try fileSystem.rename(newestPath, to: path(seq: 30))
        newestPath = path(seq: 30)
    } else {
        fileSystem.setContents(of: newestPath, to: bytes)
    }
    let loaded = try snapshots.loadNewestValid()
    #expect(loaded.snapshot?.seq == 10)
    #expect(loaded.snapshot?.payload == older)
    #expect(loaded.skipped.map(\.path) == [newestPath])
    let expectedDefect: SnapshotDefect = switch damage {
    case .payloadByte: .checksumMismatch(stored: CRC32C.checksum(newer), computed: CRC32C.checksum(Array(bytes.dropFirst(SnapshotHeader.bytes))))
    case .headerByte: .headerChecksumMismatch
    case .magic: .badMagic(found: SnapshotHeader.magic ^ 0xFF)
    case .truncated: .lengthMismatch(header: 64, actual: 61)
    case .appended: .lengthMismatch(header: 64, actual: 65)
    case .renamedToOtherSeq: .seqMismatch(fileName: 30, header: 20)
    }
    #expect(loaded.skipped.first?.defect == expectedDefect)
}

@Test func everySnapshotDamagedLoadsNothingAndReportsAll() throws {
    let fileSystem = InMemoryFileSystem()
    let snapshots = try store(fileSystem)
    _ = try snapshots.write(seq: 1, formatVersion: 1, payload: [1, 2, 3])
    _ = try snapshots.write(seq: 2, formatVersion: 1, payload: [4, 5, 6])
    fileSystem.setContents(of: path(seq: 1), to: [1, 2])
    fileSystem.setContents(of: path(seq: 2), to: [])
    let loaded = try snapshots.loadNewestValid()
    #expect(loaded.snapshot == nil)
    #expect(loaded.skipped == [SkippedSnapshot(path: path(seq: 2), defect: .tooShort(bytes: 0)),
                               SkippedSnapshot(path: path(seq: 1), defect: .tooShort(bytes: 2))])
}

@Test func tornTempFilesAreIgnoredByLoadAndRemovedOnOpen() throws {
    let fileSystem = InMemoryFileSystem()
    let snapshots = try store(fileSystem)
    _ = try snapshots.write(seq: 5, formatVersion: 1, payload: [5])
    // A previous process died while writing snapshot 9: only its torn temp file remains.
    fileSystem.setContents(of: path(seq: 9) + ".tmp", to: [0x4F, 0x56, 0x53, 0x4E, 1, 2, 3])
    let loaded = try snapshots.loadNewestValid()
    #expect(loaded.snapshot?.seq == 5)
    #expect(loaded.skipped.isEmpty)
    let reopened = try store(fileSystem)
    #expect(reopened.removedTemporaryFiles == [path(seq: 9) + ".tmp"])
    #expect(try fileSystem.listDirectory(directory) == ["snapshot-" + hex16(5) + ".snap"])
    #expect(try reopened.loadNewestValid().snapshot?.seq == 5)
}

@Test func abandonedWriterRemovesItsTempFile() throws {
    let fileSystem = InMemoryFileSystem()
    let snapshots = try store(fileSystem)
    let writer = try snapshots.begin(seq: 3, formatVersion: 1)
    try writer.write([1, 2, 3])
    writer.abandon()
    #expect(try fileSystem.listDirectory(directory).isEmpty)
    #expect(throws: StorageError.snapshotMisuse(reason: "write after commit or abandon")) { try writer.write([4]) }
}

@Test(arguments: [1, 2, 3])
func keepsOnlyNewestKSnapshots(retain: Int) throws {
    let fileSystem = InMemoryFileSystem()
    let snapshots = try store(fileSystem, retain: retain)
    var commits: [SnapshotCommit] = []
    for seq in [100, 200, 300, 400, 500] as [UInt64] {
        commits.append(try snapshots.write(seq: seq, formatVersion: 1, payload: payload(for: seq)))
    }
    #expect(try snapshots.snapshotSeqs() == Array(([100, 200, 300, 400, 500] as [UInt64]).suffix(retain)))
    #expect(commits.last?.oldestRetainedSeq == ([100, 200, 300, 400, 500] as [UInt64]).suffix(retain).first)
    #expect(commits.flatMap(\.deletedSnapshots) == ([100, 200, 300, 400] as [UInt64]).prefix(5 - retain).map { path(seq: $0) })
}

@Test func committedSnapshotSurvivesPowerLossAndUncommittedDoesNot() throws {
    let fileSystem = InMemoryFileSystem()
    let snapshots = try store(fileSystem)
    _ = try snapshots.write(seq: 7, formatVersion: 2, payload: payload(for: 7, length: 500))
    let pending = try snapshots.begin(seq: 8, formatVersion: 2)
    try pending.write(payload(for: 8, length: 500))
    fileSystem.simulateCrash()
    withExtendedLifetime(pending) {}
    let loaded = try store(fileSystem).loadNewestValid()
    #expect(loaded.snapshot == LoadedSnapshot(path: path(seq: 7), seq: 7, formatVersion: 2, payload: payload(for: 7, length: 500)))
    #expect(loaded.skipped.isEmpty)
}

@Test func commitSyncsFileBeforeRenameAndDirectoryAfter() throws {
    let fileSystem = InMemoryFileSystem()
    let snapshots = try store(fileSystem)
    let baseline = fileSystem.events.count
    _ = try snapshots.write(seq: 1, formatVersion: 1, payload: [1, 2, 3])
    let events = Array(fileSystem.events.dropFirst(baseline))
    let temporary = path(seq: 1) + ".tmp"
    let sync = events.firstIndex(of: .fsync(path: temporary))
    let rename = events.firstIndex(of: .rename(from: temporary, to: path(seq: 1)))
    let directorySync = events.firstIndex(of: .syncDirectory(path: directory))
    #expect(sync != nil && rename != nil && directorySync != nil)
    #expect(sync! < rename! && rename! < directorySync!)
}

@Test func failedSyncLeavesNoSnapshotBehind() throws {
    let fileSystem = InMemoryFileSystem()
    let snapshots = try store(fileSystem)
    fileSystem.updateFaults { $0.syncErrno = EIO }
    #expect(throws: StorageError.io(FileSystemError(.fsync, path: path(seq: 4) + ".tmp", errno: EIO))) {
        try snapshots.write(seq: 4, formatVersion: 1, payload: [1])
    }
    #expect(try fileSystem.listDirectory(directory).isEmpty)
}

@Test func realFileSystemRoundTripOfMultiMegabyteSnapshot() throws {
    let directory = makeTemporaryDirectory()
    defer { removeTemporaryDirectory(directory) }
    let snapshots = try SnapshotStore(directory: directory)
    let chunk = (0..<65_536).map { UInt8(truncatingIfNeeded: $0 &* 13) }
    let writer = try snapshots.begin(seq: 77, formatVersion: 1)
    for _ in 0..<48 { try writer.write(chunk) }
    _ = try writer.commit()
    let loaded = try snapshots.loadNewestValid()
    #expect(loaded.snapshot?.payload.count == 48 * 65_536)
    #expect(loaded.snapshot.map { Array($0.payload[65_536..<131_072]) } == chunk)
}
