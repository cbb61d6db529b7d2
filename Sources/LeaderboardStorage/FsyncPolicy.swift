// When the group committer makes appended records durable, and what a completion then promises.

/// How `GroupCommitter` syncs the log after writing a group of records.
public enum FsyncPolicy: Sendable, Equatable {
    /// fdatasync after every group; a successful completion means the record is durable. The default.
    case always
    /// fdatasync at most once per `milliseconds` (decided with the injected clock), and when idle
    /// with unsynced records; a completion means "written to the OS": up to that much may be lost.
    case interval(milliseconds: UInt64)
    /// Never sync; the OS writes back when it likes. Completions mean "written to the OS".
    case never
}
