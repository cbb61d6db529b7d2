// overtake: the gateway executable. Loads the configuration (config.json, OVERTAKE_* variables,
// flags), starts the gateway, and shuts down gracefully on SIGTERM or SIGINT.
import Gateway
import Glibc

/// Writes a line to standard error with one write(2).
func printError(_ text: String) {
    var line = text + "\n"
    line.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
}

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
    printError("overtake: configuration error: \(error)")
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
    printError("overtake: \(error)")
    exit(1)
}
if let file = loaded.file { printError("overtake: configuration from \(file)") }
var received: Int32 = 0
sigwait(&signals, &received)
gateway.shutdown()
exit(gateway.hasFailed ? 1 : 0)
