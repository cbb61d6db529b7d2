// ConstantTime.isEqual: correct answers for equal, different and differently sized inputs.
import Testing
@testable import GatewayProtocols

struct CryptoConstantTimeTests {
    @Test func equalBytesCompareEqual() {
        #expect(ConstantTime.isEqual([1, 2, 3], [1, 2, 3]))
        #expect(ConstantTime.isEqual([], []))
    }

    @Test(arguments: [0, 15, 31])
    func aSingleDifferentBitAnywhereMakesThemUnequal(position: Int) {
        let a = [UInt8](repeating: 0x5A, count: 32)
        var b = a
        b[position] ^= 0x01
        #expect(!ConstantTime.isEqual(a, b))
    }

    @Test func differentLengthsAreUnequal() {
        #expect(!ConstantTime.isEqual([1, 2, 3], [1, 2]))
        #expect(!ConstantTime.isEqual([], [0]))
    }
}
