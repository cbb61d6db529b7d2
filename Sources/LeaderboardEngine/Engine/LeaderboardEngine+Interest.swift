// Personal-notification interest: which (board, window, scope kind) sets anyone subscribed to.
// With `filtersPersonal` set, the detector skips movers, victims and top-line crossings in the
// other sets, so a board with four windows whose clients follow one costs the detector, the
// encoder and the resume buffers a quarter. Spectator diffs are not affected.

extension ScopeKind {
    /// Bit of this kind in an interest mask.
    var interestBit: UInt8 {
        switch self {
        case .global: 1
        case .region: 2
        case .friends: 4
        }
    }
}

extension LeaderboardEngine {
    /// Marks whether anyone wants personal notifications for (board, window, scope kind).
    public func setPersonalInterest(board: BoardIndex, window: WindowKind, scope: ScopeKind, _ on: Bool) {
        let b = Int(board), w = Int(window.code)
        while personalInterest.count <= b { personalInterest.append([0, 0, 0, 0]) }
        if on {
            personalInterest[b][w] |= scope.interestBit
        } else {
            personalInterest[b][w] &= ~scope.interestBit
        }
    }

    /// Whether personal notifications are computed for (board, window, scope kind).
    public func hasPersonalInterest(board: BoardIndex, window: WindowKind, scope: ScopeKind) -> Bool {
        personalMask(board, window) & scope.interestBit != 0
    }

    /// The scope kinds personal notifications are computed for in one board window.
    @inline(__always)
    func personalMask(_ board: BoardIndex, _ window: WindowKind) -> UInt8 {
        guard filtersPersonal else { return 7 }
        let b = Int(board)
        return b < personalInterest.count ? personalInterest[b][Int(window.code)] : 0
    }
}
