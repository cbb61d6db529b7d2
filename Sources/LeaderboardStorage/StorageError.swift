// Errors of the storage layer. Every case carries its evidence (the call, the path, errno, the
// offending sizes); there is no catch-all case.

/// A file-system call that failed, as reported by `FileSystem` implementations.
public enum FileOperation: String, Sendable, Equatable {
    case open, close, read, write, fsync, fdatasync, truncate, stat
    case rename, unlink, listDirectory, createDirectory, syncDirectory
}

/// One failed system call: which call, on which path, with which errno (`EIO`, `ENOSPC`, …).
public struct FileSystemError: Error, Sendable, Equatable, CustomStringConvertible {
    public let operation: FileOperation
    public let path: String
    public let errno: Int32

    public init(_ operation: FileOperation, path: String, errno: Int32) {
        self.operation = operation
        self.path = path
        self.errno = errno
    }

    public var description: String { "\(operation.rawValue)(\(path)) failed with errno \(errno)" }
}

/// Errors surfaced by `WriteAheadLog`, `GroupCommitter` and `SnapshotStore`.
public enum StorageError: Error, Sendable, Equatable {
    /// A system call failed; the operation had no lasting effect (a torn write was rolled back).
    case io(FileSystemError)
    /// The log can no longer promise durability (a failed fsync, or a torn write that could not be
    /// rolled back). Every later append or sync fails with this error; the process must restart
    /// and recover from disk. See "fsyncgate": after a failed fsync the page cache cannot be trusted.
    case logFailed(cause: FileSystemError)
    /// A payload larger than `WriteAheadLog.Configuration.maxRecordBytes`.
    case recordTooLarge(bytes: Int, limit: Int)
    /// A write call made no progress (returned 0 bytes) on a non-empty buffer.
    case writeMadeNoProgress(path: String, offset: Int64)
    /// Recovery found no segment holding seq `afterSeq + 1`: the oldest segment starts later, so
    /// records in between are missing (segments removed past the snapshot that was loaded).
    case logGap(afterSeq: UInt64, firstLoggedSeq: UInt64)
    /// The group committer was closed before this submission could be written.
    case committerClosed
    /// pthread_create failed for the committer's writer thread.
    case threadStartFailed(errno: Int32)
    /// A snapshot was committed with fewer or more payload bytes than announced, or used after commit.
    case snapshotMisuse(reason: String)
}
