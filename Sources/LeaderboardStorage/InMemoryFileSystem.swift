// A FileSystem in memory for tests: records every mutating call in order, injects faults (EIO on
// sync, short writes, ENOSPC) and models power loss (only fsynced bytes and names survive a crash).
import Glibc
import Synchronization

/// In-memory `FileSystem` with a journal of calls, fault injection and a crash model.
///
/// Crash model (strict POSIX): a file's bytes survive `simulateCrash()` only as of its last
/// `fsync`/`fdatasync`; a name (creation, rename, unlink) survives only once its directory was
/// `syncDirectory`'d. Thread-safe: all state is behind one mutex.
public final class InMemoryFileSystem: FileSystem {
    /// One call, in the order it took effect. `note` lets tests interleave their own markers.
    public enum Event: Sendable, Equatable {
        case create(path: String)
        case write(path: String, offset: Int64, count: Int)
        case fsync(path: String)
        case fdatasync(path: String)
        case truncate(path: String, length: Int64)
        case rename(from: String, to: String)
        case unlink(path: String)
        case syncDirectory(path: String)
        case note(String)

        public var isSync: Bool {
            switch self {
            case .fsync, .fdatasync: true
            default: false
            }
        }
    }

    /// Faults applied to every later call until changed.
    public struct Faults: Sendable {
        /// Every fsync/fdatasync fails with this errno (e.g. EIO) and makes nothing durable.
        public var syncErrno: Int32?
        /// Every write fails with this errno before writing anything.
        public var writeErrno: Int32?
        /// Every truncate fails with this errno.
        public var truncateErrno: Int32?
        /// Writes return at most this many bytes (short writes).
        public var maxBytesPerWrite: Int?
        /// Total bytes all files may hold; a write that does not fit is short, then ENOSPC.
        public var capacityBytes: Int?
        public init() {}
    }

    // @unchecked Sendable: an Inode is reachable only through `state`, so every read and write
    // of its fields happens inside `state.withLock`.
    final class Inode: @unchecked Sendable {
        var data: [UInt8] = []
        var durable: [UInt8] = []
    }

    struct OpenFile: Sendable {
        let inode: Inode
        let path: String
        let isWritable: Bool
    }

    struct State: Sendable {
        var names: [String: Inode] = [:]
        var durableNames: [String: Inode] = [:]
        var directories: Set<String> = []
        var open: [Int32: OpenFile] = [:]
        var nextDescriptor: Int32 = 3
        var events: [Event] = []
        var faults = Faults()
    }

    let state = Mutex(State())
    private let syncHook = Mutex<(@Sendable (String) -> Void)?>(nil)

    public init() {}

    // MARK: test controls

    /// Every call so far, in order.
    public var events: [Event] { state.withLock { $0.events } }

    /// Appends a test marker to the journal.
    public func note(_ text: String) { state.withLock { $0.events.append(.note(text)) } }

    public func updateFaults(_ change: (inout Faults) -> Void) { state.withLock { change(&$0.faults) } }

    /// Called (outside the lock, on the syncing thread) at the start of every fsync/fdatasync
    /// with the file's path, e.g. to block the writer until a test releases it.
    public func setSyncHook(_ hook: (@Sendable (String) -> Void)?) { syncHook.withLock { $0 = hook } }

    /// Current bytes of `path`, or nil if no such file.
    public func contents(of path: String) -> [UInt8]? { state.withLock { $0.names[path]?.data } }

    /// Replaces the bytes of `path` (creating it), durably: for corrupting files between runs.
    public func setContents(of path: String, to bytes: [UInt8]) {
        state.withLock { state in
            let inode = state.names[path] ?? Inode()
            inode.data = bytes
            inode.durable = bytes
            state.names[path] = inode
            state.durableNames[path] = inode
        }
    }

    /// Power loss: closes every descriptor; names and bytes revert to their last synced state.
    public func simulateCrash() {
        state.withLock { state in
            state.open.removeAll()
            state.names = state.durableNames
            for inode in state.names.values { inode.data = inode.durable }
        }
    }

    /// Number of open descriptors (leak checks).
    public var openDescriptorCount: Int { state.withLock { $0.open.count } }
}

