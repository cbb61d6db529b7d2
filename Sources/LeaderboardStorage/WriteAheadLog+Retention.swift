// Removing segments a snapshot made obsolete. Only whole closed segments go; the current one stays.

extension WriteAheadLog {
    /// Deletes every closed segment whose records all have seq <= `seq` (oldest first) and returns
    /// their paths. Call after a snapshot covering `seq` is durable; to keep the fallback to an
    /// older snapshot usable, pass the seq of the *oldest* retained snapshot.
    ///
    /// The directory is not fsynced: a removal lost in a crash only brings back covered segments,
    /// which recovery skips without reading.
    @discardableResult
    public func removeSegments(coveredUpTo seq: UInt64) throws(StorageError) -> [String] {
        var removed: [String] = []
        while let oldest = closedSegments.first {
            let nextFirst = closedSegments.count > 1 ? closedSegments[1].firstSeq : current.firstSeq
            guard nextFirst - 1 <= seq else { break }
            if let waiting = awaitingSync.firstIndex(where: { $0.path == oldest.path }) {
                fileSystem.close(awaitingSync.remove(at: waiting).file)  // covered: no sync needed
            }
            try io { () throws(FileSystemError) in try fileSystem.unlink(oldest.path) }
            closedSegments.removeFirst()
            removed.append(oldest.path)
        }
        return removed
    }
}
