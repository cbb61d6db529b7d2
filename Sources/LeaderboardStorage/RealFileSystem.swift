// FileSystem over Glibc: open/pread/pwrite/fsync/fdatasync/ftruncate/rename/unlink/readdir.
// Stateless; every call retries on EINTR and reports errno in a FileSystemError.
import Glibc

/// The production `FileSystem`. Descriptors are real Linux file descriptors (O_CLOEXEC).
public struct RealFileSystem: FileSystem {
    public init() {}

    public func openFile(_ path: String, mode: FileOpenMode) throws(FileSystemError) -> FileDescriptor {
        let flags: Int32
        switch mode {
        case .readOnly: flags = O_RDONLY
        case .readWrite: flags = O_RDWR
        case .createOrTruncate: flags = O_RDWR | O_CREAT | O_TRUNC
        }
        let fd = try retrying(.open, path) { Glibc.open(path, flags | O_CLOEXEC, 0o644) }
        return FileDescriptor(rawValue: fd, path: path)
    }

    public func close(_ file: FileDescriptor) { _ = Glibc.close(file.rawValue) }

    public func read(_ file: FileDescriptor, into buffer: UnsafeMutableRawBufferPointer, at offset: Int64) throws(FileSystemError) -> Int {
        try retrying(.read, file.path) { pread(file.rawValue, buffer.baseAddress, buffer.count, off_t(offset)) }
    }

    public func write(_ file: FileDescriptor, _ bytes: UnsafeRawBufferPointer, at offset: Int64) throws(FileSystemError) -> Int {
        try retrying(.write, file.path) { pwrite(file.rawValue, bytes.baseAddress, bytes.count, off_t(offset)) }
    }

    public func fsync(_ file: FileDescriptor) throws(FileSystemError) {
        _ = try retrying(.fsync, file.path) { Glibc.fsync(file.rawValue) }
    }

    public func fdatasync(_ file: FileDescriptor) throws(FileSystemError) {
        _ = try retrying(.fdatasync, file.path) { Glibc.fdatasync(file.rawValue) }
    }

    public func truncate(_ file: FileDescriptor, to length: Int64) throws(FileSystemError) {
        _ = try retrying(.truncate, file.path) { ftruncate(file.rawValue, off_t(length)) }
    }

    public func size(of file: FileDescriptor) throws(FileSystemError) -> Int64 {
        var info = stat()
        _ = try retrying(.stat, file.path) { fstat(file.rawValue, &info) }
        return Int64(info.st_size)
    }

    public func rename(_ source: String, to destination: String) throws(FileSystemError) {
        _ = try retrying(.rename, source) { Glibc.rename(source, destination) }
    }

    public func unlink(_ path: String) throws(FileSystemError) {
        _ = try retrying(.unlink, path) { Glibc.unlink(path) }
    }

    public func listDirectory(_ directory: String) throws(FileSystemError) -> [String] {
        guard let stream = opendir(directory) else { throw FileSystemError(.listDirectory, path: directory, errno: errno) }
        defer { closedir(stream) }
        var names: [String] = []
        while let entry = readdir(stream) {
            let name = withUnsafePointer(to: &entry.pointee.d_name) { tuple in
                tuple.withMemoryRebound(to: CChar.self, capacity: MemoryLayout.size(ofValue: tuple.pointee)) {
                    String(cString: $0)
                }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    public func createDirectory(_ directory: String) throws(FileSystemError) {
        if mkdir(directory, 0o755) != 0 && errno != EEXIST {
            throw FileSystemError(.createDirectory, path: directory, errno: errno)
        }
    }

    public func syncDirectory(_ directory: String) throws(FileSystemError) {
        let fd = try retrying(.syncDirectory, directory) { Glibc.open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
        defer { _ = Glibc.close(fd) }
        _ = try retrying(.syncDirectory, directory) { Glibc.fsync(fd) }
    }

    /// Runs `call` until it does not fail with EINTR; a negative result becomes a FileSystemError.
    @inline(__always)
    private func retrying<T: BinaryInteger>(_ operation: FileOperation, _ path: @autoclosure () -> String,
                                             _ call: () -> T) throws(FileSystemError) -> T {
        while true {
            let result = call()
            if result >= 0 { return result }
            let code = errno
            if code != EINTR { throw FileSystemError(operation, path: path(), errno: code) }
        }
    }
}

/// Monotonic time in nanoseconds (CLOCK_MONOTONIC): the default clock of `GroupCommitter`.
public func monotonicNanoseconds() -> UInt64 {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
}