extension InMemoryFileSystem {
    static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return String(path[..<slash])
    }

    private func withOpenFile<R>(_ file: FileDescriptor, _ operation: FileOperation,
                                 _ body: (inout State, OpenFile) throws(FileSystemError) -> R) throws(FileSystemError) -> R {
        try state.withLock { (state) throws(FileSystemError) -> R in
            guard let open = state.open[file.rawValue] else {
                throw FileSystemError(operation, path: file.path, errno: EBADF)
            }
            return try body(&state, open)
        }
    }

    public func openFile(_ path: String, mode: FileOpenMode) throws(FileSystemError) -> FileDescriptor {
        try state.withLock { (state) throws(FileSystemError) -> FileDescriptor in
            guard state.directories.contains(Self.parent(of: path)) else { throw FileSystemError(.open, path: path, errno: ENOENT) }
            let inode: Inode
            switch mode {
            case .readOnly, .readWrite:
                guard let existing = state.names[path] else { throw FileSystemError(.open, path: path, errno: ENOENT) }
                inode = existing
            case .createOrTruncate:
                if let existing = state.names[path] {
                    inode = existing
                    inode.data.removeAll()
                } else {
                    inode = Inode()
                    state.names[path] = inode
                    state.events.append(.create(path: path))
                }
            }
            let descriptor = state.nextDescriptor
            state.nextDescriptor += 1
            state.open[descriptor] = OpenFile(inode: inode, path: path, isWritable: mode != .readOnly)
            return FileDescriptor(rawValue: descriptor, path: path)
        }
    }

    public func close(_ file: FileDescriptor) { _ = state.withLock { $0.open.removeValue(forKey: file.rawValue) } }

    public func read(_ file: FileDescriptor, into buffer: UnsafeMutableRawBufferPointer, at offset: Int64) throws(FileSystemError) -> Int {
        try withOpenFile(file, .read) { _, open in
            let data = open.inode.data
            guard offset < Int64(data.count) else { return 0 }
            let count = min(buffer.count, data.count - Int(offset))
            data.withUnsafeBytes { source in
                buffer.baseAddress!.copyMemory(from: source.baseAddress! + Int(offset), byteCount: count)
            }
            return count
        }
    }

    public func write(_ file: FileDescriptor, _ bytes: UnsafeRawBufferPointer, at offset: Int64) throws(FileSystemError) -> Int {
        try withOpenFile(file, .write) { (state, open) throws(FileSystemError) -> Int in
            guard open.isWritable else { throw FileSystemError(.write, path: open.path, errno: EBADF) }
            if let code = state.faults.writeErrno { throw FileSystemError(.write, path: open.path, errno: code) }
            var count = bytes.count
            if let limit = state.faults.maxBytesPerWrite { count = min(count, limit) }
            if let capacity = state.faults.capacityBytes {
                let used = state.names.values.reduce(0) { $0 + $1.data.count }
                let growth = max(0, Int(offset) + count - open.inode.data.count)
                if used + growth > capacity {
                    let overwrite = max(0, open.inode.data.count - Int(offset))
                    count = min(count, overwrite + max(0, capacity - used))
                    if count == 0 { throw FileSystemError(.write, path: open.path, errno: ENOSPC) }
                }
            }
            let end = Int(offset) + count
            if open.inode.data.count < end {
                open.inode.data.append(contentsOf: repeatElement(0, count: end - open.inode.data.count))
            }
            open.inode.data.withUnsafeMutableBytes { target in
                target.baseAddress!.advanced(by: Int(offset)).copyMemory(from: bytes.baseAddress!, byteCount: count)
            }
            state.events.append(.write(path: open.path, offset: offset, count: count))
            return count
        }
    }

    public func fsync(_ file: FileDescriptor) throws(FileSystemError) { try sync(file, .fsync) }

    public func fdatasync(_ file: FileDescriptor) throws(FileSystemError) { try sync(file, .fdatasync) }

    private func sync(_ file: FileDescriptor, _ operation: FileOperation) throws(FileSystemError) {
        let path = try withOpenFile(file, operation) { _, open in open.path }
        if let hook = syncHook.withLock({ $0 }) { hook(path) }
        try withOpenFile(file, operation) { (state, open) throws(FileSystemError) in
            if let code = state.faults.syncErrno { throw FileSystemError(operation, path: open.path, errno: code) }
            open.inode.durable = open.inode.data
            state.events.append(operation == .fsync ? .fsync(path: open.path) : .fdatasync(path: open.path))
        }
    }

    public func truncate(_ file: FileDescriptor, to length: Int64) throws(FileSystemError) {
        try withOpenFile(file, .truncate) { (state, open) throws(FileSystemError) in
            if let code = state.faults.truncateErrno { throw FileSystemError(.truncate, path: open.path, errno: code) }
            let length = Int(length)
            if open.inode.data.count > length {
                open.inode.data.removeSubrange(length...)
            } else {
                open.inode.data.append(contentsOf: repeatElement(0, count: length - open.inode.data.count))
            }
            state.events.append(.truncate(path: open.path, length: Int64(length)))
        }
    }

    public func size(of file: FileDescriptor) throws(FileSystemError) -> Int64 {
        try withOpenFile(file, .stat) { _, open in Int64(open.inode.data.count) }
    }

    public func rename(_ source: String, to destination: String) throws(FileSystemError) {
        try state.withLock { (state) throws(FileSystemError) in
            guard let inode = state.names.removeValue(forKey: source) else {
                throw FileSystemError(.rename, path: source, errno: ENOENT)
            }
            state.names[destination] = inode
            state.events.append(.rename(from: source, to: destination))
        }
    }

    public func unlink(_ path: String) throws(FileSystemError) {
        try state.withLock { (state) throws(FileSystemError) in
            guard state.names.removeValue(forKey: path) != nil else { throw FileSystemError(.unlink, path: path, errno: ENOENT) }
            state.events.append(.unlink(path: path))
        }
    }

    public func listDirectory(_ directory: String) throws(FileSystemError) -> [String] {
        try state.withLock { (state) throws(FileSystemError) -> [String] in
            guard state.directories.contains(directory) else { throw FileSystemError(.listDirectory, path: directory, errno: ENOENT) }
            return state.names.keys.filter { Self.parent(of: $0) == directory }.map { String($0.dropFirst(directory.count + 1)) }
        }
    }

    public func createDirectory(_ directory: String) throws(FileSystemError) {
        state.withLock { _ = $0.directories.insert(directory) }
    }

    public func syncDirectory(_ directory: String) throws(FileSystemError) {
        try state.withLock { (state) throws(FileSystemError) in
            guard state.directories.contains(directory) else { throw FileSystemError(.syncDirectory, path: directory, errno: ENOENT) }
            if let code = state.faults.syncErrno { throw FileSystemError(.syncDirectory, path: directory, errno: code) }
            state.durableNames = state.durableNames.filter { Self.parent(of: $0.key) != directory }
            for (path, inode) in state.names where Self.parent(of: path) == directory { state.durableNames[path] = inode }
            state.events.append(.syncDirectory(path: directory))
        }
    }
}
