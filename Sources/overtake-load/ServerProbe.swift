// Reads the server's side of a run from outside: resident memory and CPU time from /proc, and
// the Prometheus counters from GET /metrics (a blocking request on the orchestrating thread,
// never on a loop). Every reading is optional: a missing pid or endpoint yields nil.
import Glibc

/// The server's processes (one gateway, or nginx's master and workers): readings are summed.
struct ServerProcesses: Equatable {
    var pids: [Int32]

    /// Parses `--server-pid PID[,PID…]`.
    static func parse(_ text: String) throws(LoadOptionError) -> ServerProcesses {
        let pids = text.split(separator: ",").map { Int32($0) }
        guard !pids.isEmpty, pids.allSatisfy({ ($0 ?? 0) > 0 }) else {
            throw .invalid(option: "server-pid", value: text, expected: "PID[,PID…]")
        }
        return ServerProcesses(pids: pids.compactMap { $0 })
    }

    /// Summed VmRSS in KiB; nil if any process is gone.
    func residentKilobytes() -> Int? {
        var total = 0
        for pid in pids {
            guard let kb = ServerProbe.residentKilobytes(pid: pid) else { return nil }
            total += kb
        }
        return total
    }

    /// Summed CPU seconds; nil if any process is gone.
    func cpuSeconds() -> Double? {
        var total = 0.0
        for pid in pids {
            guard let s = ServerProbe.cpuSeconds(pid: pid) else { return nil }
            total += s
        }
        return total
    }
}

enum ServerProbe {
    /// VmRSS of `pid` in KiB (`/proc/<pid>/status`).
    static func residentKilobytes(pid: Int32) -> Int? {
        guard let text = readText("/proc/\(pid)/status") else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            return Int(line.dropFirst(6).filter { $0.isNumber })
        }
        return nil
    }

    /// User + system CPU seconds used by `pid` so far (`/proc/<pid>/stat` fields 14 and 15).
    static func cpuSeconds(pid: Int32) -> Double? {
        guard let text = readText("/proc/\(pid)/stat"), let close = text.lastIndex(of: ")") else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        // After the command name: state is field 3, so utime (14) and stime (15) are at 11 and 12.
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// The 1-minute load average (`/proc/loadavg`).
    static func loadAverage() -> String {
        readText("/proc/loadavg").map { $0.split(separator: " ").prefix(3).joined(separator: " ") } ?? "?"
    }

    /// `GET /metrics`, parsed into `name{labels}` → value (comments and histograms' buckets kept
    /// as they are). Nil when the request fails.
    static func metrics(_ target: LoadTarget) -> [String: Double]? {
        guard let text = httpGet(target, path: "/metrics") else { return nil }
        var values: [String: Double] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { continue }
            values[String(line[..<space])] = value
        }
        return values
    }

    /// A blocking `GET path` with `Connection: close`; the body as text, nil on any failure.
    static func httpGet(_ target: LoadTarget, path: String) -> String? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        defer { Glibc.close(fd) }
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        _ = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = target.port.bigEndian
        guard inet_pton(AF_INET, target.host, &address.sin_addr) == 1 else { return nil }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { return nil }
        let request = Array("GET \(path) HTTP/1.1\r\nHost: \(target.authority)\r\nConnection: close\r\n\r\n".utf8)
        guard request.withUnsafeBytes({ send(fd, $0.baseAddress, $0.count, 0) }) == request.count else { return nil }
        var response: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            response += chunk[0..<n]
        }
        let head = response.withUnsafeBytes { try? HTTPResponseHead.parse($0) }
        guard let head = head ?? nil, head.status == 200 else { return nil }
        return String(decoding: response[head.length...], as: UTF8.self)
    }

    /// A small file's contents (procfs files report size 0, so read until EOF).
    static func readText(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { Glibc.close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 { return nil }
            if n == 0 { break }
            bytes += chunk[0..<n]
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
