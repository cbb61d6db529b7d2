// A small social population for engine tests: players p0… in three regions, all online, every
// fourth watching a board's all-time rank, and chains of friends (p0–p1–…–p4, p5–…–p9, …).
@testable import LeaderboardEngine

extension LeaderboardEngine {
    func addTestPlayers(_ count: Int, watching board: String) throws {
        for p in 0..<count {
            try updatePlayer("p\(p)", region: "r\(p % 3)", displayName: nil)
            try setInAudience("p\(p)", true)
            if p % 4 == 0 { try setWatching("p\(p)", board: board, window: .alltime, true) }
        }
        for p in 0..<count where p % 5 != 4 { _ = try addFriends("p\(p)", "p\(p + 1)") }
    }
}
