// overtake: the gateway executable. Loads the configuration (config.json, OVERTAKE_* variables,
// flags), starts the gateway, and shuts down gracefully on SIGTERM or SIGINT.
import Gateway
import Glibc

func readFile(_ path: String) -> [UInt8]? {
    guard let f = fopen(path, "rb") else { return nil }
    defer { fclose(f) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = fread(&chunk, 1, chunk.count, f)
        if n > 0 { bytes.append(contentsOf: chunk[0..<n]) }
        if n < chunk.count { break }
    }
    return bytes
}

var environment: [String: String] = [:]
var entry = environ
while let pointer = entry.pointee {
    let text = String(cString: pointer)
    if let eq = text.firstIndex(of: "=") { environment[String(text[..<eq])] = String(text[text.index(after: eq)...]) }
    entry += 1
}

let loaded: GatewayConfiguration.LoadResult
do {
    loaded = try GatewayConfiguration.load(arguments: Array(CommandLine.arguments.dropFirst()), environment: environment, readFile: readFile)
} catch {
    fputs("overtake: configuration error: \(error)\n", stderr)
    exit(2)
}
if loaded.helpRequested {
    print(GatewayConfiguration.help)
    exit(0)
}

// Signals are handled synchronously below: block them in every thread before any is started.
var signals = sigset_t()
sigemptyset(&signals)
sigaddset(&signals, SIGTERM)
sigaddset(&signals, SIGINT)
pthread_sigmask(SIG_BLOCK, &signals, nil)
signal(SIGPIPE, SIG_IGN)

let gateway = Gateway(configuration: loaded.configuration)
do {
    try gateway.start()
} catch {
    fputs("overtake: \(error)\n", stderr)
    exit(1)
}
if let file = loaded.file { fputs("overtake: configuration from \(file)\n", stderr) }
var received: Int32 = 0
sigwait(&signals, &received)
gateway.shutdown()
exit(gateway.hasFailed ? 1 : 0)
