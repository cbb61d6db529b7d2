// Opening a log: replay the intact prefix of the segments, cut the log at the first torn or
// corrupt record (deleting later segments), and reopen the last segment for appends.

extension WriteAheadLog {
    /// Opens (creating if needed) the log in `directory`, replays it and makes it appendable.
    ///
    /// - Parameters:
    ///   - replayAfter: seq covered by the loaded snapshot (0 if none). Records with a seq <= it
    ///     are not handed to `replay`; whole segments below it are not even read.
    ///   - progress: called every `configuration.progressIntervalBytes` scanned bytes.
    ///   - replay: called in seq order with each intact record after `replayAfter`; `payload` is
    ///     valid only during the call.
    /// - Returns: the log (appends continue at `report.lastSeq + 1`, or `replayAfter + 1` if the
    ///   snapshot is ahead of the log) and what recovery found. The first damaged record ends
    ///   replay: its segment is truncated there and later segments are deleted (see
    ///   `report.truncation`, to be logged by the caller).
    /// - Throws: `.io` for a failed call, `.logGap` if records after `replayAfter` are missing.
    public static func openAndRecover(
        directory: String,
        fileSystem: any FileSystem = RealFileSystem(),
        configuration: Configuration = Configuration(),
        replayAfter: UInt64 = 0,
        progress: (ReplayProgress) -> Void = { _ in },
        replay: (_ seq: UInt64, _ payload: UnsafeRawBufferPointer) -> Void
    ) throws(StorageError) -> (log: WriteAheadLog, report: RecoveryReport) {
        try io { () throws(FileSystemError) in try fileSystem.createDirectory(directory) }
        let segments = try io { () throws(FileSystemError) in try listSegments(directory, fileSystem) }
        var recovery = Recovery(directory: directory, fileSystem: fileSystem, configuration: configuration,
                                replayAfter: replayAfter, segments: segments)
        let current = try recovery.run(progress: progress, replay: replay)
        let log = WriteAheadLog(directory: directory, fileSystem: fileSystem, configuration: configuration,
                                closedSegments: recovery.closedSegments, current: current,
                                nextSeq: recovery.nextSeq)
        return (log, recovery.report)
    }

    static func listSegments(_ directory: String, _ fileSystem: any FileSystem) throws(FileSystemError) -> [Segment] {
        try fileSystem.listDirectory(directory).compactMap { name -> Segment? in
            guard let firstSeq = WALFormat.firstSeq(ofSegmentNamed: name), firstSeq > 0 else { return nil }
            return Segment(firstSeq: firstSeq, path: joinPath(directory, name))
        }.sorted { $0.firstSeq < $1.firstSeq }
    }
}

/// Runs `body`, turning a failed system call into `StorageError.io`.
@inline(__always)
func io<T>(_ body: () throws(FileSystemError) -> T) throws(StorageError) -> T {
    do { return try body() } catch { throw .io(error) }
}

/// The state of one recovery run.
private struct Recovery {
    let directory: String
    let fileSystem: any FileSystem
    let configuration: WriteAheadLog.Configuration
    let replayAfter: UInt64
    let segments: [WriteAheadLog.Segment]
    var report = RecoveryReport()
    var closedSegments: [WriteAheadLog.Segment] = []
    /// Seq of the record after the last intact one.
    var nextSeq: UInt64 = 1

    init(directory: String, fileSystem: any FileSystem, configuration: WriteAheadLog.Configuration,
         replayAfter: UInt64, segments: [WriteAheadLog.Segment]) {
        self.directory = directory
        self.fileSystem = fileSystem
        self.configuration = configuration
        self.replayAfter = replayAfter
        self.segments = segments
    }

    /// Scans, repairs, and returns the segment to append to.
    mutating func run(progress: (ReplayProgress) -> Void,
                      replay: (UInt64, UnsafeRawBufferPointer) -> Void) throws(StorageError) -> WriteAheadLog.OpenSegment {
        // Segments before the last one starting at or before replayAfter + 1 hold only covered
        // records: they are not read, so a gap among them (an interrupted removal) is harmless.
        guard let start = segments.lastIndex(where: { $0.firstSeq <= replayAfter + 1 }) ?? (segments.isEmpty ? 0 : nil) else {
            throw .logGap(afterSeq: replayAfter, firstLoggedSeq: segments[0].firstSeq)
        }
        report.segmentsSkipped = start
        closedSegments = Array(segments[..<start])
        nextSeq = segments.isEmpty ? replayAfter + 1 : segments[start].firstSeq
        var current = try io { () throws(FileSystemError) in try scanSegments(from: start, progress: progress, replay: replay) }
        report.lastSeq = nextSeq - 1
        if report.lastSeq < replayAfter {
            try io { () throws(FileSystemError) in try removeCoveredLog(current: current) }
            current = nil
            nextSeq = replayAfter + 1
        }
        if let current {
            try io { () throws(FileSystemError) in try fileSystem.syncDirectory(directory) }  // entries created before a crash
            return current
        }
        let created = try WriteAheadLog.createSegment(directory: directory, firstSeq: nextSeq, fileSystem: fileSystem)
        try io { () throws(FileSystemError) in
            try fileSystem.fdatasync(created.file)
            try fileSystem.syncDirectory(directory)
        }
        return created
    }

