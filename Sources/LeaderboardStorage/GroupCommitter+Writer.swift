// The writer thread's loop: take everything queued, write it with one call, sync per policy,
// complete in seq order. Runs until close() and an empty queue.

extension GroupCommitter {
    /// One wake-up's worth of work, taken under the lock.
    private struct Work {
        var submissions: [Submission]
        var removals: [Removal]
        var isClosing: Bool
    }

    /// The writer thread body.
    func runWriter() {
        let log = writer.writerLog
        var lastSync = clock()
        var hasUnsynced = false
        var spare: [Submission] = []
        while true {
            let timeout = idleTimeout(hasUnsynced: hasUnsynced, lastSync: lastSync)
            let work = shared.wait(timeoutNanoseconds: timeout) { shared -> Work? in
                guard !shared.queue.isEmpty || !shared.removals.isEmpty || shared.isClosing else { return nil }
                // Hand the queue an empty array that kept its capacity, so steady-state submits
                // do not allocate; `spare` must not keep a second reference to it (copy on write).
                var taken: [Submission] = []
                swap(&taken, &spare)
                swap(&taken, &shared.queue)
                defer { shared.removals.removeAll() }
                return Work(submissions: taken, removals: shared.removals, isClosing: shared.isClosing)
            }
            guard var work else {
                if hasUnsynced, case .interval = policy, syncIsDue(lastSync: lastSync) {
                    hasUnsynced = !syncInterval(log, lastSync: &lastSync)
                }
                continue
            }
            if !work.submissions.isEmpty {
                hasUnsynced = commit(work.submissions, to: log, hasUnsynced: hasUnsynced, lastSync: &lastSync)
            }
            for removal in work.removals {
                removal.completion(Result { () throws(StorageError) in try log.removeSegments(coveredUpTo: removal.coveredUpTo) })
            }
            if work.isClosing && work.submissions.isEmpty {
                if hasUnsynced && policy != .never && failure == nil { _ = syncInterval(log, lastSync: &lastSync) }
                return
            }
            work.submissions.removeAll(keepingCapacity: true)
            spare = work.submissions
        }
    }

    /// How long to sleep: forever, or (under `.interval` with unsynced records) until the next
    /// sync is due. The wait itself uses real time; the decision after it uses the injected clock.
    private func idleTimeout(hasUnsynced: Bool, lastSync: UInt64) -> UInt64? {
        guard hasUnsynced, case .interval(let milliseconds) = policy else { return nil }
        let elapsed = clock() &- lastSync
        let interval = milliseconds * 1_000_000
        return elapsed >= interval ? 1_000_000 : interval - elapsed
    }

    private func syncIsDue(lastSync: UInt64) -> Bool {
        guard case .interval(let milliseconds) = policy else { return false }
        return clock() &- lastSync >= milliseconds * 1_000_000
    }

    /// Syncs for `.interval` (or at close); on failure marks the committer failed. Returns success.
    private func syncInterval(_ log: WriteAheadLog, lastSync: inout UInt64) -> Bool {
        do {
            try log.sync()
            lastSync = clock()
            return true
        } catch {
            fail(error, alsoCompleting: [])
            return false
        }
    }

    /// Writes `submissions` (one write call per segment touched), syncs per policy, completes them.
    /// Returns whether written records remain unsynced.
    private func commit(_ submissions: [Submission], to log: WriteAheadLog, hasUnsynced: Bool, lastSync: inout UInt64) -> Bool {
        if let failure = self.failure {
            for submission in submissions { submission.completion(.failure(failure)) }
            return hasUnsynced
        }
        precondition(log.nextSeq == submissions[0].seq, "the committer's seqs must match the log")
        do {
            try log.append(contentsOf: submissions.lazy.map(\.payload))
            switch policy {
            case .always:
                try log.sync()
            case .interval:
                if syncIsDue(lastSync: lastSync) {
                    try log.sync()
                    lastSync = clock()
                }
            case .never:
                break
            }
        } catch {
            fail(error, alsoCompleting: submissions)
            return false
        }
        let last = submissions[submissions.count - 1].seq
        shared.withLock { $0.completedSeq = last }
        for submission in submissions { submission.completion(.success(submission.seq)) }
        // Zeros ahead for the next groups, now that this one is answered. Synced at once under
        // `.always`, so no group's sync carries them.
        do {
            try log.preallocate(sync: policy == .always)
        } catch {
            fail(error, alsoCompleting: [])
        }
        return policy != .always && log.syncedSeq < last
    }

    /// Records the sticky failure, then fails `submissions` and everything still queued.
    private func fail(_ error: StorageError, alsoCompleting submissions: [Submission]) {
        let queued = shared.withLock { shared -> [Submission] in
            shared.failure = shared.failure ?? error
            defer { shared.queue.removeAll() }
            return shared.queue
        }
        for submission in submissions { submission.completion(.failure(error)) }
        for submission in queued { submission.completion(.failure(error)) }
    }
}
