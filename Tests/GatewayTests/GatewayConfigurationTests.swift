// Configuration loading: file, environment and flag layering, errors that name the key path, and
// the README documenting every key.
import Testing
import Glibc
@testable import Gateway
import GatewayProtocols
import LeaderboardEngine

@Suite struct GatewayConfigurationTests {
    func load(_ file: String?, env: [String: String] = [:], args: [String] = []) throws(ConfigurationError) -> GatewayConfiguration {
        try GatewayConfiguration.load(arguments: args, environment: env) { path in
            path == "config.json" ? file.map { Array($0.utf8) } : nil
        }.configuration
    }

    @Test func flagsOverrideEnvironmentWhichOverridesTheFile() throws {
        let file = #"{"listen":{"port":9000,"host":"127.0.0.1"},"storage":{"fsync":"interval"}}"#
        #expect(try load(file).listen.port == 9000)
        #expect(try load(file, env: ["OVERTAKE_LISTEN_PORT": "9100"]).listen.port == 9100)
        #expect(try load(file, env: ["OVERTAKE_LISTEN_PORT": "9100"], args: ["--port", "9200"]).listen.port == 9200)
        #expect(try load(file, args: ["--set", "storage.fsync=never"]).storage.fsync == .never)
        #expect(try load(file, args: ["--port=9300"]).listen.port == 9300)
        #expect(try load(nil).listen.port == 8080)
    }

    @Test(arguments: [
        (#"{"listen":{"prot":1}}"#, "listen.prot"),
        (#"{"listen":{"port":"abc"}}"#, "listen.port"),
        (#"{"listen":{"port":70000}}"#, "listen.port"),
        (#"{"storage":{"fsync":"sometimes"}}"#, "storage.fsync"),
        (#"{"boards":[{"id":"a","windows":["hourly"]}]}"#, "boards[0].windows"),
        (#"{"boards":[{"windows":["daily"]}]}"#, "boards[0].id"),
        (#"{"push":{"soft_limit_bytes":10,"hard_limit_bytes":5}}"#, "push.soft_limit_bytes"),
        (#"{"tls":{"enabled":true}}"#, "tls.certificate"),
        (#"[1]"#, "(top level)"),
    ])
    func badValuesFailWithTheKeyPath(file: String, path: String) {
        do {
            _ = try load(file)
            Issue.record("accepted \(file)")
        } catch {
            #expect(error.path == path, "\(error)")
        }
    }

    @Test func unknownFlagsAndBadEnvironmentValuesAreRefused() {
        #expect(throws: ConfigurationError.self) { try load(nil, args: ["--prot", "1"]) }
        #expect(throws: ConfigurationError.self) { try load(nil, env: ["OVERTAKE_LISTEN_PORT": "x"]) }
        #expect(throws: ConfigurationError.self) { try load(nil, args: ["--set", "nope=1"]) }
    }

    @Test func theRepositoryConfigIsValidAndTheReadmeDocumentsEveryKey() throws {
        var root = #filePath
        for _ in 0..<3 { root = String(root[..<root.lastIndex(of: "/")!]) }
        func read(_ path: String) -> String? {
            guard let f = fopen(path, "rb") else { return nil }
            defer { fclose(f) }
            var out: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 65536)
            while true {
                let n = fread(&buffer, 1, buffer.count, f)
                out += buffer[0..<n]
                if n < buffer.count { break }
            }
            return String(decoding: out, as: UTF8.self)
        }
        let config = try #require(read(root + "/config.json"))
        let c = try load(config)
        #expect(c.boards.map(\.id).contains("arena"))
        let readme = try #require(read(root + "/README.md"))
        for key in ConfigurationSchema.keys {
            #expect(readme.contains("`\(key.path)`"), "README.md does not document \(key.path)")
        }
        #expect(GatewayConfiguration.help.contains("storage.fsync"))
    }
}

@Suite struct BoardDefinitionJSONTests {
    @Test func repeatedWindowsAreRefusedNotSilentlyMerged() throws {
        let json = try JSONValue(parsing: Array(#"{"windows":["daily","daily"]}"#.utf8))
        #expect(throws: ConfigurationError("windows", "each window may appear once")) {
            try BoardDefinition.parse(json, id: "b", path: "")
        }
    }
}
