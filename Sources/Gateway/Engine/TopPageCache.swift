// First pages of rankings (GET …/top with offset 0 and no cursor), encoded once by the engine
// thread and read by every I/O loop, so a hit costs a lock and a lookup instead of two thread
// hops. Invariant: only the engine thread stores and clears, and it clears whenever rankings
// change (applied batch, mutation, rotation) before any reply of that change leaves.
import GatewayNet
import LeaderboardEngine
import Synchronization

/// What identifies a cached first page.
struct TopPageKey: Hashable, Sendable {
    var board: String
    var window: String
    /// nil for the global scope.
    var region: String?
    var limit: Int

    init(board: String, window: String, scope: ScopeQuery, limit: Int) {
        self.board = board
        self.window = window
        if case let .region(r) = scope { region = r } else { region = nil }
        self.limit = limit
    }

    /// The key of a cacheable request (a first page without cursor), else nil.
    init?(_ request: EngineRequest) {
        guard case let .top(board, window, scope, limit, offset, cursor) = request, offset == 0, cursor == nil else { return nil }
        self.init(board: board, window: window, scope: scope, limit: limit)
    }
}

/// A cached first page: its JSON body in shared memory, so every connection that answers with
/// it queues a reference instead of copying the body (twice) per request.
struct TopPage: Sendable {
    let body: SharedBytes
}

final class TopPageCache: Sendable {
    /// Entries kept at most; reaching it empties the cache (keys come from query strings).
    static let capacity = 4096
    private let pages = Mutex<[TopPageKey: TopPage]>([:])

    /// The cached answer for `key`. Any thread.
    func page(_ key: TopPageKey) -> TopPage? {
        pages.withLock { $0[key] }
    }

    /// Engine thread only: remembers the body of a 200 answer built from the current state.
    func store(_ reply: HTTPReply, for key: TopPageKey) {
        let page = TopPage(body: SharedBytes(reply.body))
        pages.withLock { pages in
            if pages.count >= Self.capacity { pages.removeAll(keepingCapacity: true) }
            pages[key] = page
        }
    }

    /// Engine thread only: rankings changed.
    func removeAll() {
        pages.withLock { pages in
            if !pages.isEmpty { pages.removeAll(keepingCapacity: true) }
        }
    }
}
