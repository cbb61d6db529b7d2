// Bounds-checked little-endian decoder over borrowed memory: the counterpart of ByteWriter.
// Invariant: 0 <= offset <= buffer.count; a failed read throws and leaves offset unchanged.

/// Why a read failed. `offset` is the reader position (0-based) where the failing value starts.
public enum ByteReaderError: Error, Sendable, Equatable {
    /// The value needs `needed` bytes, only `available` remain.
    case truncated(offset: Int, needed: Int, available: Int)
    /// A varint longer than 10 bytes, or whose 10th byte carries more than the top bit of 64.
    case varintOverflow(offset: Int)
    /// A length prefix larger than the caller's limit (checked before anything is read).
    case lengthExceedsLimit(offset: Int, length: UInt64, limit: Int)
    /// A string whose bytes are not valid UTF-8.
    case invalidUTF8(offset: Int)
    /// A boolean byte other than 0 or 1.
    case invalidBool(offset: Int, value: UInt8)
}

/// Reads values written by `ByteWriter` from an `UnsafeRawBufferPointer`.
///
/// The reader borrows the memory: it must not outlive the buffer it was created over (use
/// `ByteReader.read(_:_:)` to scope it to an array). Slices returned by `readBytes` and
/// `readLengthPrefixed` point into that same memory (zero copy).
public struct ByteReader {
    public let buffer: UnsafeRawBufferPointer
    /// Position of the next read, 0-based.
    public private(set) var offset: Int

    public init(_ buffer: UnsafeRawBufferPointer) {
        self.buffer = buffer
        self.offset = 0
    }

    /// Runs `body` with a reader over `bytes`.
    @discardableResult
    public static func read<R, E: Error>(_ bytes: [UInt8], _ body: (inout ByteReader) throws(E) -> R) throws(E) -> R {
        try bytes.withBytes { (raw) throws(E) -> R in
            var reader = ByteReader(raw)
            return try body(&reader)
        }
    }

    public var remaining: Int { buffer.count - offset }
    public var isAtEnd: Bool { offset == buffer.count }

    @inline(__always)
    private func require(_ needed: Int) throws(ByteReaderError) {
        if needed > buffer.count - offset {
            throw .truncated(offset: offset, needed: needed, available: buffer.count - offset)
        }
    }

    @inline(__always)
    private mutating func readFixed<T: FixedWidthInteger>(_: T.Type) throws(ByteReaderError) -> T {
        try require(MemoryLayout<T>.size)
        let value = T(littleEndian: buffer.loadUnaligned(fromByteOffset: offset, as: T.self))
        offset += MemoryLayout<T>.size
        return value
    }

    public mutating func readUInt8() throws(ByteReaderError) -> UInt8 {
        try require(1)
        defer { offset += 1 }
        return buffer[offset]
    }

    public mutating func readUInt16() throws(ByteReaderError) -> UInt16 { try readFixed(UInt16.self) }
    public mutating func readUInt32() throws(ByteReaderError) -> UInt32 { try readFixed(UInt32.self) }
    public mutating func readUInt64() throws(ByteReaderError) -> UInt64 { try readFixed(UInt64.self) }
    public mutating func readInt32() throws(ByteReaderError) -> Int32 { try readFixed(Int32.self) }
    public mutating func readInt64() throws(ByteReaderError) -> Int64 { try readFixed(Int64.self) }

    public mutating func readBool() throws(ByteReaderError) -> Bool {
        let start = offset
        let value = try readUInt8()
        guard value <= 1 else {
            offset = start
            throw .invalidBool(offset: start, value: value)
        }
        return value == 1
    }

    /// Unsigned LEB128 (at most 10 bytes). Inlined: it is the inner loop of WAL and snapshot decoding.
    @inline(__always)
    public mutating func readVarUInt() throws(ByteReaderError) -> UInt64 {
        let start = offset
        var result: UInt64 = 0
        var shift: UInt64 = 0
        var position = offset
        while true {
            guard position < buffer.count else {
                throw .truncated(offset: start, needed: position - start + 1, available: buffer.count - start)
            }
            let byte = buffer[position]
            position += 1
            if shift == 63 && byte > 1 { throw .varintOverflow(offset: start) }
            result |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { break }
            shift += 7
        }
        offset = position
        return result
    }

    /// Zig-zag LEB128.
    public mutating func readVarInt() throws(ByteReaderError) -> Int64 {
        let raw = try readVarUInt()
        return Int64(bitPattern: (raw >> 1) ^ (0 &- (raw & 1)))
    }

    /// The next `count` bytes, zero copy.
    public mutating func readBytes(count: Int) throws(ByteReaderError) -> UnsafeRawBufferPointer {
        precondition(count >= 0, "negative byte count")
        try require(count)
        defer { offset += count }
        return UnsafeRawBufferPointer(rebasing: buffer[offset..<offset + count])
    }

    /// Skips `count` bytes.
    public mutating func skip(_ count: Int) throws(ByteReaderError) {
        precondition(count >= 0, "negative byte count")
        try require(count)
        offset += count
    }

    /// A varuint length (at most `maxLength`), then that many bytes, zero copy.
    public mutating func readLengthPrefixed(maxLength: Int = Int(Int32.max)) throws(ByteReaderError) -> UnsafeRawBufferPointer {
        let start = offset
        let length = try readVarUInt()
        guard length <= UInt64(maxLength) else {
            offset = start
            throw .lengthExceedsLimit(offset: start, length: length, limit: maxLength)
        }
        guard Int(length) <= remaining else {
            let needed = offset - start + Int(length)
            offset = start
            throw .truncated(offset: start, needed: needed, available: buffer.count - start)
        }
        return try readBytes(count: Int(length))
    }

    /// A length-prefixed UTF-8 string of at most `maxBytes` bytes, validated.
    public mutating func readString(maxBytes: Int = 1 << 20) throws(ByteReaderError) -> String {
        let start = offset
        let raw = try readLengthPrefixed(maxLength: maxBytes)
        guard let string = String(validating: raw, as: UTF8.self) else {
            offset = start
            throw .invalidUTF8(offset: start)
        }
        return string
    }
}
