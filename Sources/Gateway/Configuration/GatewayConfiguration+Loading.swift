// Loading the configuration: defaults ← config file ← OVERTAKE_* environment ← command-line
// flags. Unknown keys, unknown flags and bad values fail with the key path and what was expected.
import GatewayProtocols

extension GatewayConfiguration {
    /// What `load` decided besides the configuration itself.
    public struct LoadResult: Sendable {
        public var configuration: GatewayConfiguration
        /// The file read, if any.
        public var file: String?
        /// `--help` was given: print `GatewayConfiguration.help` and exit.
        public var helpRequested = false
    }

    /// Flags with a short form; everything else goes through `--set key.path=value`.
    static let flagKeys: [(flag: String, key: String)] = [
        ("--port", "listen.port"), ("--host", "listen.host"), ("--data-dir", "data_dir"),
        ("--io-threads", "listen.io_threads"), ("--log-level", "log_level"), ("--static-dir", "static_dir"),
        ("--fsync", "storage.fsync"),
    ]

    /// Builds the configuration. `readFile` returns a file's bytes or nil when it does not exist.
    /// The file is `--config PATH`, else `OVERTAKE_CONFIG`, else `config.json` if present.
    public static func load(arguments: [String], environment: [String: String],
                            readFile: (String) -> [UInt8]?) throws(ConfigurationError) -> LoadResult {
        var result = LoadResult(configuration: GatewayConfiguration())
        var explicitFile: String? = environment["OVERTAKE_CONFIG"]
        var overrides: [(ConfigurationKey, String, String)] = []   // key, text, source
        var i = 0
        while i < arguments.count {
            let arg = arguments[i]
            if arg == "--help" || arg == "-h" {
                result.helpRequested = true
                return result
            }
            guard i + 1 < arguments.count || arg.contains("=") else { throw ConfigurationError(arg, "needs a value") }
            var (name, value) = (arg, "")
            if let eq = arg.firstIndex(of: "="), arg.hasPrefix("--"), !arg.hasPrefix("--set") {
                name = String(arg[..<eq])
                value = String(arg[arg.index(after: eq)...])
                i += 1
            } else {
                value = i + 1 < arguments.count ? arguments[i + 1] : ""
                i += 2
            }
            switch name {
            case "--config": explicitFile = value
            case "--set":
                guard let eq = value.firstIndex(of: "=") else { throw ConfigurationError("--set", "expected key.path=value, got '\(value)'") }
                let path = String(value[..<eq])
                guard let key = ConfigurationSchema.key(path) else { throw ConfigurationError("--set \(path)", "unknown key") }
                overrides.append((key, String(value[value.index(after: eq)...]), "--set \(path)"))
            default:
                guard let mapped = flagKeys.first(where: { $0.flag == name }), let key = ConfigurationSchema.key(mapped.key) else {
                    throw ConfigurationError(name, "unknown flag (see --help)")
                }
                overrides.append((key, value, name))
            }
        }
        let path = explicitFile ?? "config.json"
        if let bytes = readFile(path) {
            result.file = path
            let document: JSONValue
            do { document = try JSONValue(parsing: bytes) } catch { throw ConfigurationError(path, "not valid JSON: \(error)") }
            try apply(document, prefix: "", to: &result.configuration)
        } else if explicitFile != nil {
            throw ConfigurationError(path, "cannot read the configuration file")
        }
        for key in ConfigurationSchema.keys {
            if let text = environment[key.environmentName] {
                do { try key.apply(&result.configuration, key.value(fromText: text)) } catch {
                    throw ConfigurationError("\(key.environmentName) (\(error.path))", error.message)
                }
            }
        }
        for (key, text, source) in overrides {
            do { try key.apply(&result.configuration, key.value(fromText: text)) } catch {
                throw ConfigurationError("\(source) (\(error.path))", error.message)
            }
        }
        try result.configuration.validate()
        return result
    }

    private static func apply(_ value: JSONValue, prefix: String, to c: inout GatewayConfiguration) throws(ConfigurationError) {
        guard case let .object(members) = value else { throw ConfigurationError(prefix.isEmpty ? "(top level)" : prefix, "expected an object") }
        for (name, member) in members {
            let path = prefix.isEmpty ? name : "\(prefix).\(name)"
            if let key = ConfigurationSchema.key(path) {
                try key.apply(&c, member)
            } else if ConfigurationSchema.keys.contains(where: { $0.path.hasPrefix(path + ".") }) {
                try apply(member, prefix: path, to: &c)
            } else {
                throw ConfigurationError(path, "unknown key")
            }
        }
    }

    /// Checks that hold across keys.
    func validate() throws(ConfigurationError) {
        if tls.enabled {
            if tls.certificatePath.isEmpty { throw ConfigurationError("tls.certificate", "is required when tls.enabled is true") }
            if tls.privateKeyPath.isEmpty { throw ConfigurationError("tls.private_key", "is required when tls.enabled is true") }
        }
        if push.softLimitBytes > push.hardLimitBytes {
            throw ConfigurationError("push.soft_limit_bytes", "must not exceed push.hard_limit_bytes")
        }
        if !websocket.path.hasPrefix("/") { throw ConfigurationError("websocket.path", "must start with '/'") }
        if !websocket.echoPath.isEmpty && !websocket.echoPath.hasPrefix("/") {
            throw ConfigurationError("websocket.echo_path", "must start with '/' (or be empty)")
        }
        if auth.internalToken.isEmpty { throw ConfigurationError("auth.internal_token", "must not be empty") }
        if auth.tokenSecret.utf8.count < 16 { throw ConfigurationError("auth.token_secret", "must be at least 16 bytes") }
    }

    /// The `--help` text: usage, flags and every key with its type, default, unit and variable.
    public static var help: String {
        let defaults = GatewayConfiguration()
        var lines = [
            "usage: overtake [--config FILE] [--port N] [--host ADDR] [--data-dir DIR] [--io-threads N]",
            "                [--log-level debug|info|warning|error] [--static-dir DIR] [--fsync always|interval|never]",
            "                [--set key.path=value]… [--help]",
            "",
            "Starts the Overtake gateway. Configuration: defaults, then the JSON file (--config, else",
            "$OVERTAKE_CONFIG, else ./config.json if present), then OVERTAKE_* variables, then flags.",
            "",
            "Keys (type; default; environment variable):",
        ]
        for key in ConfigurationSchema.keys {
            let unit = key.unit.isEmpty ? "" : " [\(key.unit)]"
            lines.append("  \(key.path)\(unit)  \(key.typeDescription); default \(key.current(defaults)); \(key.environmentName)")
            lines.append("      \(key.help)")
        }
        return lines.joined(separator: "\n")
    }
}
