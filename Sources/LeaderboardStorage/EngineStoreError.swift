// Errors of the durable engine coordinator (EngineStore). Storage failures keep their own evidence.

/// Why `EngineStore.recover` or `close` failed.
public enum EngineStoreError: Error, Sendable, Equatable {
    /// A file-system call, the WAL or the snapshot store failed (see the wrapped error).
    case storage(StorageError)
    /// A WAL record passed its checksum but did not decode: written by an incompatible build or a
    /// bug. Recovery stops rather than drop acknowledged operations; the record is left in place.
    case undecodableRecord(seq: UInt64, error: EngineCodecError)
    /// `close` was called twice, or the store is used after `close`.
    case closed
}
