// `storage`: the durable engine's figures. Codec rates (WAL operations, engine snapshots), group
// commit with fsync per batch at several tick windows, and recovery time (snapshot + tail vs the
// whole log). Single process, release build; files under --dir (default /tmp), removed afterwards.
import Glibc

struct StorageBenchmark {
    let options: BenchOptions

    func run() {
        let root = options.string("dir", "/tmp") + "/overtake-bench-storage-\(getpid())"
        print("files under \(root)")
        let parts = options.string("parts", "codec,commit,recovery").split(separator: ",").map(String.init)
        if parts.contains("codec") { CodecBenchmark(options: options).run() }
        if parts.contains("commit") { GroupCommitBenchmark(options: options, root: root + "/commit").run() }
        if parts.contains("recovery") { RecoveryBenchmark(options: options, root: root + "/recovery").run() }
        removeTree(root)
    }
}

/// `rm -rf` for the benchmark's own directories.
func removeTree(_ path: String) {
    guard let directory = opendir(path) else {
        unlink(path)
        return
    }
    var names: [String] = []
    while let entry = readdir(directory) {
        let name = withUnsafePointer(to: &entry.pointee.d_name) {
            $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
        }
        if name != "." && name != ".." { names.append(name) }
    }
    closedir(directory)
    for name in names { removeTree(path + "/" + name) }
    rmdir(path)
}
