// Files under the static directory (the browser pages), served at `/` with their content types.
// Paths are resolved segment by segment from the decoded URL: no "..", no hidden files, no NUL,
// so nothing outside the directory is reachable. Small files are cached and re-read when they
// change. Thread-safe: the cache is behind a mutex (pages are off the hot path).
import Glibc
import Synchronization

final class StaticFiles: Sendable {
    struct File: Sendable {
        var bytes: [UInt8]
        var contentType: String
        var modified: Int
        var size: Int
    }

    let root: String
    private let cache = Mutex<[String: File]>([:])
    static let maxCachedBytes = 4 << 20

    init(root: String) { self.root = root }

    static func contentType(for path: String) -> String {
        let ext = path.split(separator: ".").last.map { $0.lowercased() } ?? ""
        switch ext {
        case "html", "htm": return "text/html; charset=utf-8"
        case "css": return "text/css; charset=utf-8"
        case "js", "mjs": return "text/javascript; charset=utf-8"
        case "json": return "application/json"
        case "svg": return "image/svg+xml"
        case "png": return "image/png"
        case "jpg", "jpeg": return "image/jpeg"
        case "ico": return "image/x-icon"
        case "txt": return "text/plain; charset=utf-8"
        case "webmanifest": return "application/manifest+json"
        case "yaml", "yml": return "application/yaml"
        default: return "application/octet-stream"
        }
    }

    /// The file for URL path segments (already percent-decoded), or nil when it is not served.
    func file(segments: [String]) -> File? {
        for s in segments where s.isEmpty || s.hasPrefix(".") || s.contains("/") || s.utf8.contains(0) { return nil }
        var path = root
        for s in segments { path += "/" + s }
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            path += "/index.html"
            guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        let modified = Int(info.st_mtim.tv_sec) * 1_000_000_000 + Int(info.st_mtim.tv_nsec)
        let size = Int(info.st_size)
        if let hit = cache.withLock({ $0[path] }), hit.modified == modified, hit.size == size { return hit }
        guard let bytes = Self.read(path, size: size) else { return nil }
        let file = File(bytes: bytes, contentType: Self.contentType(for: path), modified: modified, size: size)
        if size <= Self.maxCachedBytes { cache.withLock { $0[path] = file } }
        return file
    }

    private static func read(_ path: String, size: Int) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes = [UInt8](repeating: 0, count: size)
        var offset = 0
        while offset < size {
            let n = bytes.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + offset, size - offset) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            offset += n
        }
        return offset == size ? bytes : nil
    }
}
