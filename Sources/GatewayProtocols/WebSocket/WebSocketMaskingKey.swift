// The 4-byte masking key of RFC 6455 §5.3 and the XOR that applies it, 8 bytes per step.
// Invariant: masking is its own inverse; `phase` (0–3) is the key byte for the first payload byte.

/// A frame's masking key. Clients must draw it from a strong random source (RFC 6455 §5.3);
/// this type never generates one, the caller injects it.
public struct WebSocketMaskingKey: Sendable, Equatable {
    /// Key bytes in wire order.
    public var bytes: (UInt8, UInt8, UInt8, UInt8)

    public init(_ b0: UInt8, _ b1: UInt8, _ b2: UInt8, _ b3: UInt8) {
        bytes = (b0, b1, b2, b3)
    }

    public static func == (lhs: WebSocketMaskingKey, rhs: WebSocketMaskingKey) -> Bool {
        lhs.bytes == rhs.bytes
    }

    /// Key byte `index & 3`.
    @inline(__always)
    func byte(_ index: Int) -> UInt8 {
        switch index & 3 {
        case 0: return bytes.0
        case 1: return bytes.1
        case 2: return bytes.2
        default: return bytes.3
        }
    }

    /// XORs `buffer` in place with the key stream starting at key byte `phase` (0-based, the
    /// position of `buffer[0]` within the frame payload modulo 4). Returns the phase for the
    /// byte after `buffer`. Complexity O(n), 8 bytes per step with unaligned word access.
    @discardableResult
    public func apply(to buffer: UnsafeMutableRawBufferPointer, phase: Int) -> Int {
        let count = buffer.count
        guard count > 0, let base = buffer.baseAddress else { return phase & 3 }
        // The key stream repeats every 4 bytes, so one 8-byte word holds two periods starting
        // at `phase`; building it byte-wise in memory keeps it independent of endianness.
        var pattern: UInt64 = 0
        withUnsafeMutableBytes(of: &pattern) { word in
            for index in 0..<8 { word[index] = byte(phase + index) }
        }
        var offset = 0
        while offset + 8 <= count {
            let word = base.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            base.storeBytes(of: word ^ pattern, toByteOffset: offset, as: UInt64.self)
            offset += 8
        }
        while offset < count {
            buffer[offset] ^= byte(phase + offset)
            offset += 1
        }
        return (phase + count) & 3
    }
}