    /// Scans segments[start...] in order; returns the last intact segment, opened (nil if none).
    private mutating func scanSegments(from start: Int, progress: (ReplayProgress) -> Void,
                                       replay: (UInt64, UnsafeRawBufferPointer) -> Void) throws(FileSystemError) -> WriteAheadLog.OpenSegment? {
        var totalBytes: Int64 = 0
        for segment in segments[start...] { totalBytes += try sizeOf(segment.path) }
        let interval = configuration.progressIntervalBytes
        var nextProgress = interval
        let scanner = WALSegmentScanner(fileSystem: fileSystem, reader: ChunkedFileReader(chunkBytes: configuration.readChunkBytes),
                                        maxRecordBytes: configuration.maxRecordBytes, replayAfter: replayAfter)
        for index in segments.indices.dropFirst(start) {
            let segment = segments[index]
            let file = try fileSystem.openFile(segment.path, mode: .readWrite)
            let scan = try scanner.scan(path: segment.path, file: file, expectedFirstSeq: nextSeq, report: &report, progress: { bytes, records in
                guard bytes >= nextProgress else { return }
                nextProgress = bytes + interval
                progress(ReplayProgress(bytesScanned: bytes, totalBytes: totalBytes, recordsReplayed: records, segment: segment.path))
            }, replay: replay)
            report.segmentsScanned += 1
            nextSeq = scan.lastSeq + 1
            if let damage = scan.damage {
                return try cutTail(at: index, file: file, scan: scan, damage: damage)
            }
            if index == segments.count - 1 && scan.fileSize > scan.validEnd {
                // The zeros written ahead go: bytes of a torn group may sit past the first zero
                // header, and records appended later must not run into them.
                try fileSystem.truncate(file, to: scan.validEnd)
            }
            // Records left by a process that died before its fsync sit in the page cache only;
            // make them durable so `syncedSeq` is honest (cheap when nothing is dirty).
            try fileSystem.fdatasync(file)
            if index == segments.count - 1 {
                return .init(firstSeq: segment.firstSeq, path: segment.path, file: file, size: scan.validEnd,
                             allocated: scan.validEnd)
            }
            fileSystem.close(file)
            closedSegments.append(segment)
        }
        return nil
    }

    private func sizeOf(_ path: String) throws(FileSystemError) -> Int64 {
        let file = try fileSystem.openFile(path, mode: .readOnly)
        defer { fileSystem.close(file) }
        return try fileSystem.size(of: file)
    }

    /// Truncates segment `index` at the damage (or deletes it if its header is bad), deletes all
    /// later segments, and returns the segment to append to (nil: create a fresh one).
    private mutating func cutTail(at index: Int, file: FileDescriptor, scan: SegmentScan,
                                  damage: TailDamage) throws(FileSystemError) -> WriteAheadLog.OpenSegment? {
        let segment = segments[index]
        var deleted: [String] = []
        var current: WriteAheadLog.OpenSegment?
        if scan.validEnd == 0 {
            fileSystem.close(file)
            try fileSystem.unlink(segment.path)
            deleted.append(segment.path)
        } else {
            try fileSystem.truncate(file, to: scan.validEnd)
            try fileSystem.fdatasync(file)
            current = .init(firstSeq: segment.firstSeq, path: segment.path, file: file, size: scan.validEnd,
                            allocated: scan.validEnd)
        }
        for later in segments[(index + 1)...] {
            try fileSystem.unlink(later.path)
            deleted.append(later.path)
        }
        if !deleted.isEmpty { try fileSystem.syncDirectory(directory) }
        report.truncation = TruncatedTail(segment: segment.path, offset: scan.validEnd, damage: damage,
                                          discardedBytes: scan.fileSize - scan.validEnd, deletedSegments: deleted)
        return current
    }

    /// The snapshot is ahead of every logged record: all segments are covered; delete them so
    /// appends can restart at `replayAfter + 1` without a seq gap inside the log.
    private mutating func removeCoveredLog(current: WriteAheadLog.OpenSegment?) throws(FileSystemError) {
        if let current { fileSystem.close(current.file) }
        var paths = closedSegments.map(\.path)
        if let current { paths.append(current.path) }
        for path in paths { try fileSystem.unlink(path) }
        report.removedCoveredSegments = paths
        closedSegments = []
    }
}
