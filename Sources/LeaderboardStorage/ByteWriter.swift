// Little-endian encoder appending to one reusable [UInt8]: fixed-width integers, LEB128 varints,
// zig-zag signed varints and length-prefixed byte strings. The wire counterpart of ByteReader.

/// Appends encoded values to `bytes`. Reuse one writer per thread: `removeAll()` keeps capacity,
/// so steady-state encoding allocates nothing.
///
/// Formats (shared by WAL payloads and snapshots):
/// - fixed integers: little-endian, width of the type;
/// - `writeVarUInt`: unsigned LEB128, 1–10 bytes;
/// - `writeVarInt`: zig-zag then LEB128 (small magnitudes of either sign stay short);
/// - `writeLengthPrefixed` / `writeString`: varuint byte count, then the bytes (UTF-8 for strings).
public struct ByteWriter: Sendable {
    /// The encoded bytes so far.
    public private(set) var bytes: [UInt8]

    public init(reservingCapacity capacity: Int = 256) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// Number of bytes written so far (the offset of the next write, 0-based).
    public var count: Int { bytes.count }

    /// Forgets the content, keeping the allocated capacity.
    public mutating func removeAll() { bytes.removeAll(keepingCapacity: true) }

    public mutating func reserveCapacity(_ capacity: Int) { bytes.reserveCapacity(capacity) }

    @inline(__always)
    public mutating func writeUInt8(_ value: UInt8) { bytes.append(value) }

    @inline(__always)
    public mutating func writeUInt16(_ value: UInt16) { writeFixed(value.littleEndian) }

    @inline(__always)
    public mutating func writeUInt32(_ value: UInt32) { writeFixed(value.littleEndian) }

    @inline(__always)
    public mutating func writeUInt64(_ value: UInt64) { writeFixed(value.littleEndian) }

    @inline(__always)
    public mutating func writeInt32(_ value: Int32) { writeFixed(value.littleEndian) }

    @inline(__always)
    public mutating func writeInt64(_ value: Int64) { writeFixed(value.littleEndian) }

    /// 0 or 1.
    @inline(__always)
    public mutating func writeBool(_ value: Bool) { bytes.append(value ? 1 : 0) }

    /// Unsigned LEB128: 7 bits per byte, high bit set on all but the last byte.
    @inline(__always)
    public mutating func writeVarUInt(_ value: UInt64) {
        var remaining = value
        while remaining >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: remaining) | 0x80)
            remaining >>= 7
        }
        bytes.append(UInt8(truncatingIfNeeded: remaining))
    }

    /// Zig-zag (0, -1, 1, -2, … → 0, 1, 2, 3, …) then LEB128.
    @inline(__always)
    public mutating func writeVarInt(_ value: Int64) {
        writeVarUInt(UInt64(bitPattern: (value << 1) ^ (value >> 63)))
    }

    /// Raw bytes, no prefix.
    public mutating func writeBytes(_ source: UnsafeRawBufferPointer) {
        bytes.append(contentsOf: source)
    }

    /// Raw bytes, no prefix.
    public mutating func writeBytes(_ source: [UInt8]) { bytes.append(contentsOf: source) }

    /// Varuint length, then the bytes.
    public mutating func writeLengthPrefixed(_ source: UnsafeRawBufferPointer) {
        writeVarUInt(UInt64(source.count))
        bytes.append(contentsOf: source)
    }

    /// Varuint length, then the bytes.
    public mutating func writeLengthPrefixed(_ source: [UInt8]) {
        writeVarUInt(UInt64(source.count))
        bytes.append(contentsOf: source)
    }

    /// Varuint UTF-8 byte count, then the UTF-8 bytes.
    public mutating func writeString(_ string: String) {
        var string = string
        string.withUTF8 { utf8 in
            writeVarUInt(UInt64(utf8.count))
            bytes.append(contentsOf: utf8)
        }
    }

    /// Appends a zero UInt32 placeholder and returns its offset, for lengths known only later.
    public mutating func reserveUInt32() -> Int {
        let offset = bytes.count
        writeUInt32(0)
        return offset
    }

    /// Overwrites 4 bytes at `offset` (0-based) with `value`, little-endian.
    /// - Precondition: `offset + 4 <= count` (a programmer error otherwise).
    public mutating func patchUInt32(_ value: UInt32, at offset: Int) {
        precondition(offset >= 0 && offset + 4 <= bytes.count, "patch outside the written bytes")
        bytes.withUnsafeMutableBytes { $0.storeBytes(of: value.littleEndian, toByteOffset: offset, as: UInt32.self) }
    }

    @inline(__always)
    private mutating func writeFixed<T: FixedWidthInteger>(_ littleEndianValue: T) {
        withUnsafeBytes(of: littleEndianValue) { bytes.append(contentsOf: $0) }
    }
}
