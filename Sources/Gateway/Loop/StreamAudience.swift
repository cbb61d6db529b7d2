// The sessions of one spectated stream on a loop, and where the pass that brings them its new
// diffs stands. A tick costs the loop one log append and at most one queued pass per stream,
// whatever the number of spectators; the pass then pumps the sessions a slice per loop
// iteration (LoopContext.pumpSpectatorSlice). `Member` is PushSession, generic only so that
// tests need no connections. Owned by the loop.

final class StreamAudience<Member: AnyObject> {
    private(set) var sessions: [Member] = []
    /// The next session of the queued pass; nil when no pass is queued.
    private var next: Int?
    /// New diffs arrived after the pass had started: run it again for the sessions it passed.
    private var again = false

    var isEmpty: Bool { sessions.isEmpty }

    func add(_ session: Member) { sessions.append(session) }

    func remove(_ session: Member) {
        guard let index = sessions.firstIndex(where: { $0 === session }) else { return }
        sessions.remove(at: index)
        if let n = next, index < n { next = n - 1 }
    }

    /// A diff arrived; returns whether the stream's pass must be queued (none is).
    func diffArrived() -> Bool {
        guard let n = next else {
            next = 0
            return true
        }
        if n > 0 { again = true }
        return false
    }

    /// The next session of the pass, nil when the pass reached the end.
    func nextSession() -> Member? {
        guard let n = next, n < sessions.count else { return nil }
        next = n + 1
        return sessions[n]
    }

    /// Ends the pass; returns whether it must run again (and has restarted).
    func finishPass() -> Bool {
        if again {
            again = false
            next = 0
            return true
        }
        next = nil
        return false
    }
}
