// The system calls the storage layer makes, behind one protocol so tests can inject EIO, short
// writes and ENOSPC (InMemoryFileSystem) while production uses RealFileSystem (Glibc).

/// An open file, as handed out by a `FileSystem`. Only meaningful to the file system that opened
/// it. Carries the path it was opened with, so errors name the file rather than a number.
public struct FileDescriptor: Hashable, Sendable {
    public let rawValue: Int32
    public let path: String
    public init(rawValue: Int32, path: String) {
        self.rawValue = rawValue
        self.path = path
    }
}

/// How `FileSystem.openFile` opens a path.
public enum FileOpenMode: Sendable, Equatable {
    /// Existing file, read only.
    case readOnly
    /// Existing file, read and write.
    case readWrite
    /// Read and write, created (mode 0644) if missing, truncated to 0 bytes if present.
    case createOrTruncate
}

/// The file system calls of the storage layer. Implementations must be safe to call from any
/// thread; a given descriptor is used by one thread at a time.
///
/// Writes are positional (`pwrite`): the log never depends on a file offset, so rolling back a
/// torn write with `truncate` cannot leave a hole. Paths are plain strings (`directory + "/" + name`).
public protocol FileSystem: Sendable {
    func openFile(_ path: String, mode: FileOpenMode) throws(FileSystemError) -> FileDescriptor
    /// Closes `file`; errors are ignored (Linux releases the descriptor even when close fails).
    func close(_ file: FileDescriptor)
    /// Reads up to `buffer.count` bytes at `offset`; returns the count read (0 at end of file).
    func read(_ file: FileDescriptor, into buffer: UnsafeMutableRawBufferPointer, at offset: Int64) throws(FileSystemError) -> Int
    /// Writes up to `bytes.count` bytes at `offset`; returns the count written (may be short).
    func write(_ file: FileDescriptor, _ bytes: UnsafeRawBufferPointer, at offset: Int64) throws(FileSystemError) -> Int
    /// Flushes data and metadata of `file` to stable storage.
    func fsync(_ file: FileDescriptor) throws(FileSystemError)
    /// Flushes data (and the size, if it changed) of `file` to stable storage.
    func fdatasync(_ file: FileDescriptor) throws(FileSystemError)
    /// Sets the size of `file` to `length` bytes.
    func truncate(_ file: FileDescriptor, to length: Int64) throws(FileSystemError)
    /// The current size of `file` in bytes.
    func size(of file: FileDescriptor) throws(FileSystemError) -> Int64
    /// Atomically replaces `destination` by `source` (same directory).
    func rename(_ source: String, to destination: String) throws(FileSystemError)
    func unlink(_ path: String) throws(FileSystemError)
    /// Names (not paths) of the entries of `directory`, without "." and "..", in no particular order.
    func listDirectory(_ directory: String) throws(FileSystemError) -> [String]
    /// Creates `directory` (mode 0755); succeeds if it already exists.
    func createDirectory(_ directory: String) throws(FileSystemError)
    /// fsyncs `directory` itself, making created, renamed and removed entries durable.
    func syncDirectory(_ directory: String) throws(FileSystemError)
}

extension FileSystem {
    /// Writes all of `bytes` at `offset`, continuing after short writes.
    /// On error, an unknown prefix of `bytes` may have been written.
    func writeAll(_ file: FileDescriptor, _ bytes: UnsafeRawBufferPointer, at offset: Int64, path: String) throws(StorageError) {
        var done = 0
        while done < bytes.count {
            let written: Int
            do {
                written = try write(file, UnsafeRawBufferPointer(rebasing: bytes[done...]), at: offset + Int64(done))
            } catch {
                throw .io(error)
            }
            if written <= 0 { throw .writeMadeNoProgress(path: path, offset: offset + Int64(done)) }
            done += written
        }
    }

    /// Reads until `array` is full or end of file; returns the count read.
    func readFully(_ file: FileDescriptor, into array: inout [UInt8], at offset: Int64) throws(FileSystemError) -> Int {
        let result: Result<Int, FileSystemError> = array.withUnsafeMutableBytes { raw in
            Result { () throws(FileSystemError) -> Int in try readFully(file, into: raw, at: offset) }
        }
        return try result.get()
    }

    /// Reads until `buffer` is full or end of file; returns the count read.
    func readFully(_ file: FileDescriptor, into buffer: UnsafeMutableRawBufferPointer, at offset: Int64) throws(FileSystemError) -> Int {
        var done = 0
        while done < buffer.count {
            let count = try read(file, into: UnsafeMutableRawBufferPointer(rebasing: buffer[done...]), at: offset + Int64(done))
            if count == 0 { break }
            done += count
        }
        return done
    }
}

/// `directory/name`.
func joinPath(_ directory: String, _ name: String) -> String {
    directory.hasSuffix("/") ? directory + name : directory + "/" + name
}

extension Array where Element == UInt8 {
    /// `withUnsafeBytes` that keeps the body's typed error (the stdlib's version is `rethrows`).
    @inline(__always)
    func withBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        let result: Result<R, E> = withUnsafeBytes { raw in Result { () throws(E) -> R in try body(raw) } }
        return try result.get()
    }
}
