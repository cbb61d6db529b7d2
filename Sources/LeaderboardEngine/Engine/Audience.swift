// The players worth computing notifications for: those with a live connection or a recent
// session whose resume buffer is kept. A bitset over player indices; owned by the engine thread.

public struct Audience: Sendable, Equatable {
    private var words: [UInt64] = []
    public private(set) var count = 0

    public init() {}

    @inline(__always)
    public func contains(_ player: PlayerIndex) -> Bool {
        let w = Int(player >> 6)
        return w < words.count && words[w] & (1 << UInt64(player & 63)) != 0
    }

    public mutating func insert(_ player: PlayerIndex) {
        let w = Int(player >> 6)
        if w >= words.count { words.append(contentsOf: repeatElement(0, count: w - words.count + 1)) }
        let bit: UInt64 = 1 << UInt64(player & 63)
        if words[w] & bit == 0 { count += 1 }
        words[w] |= bit
    }

    public mutating func remove(_ player: PlayerIndex) {
        let w = Int(player >> 6)
        guard w < words.count else { return }
        let bit: UInt64 = 1 << UInt64(player & 63)
        if words[w] & bit != 0 { count -= 1 }
        words[w] &= ~bit
    }
}
