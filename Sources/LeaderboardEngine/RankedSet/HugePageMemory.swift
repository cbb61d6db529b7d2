// Large engine allocations backed by transparent huge pages where the kernel offers them. The
// engine's big structures (node slabs, dense member tables) are read at random, so with 4 KiB
// pages nearly every access of a large set also misses the TLB; 2 MiB pages remove most of those
// page walks. Falls back silently to ordinary pages (THP off, or `madvise` refused).
import Glibc

/// Allocation helpers for large blocks. Blocks are released with `deallocate()` (plain `free`).
enum HugePageMemory {
    /// The x86-64 / arm64 transparent huge page size.
    static let pageBytes = 2 << 20

    /// A block of `byteCount` bytes aligned to a huge page, advised for huge pages. For blocks of
    /// at least one huge page; smaller requests get ordinary 64-byte-aligned memory.
    static func allocate(byteCount: Int) -> UnsafeMutableRawPointer {
        guard byteCount >= pageBytes else { return .allocate(byteCount: byteCount, alignment: 64) }
        var block: UnsafeMutableRawPointer?
        guard posix_memalign(&block, pageBytes, byteCount) == 0, let block else {
            return .allocate(byteCount: byteCount, alignment: 64)
        }
        advise(block, byteCount: byteCount)
        return block
    }

    /// Asks for huge pages on the whole huge pages inside `[start, start + byteCount)`.
    static func advise(_ start: UnsafeMutableRawPointer, byteCount: Int) {
        let lower = (Int(bitPattern: start) + pageBytes - 1) & ~(pageBytes - 1)
        let upper = (Int(bitPattern: start) + byteCount) & ~(pageBytes - 1)
        guard upper > lower, let aligned = UnsafeMutableRawPointer(bitPattern: lower) else { return }
        _ = madvise(aligned, upper - lower, MADV_HUGEPAGE)
    }
}
