// Immutable bytes shared by many connections' output queues without copying (one encoded
// notification written to N sockets). Invariant: the memory is written only inside `init`.
import Glibc

/// An immutable, reference-counted byte buffer with a stable address, so `writev` can point
/// straight at it from any number of `OutboundBuffer`s on any loop.
///
/// `@unchecked Sendable` is safe: the storage is allocated and fully written during `init`,
/// never mutated afterwards (all stored properties are `let` and no API hands out a mutable
/// pointer), and freed only in `deinit` when no reference remains; concurrent reads of
/// immutable memory need no synchronisation.
public final class SharedBytes: @unchecked Sendable {
    /// Start of the bytes; valid and immutable for the object's lifetime.
    let base: UnsafeRawPointer
    /// Number of bytes.
    public let count: Int

    /// Copies `bytes`. O(n).
    public init(copying bytes: UnsafeRawBufferPointer) {
        let storage = UnsafeMutableRawPointer.allocate(byteCount: max(bytes.count, 1), alignment: 16)
        if let source = bytes.baseAddress, bytes.count > 0 {
            storage.copyMemory(from: source, byteCount: bytes.count)
        }
        base = UnsafeRawPointer(storage)
        count = bytes.count
    }

    /// Copies the array's bytes. O(n).
    public convenience init(_ bytes: [UInt8]) {
        self.init(capacity: bytes.count) { destination in
            bytes.withUnsafeBytes { destination.copyMemory(from: $0) }
            return bytes.count
        }
    }

    /// Lets an encoder write directly into fresh storage of `capacity` bytes; `body` returns
    /// how many bytes it initialised (0...capacity), which becomes `count`.
    public init(capacity: Int, initializingWith body: (UnsafeMutableRawBufferPointer) -> Int) {
        precondition(capacity >= 0, "negative capacity")
        let storage = UnsafeMutableRawPointer.allocate(byteCount: max(capacity, 1), alignment: 16)
        let written = body(UnsafeMutableRawBufferPointer(start: storage, count: capacity))
        precondition(written >= 0 && written <= capacity, "initializer reported \(written) of \(capacity) bytes")
        base = UnsafeRawPointer(storage)
        count = written
    }

    deinit { UnsafeMutableRawPointer(mutating: base).deallocate() }

    /// Read access to the bytes for the duration of `body`.
    public func withUnsafeBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        try body(UnsafeRawBufferPointer(start: base, count: count))
    }
}
