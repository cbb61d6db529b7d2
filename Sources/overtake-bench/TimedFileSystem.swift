// A FileSystem that forwards to the real one and records how long each fdatasync took, so the
// group-commit benchmark can report fsync latency as the disk delivered it.
import LeaderboardStorage
import Synchronization

final class TimedFileSystem: FileSystem {
    private let real = RealFileSystem()
    private let syncNanoseconds = Mutex<[UInt64]>([])

    /// Durations of every fdatasync so far, in call order.
    var syncDurations: [UInt64] { syncNanoseconds.withLock { $0 } }

    func resetSyncDurations() { syncNanoseconds.withLock { $0.removeAll() } }

    func fdatasync(_ file: FileDescriptor) throws(FileSystemError) {
        let start = BenchClock.nanos()
        defer {
            let elapsed = BenchClock.nanos() - start
            syncNanoseconds.withLock { $0.append(elapsed) }
        }
        try real.fdatasync(file)
    }

    func openFile(_ path: String, mode: FileOpenMode) throws(FileSystemError) -> FileDescriptor {
        try real.openFile(path, mode: mode)
    }
    func close(_ file: FileDescriptor) { real.close(file) }
    func read(_ file: FileDescriptor, into buffer: UnsafeMutableRawBufferPointer, at offset: Int64) throws(FileSystemError) -> Int {
        try real.read(file, into: buffer, at: offset)
    }
    func write(_ file: FileDescriptor, _ bytes: UnsafeRawBufferPointer, at offset: Int64) throws(FileSystemError) -> Int {
        try real.write(file, bytes, at: offset)
    }
    func fsync(_ file: FileDescriptor) throws(FileSystemError) { try real.fsync(file) }
    func truncate(_ file: FileDescriptor, to length: Int64) throws(FileSystemError) { try real.truncate(file, to: length) }
    func size(of file: FileDescriptor) throws(FileSystemError) -> Int64 { try real.size(of: file) }
    func rename(_ source: String, to destination: String) throws(FileSystemError) { try real.rename(source, to: destination) }
    func unlink(_ path: String) throws(FileSystemError) { try real.unlink(path) }
    func listDirectory(_ directory: String) throws(FileSystemError) -> [String] { try real.listDirectory(directory) }
    func createDirectory(_ directory: String) throws(FileSystemError) { try real.createDirectory(directory) }
    func syncDirectory(_ directory: String) throws(FileSystemError) { try real.syncDirectory(directory) }
}
