// Replayable randomness for property tests: SplitMix64 seeded from OVERTAKE_SEED when set,
// otherwise from the system generator. Tests print the seed so any failure can be replayed.
import Glibc

public struct SeededRandom: RandomNumberGenerator {
    public let seed: UInt64
    private var state: UInt64

    public init(seed: UInt64) {
        self.seed = seed
        state = seed
    }

    /// A generator seeded from `OVERTAKE_SEED` (decimal) if set, else randomly; prints the seed.
    public init(label: String) {
        let seed: UInt64
        if let text = getenv("OVERTAKE_SEED"), let value = UInt64(String(cString: text)) {
            seed = value
        } else {
            seed = UInt64.random(in: 1...UInt64.max)
        }
        print("[\(label)] seed=\(seed) (replay with OVERTAKE_SEED=\(seed))")
        self.init(seed: seed)
    }

    /// `count` random bytes.
    public mutating func bytes(_ count: Int) -> [UInt8] {
        (0..<count).map { _ in UInt8.random(in: 0...255, using: &self) }
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
