// The gateway when its write-ahead log fails underneath it: the batch that could not be made
// durable is answered 503 `storage_failed` (its notifications were already sent under
// `push.notify_when = applied`, and are never sent under `durable`), and from then on
// every engine request is refused with the same code (fail-stop: memory may hold that batch),
// while /readyz reports `failed`. The failure is real: the log segment's descriptor is pointed
// at /dev/full, so the next write gets ENOSPC as on a full disk.
import Glibc
import Testing
import Gateway
import LeaderboardEngine
import TestSupport

@Suite(.serialized) struct GatewayStorageFailureTests {
    /// Points every open descriptor of a log segment under `directory` at /dev/full.
    private func fillDisk(under directory: String) -> Int {
        let full = open("/dev/full", O_WRONLY)
        guard full >= 0 else { return 0 }
        defer { close(full) }
        var redirected = 0
        guard let dir = opendir("/proc/self/fd") else { return 0 }
        defer { closedir(dir) }
        var targets: [Int32] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            guard let fd = Int32(name) else { continue }
            var buffer = [CChar](repeating: 0, count: 4096)
            let n = readlink("/proc/self/fd/\(fd)", &buffer, buffer.count - 1)
            guard n > 0 else { continue }
            let path = String(decoding: buffer[..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if path.hasPrefix(directory), path.hasSuffix(".log"), path.contains("/wal-") { targets.append(fd) }
        }
        for fd in targets where dup2(full, fd) == fd { redirected += 1 }
        return redirected
    }

    @Test(arguments: [GatewayConfiguration.NotifyWhen.durable, .applied])
    func aFailedLogWriteIsAnswered503AndLaterWritesAreRefused(notifyWhen: GatewayConfiguration.NotifyWhen) throws {
        let h = GatewayHarness(boards: [BoardDefinition(id: "s", windows: [.alltime], scopes: [.global])]) {
            $0.push.notifyWhen = notifyWhen
        }
        try h.start()
        #expect(h.post([("s", "ann", 10)])?.status == 200)
        let spectator = try #require(SSETestClient(port: h.port, path: "/v1/boards/s/alltime/stream"))
        #expect(spectator.next()?.type == "snapshot")
        let sentBefore = spectatorMessagesSent(h)
        #expect(sentBefore != nil)
        #expect(fillDisk(under: h.directory) > 0)

        let failed = try #require(h.post([("s", "bob", 20)]))
        #expect(failed.status == 503)
        #expect(json(failed.text)?["error"]?["code"]?.stringValue == "storage_failed", "\(failed.text)")
        #expect(failed.text.contains("not durable"), "the failed tick itself is answered: \(failed.text)")
        let later = try #require(h.post([("s", "cat", 30)]))
        #expect(later.status == 503)
        #expect(json(later.text)?["error"]?["code"]?.stringValue == "storage_failed", "\(later.text)")

        // Reads are refused too, and the gateway reports itself not ready. Under `durable` no
        // spectator message left after the snapshot (the failed batch's diff was withheld); under
        // `applied` exactly that diff left when the batch was applied, before its write failed.
        let read = h.client().request("GET", "/v1/boards/s/alltime/top?limit=10")
        #expect(read?.status == 503 && json(read?.text)?["error"]?["code"]?.stringValue == "storage_failed")
        #expect(read?.header("Retry-After") == nil)
        let ready = h.client().request("GET", "/readyz")
        #expect(ready?.status == 503 && json(ready?.text)?["status"]?.stringValue == "failed", "\(ready?.text ?? "")")
        switch notifyWhen {
        case .durable:
            #expect(spectatorMessagesSent(h) == sentBefore)
        case .applied:
            let diff = try #require(spectator.next())
            #expect(diff.type == "board" && diff.data.contains("\"bob\""), "\(diff.data)")
            #expect(spectatorMessagesSent(h) == sentBefore.map { $0 + 1 })
        }
        withExtendedLifetime(spectator) {}
    }

    /// `overtake_notifications_sent_total{priority="p3"}` (spectator messages written).
    private func spectatorMessagesSent(_ h: GatewayHarness) -> Int? {
        let text = h.client().request("GET", "/metrics")?.text ?? ""
        let line = text.split(separator: "\n").first { $0.hasPrefix("overtake_notifications_sent_total{priority=\"p3\"}") }
        return line.flatMap { Int($0.split(separator: " ").last ?? "") }
    }
}
