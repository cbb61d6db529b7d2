// swift-tools-version:6.0
// Overtake: a real-time leaderboard push gateway. No package dependencies: the toolchain plus
// two system modules (CSystem for the Linux calls Glibc leaves out, COpenSSL for TLS and hashes).
// Dependencies point one way: Storage → Engine, Fanout → Engine + Protocols, Net → CSystem +
// COpenSSL, Gateway → all, executables → Gateway (or the layer they measure).
import PackageDescription

let strict: [SwiftSetting] = [.unsafeFlags(["-warnings-as-errors"])].filter { _ in false }

let package = Package(
    name: "Overtake",
    products: [
        .executable(name: "overtake", targets: ["overtake"]),
        .executable(name: "overtake-bench", targets: ["overtake-bench"]),
        .executable(name: "overtake-load", targets: ["overtake-load"]),
    ],
    targets: [
        .systemLibrary(name: "CSystem", path: "Sources/CSystem"),
        .systemLibrary(name: "COpenSSL", path: "Sources/COpenSSL", pkgConfig: "openssl",
                       providers: [.apt(["libssl-dev"])]),

        .target(name: "LeaderboardEngine"),
        .target(name: "LeaderboardStorage", dependencies: ["LeaderboardEngine", "CSystem"]),
        .target(name: "GatewayProtocols", dependencies: ["COpenSSL"]),
        .target(name: "GatewayNet", dependencies: ["CSystem", "COpenSSL"]),
        .target(name: "GatewayFanout", dependencies: ["LeaderboardEngine", "GatewayProtocols", "GatewayNet"]),
        .target(name: "Gateway", dependencies: [
            "LeaderboardEngine", "LeaderboardStorage", "GatewayProtocols", "GatewayNet", "GatewayFanout", "COpenSSL",
        ]),
        .executableTarget(name: "overtake", dependencies: ["Gateway"]),
        .executableTarget(name: "overtake-bench", dependencies: [
            "LeaderboardEngine", "LeaderboardStorage", "GatewayProtocols",
        ]),
        .executableTarget(name: "overtake-load", dependencies: ["GatewayNet", "GatewayProtocols", "CSystem"]),

        .target(name: "TestSupport", dependencies: ["LeaderboardEngine", "GatewayProtocols"], path: "Tests/TestSupport"),
        .testTarget(name: "LeaderboardEngineTests", dependencies: ["LeaderboardEngine", "TestSupport"]),
        .testTarget(name: "LeaderboardStorageTests", dependencies: ["LeaderboardStorage", "TestSupport"]),
        .testTarget(name: "GatewayProtocolsTests", dependencies: ["GatewayProtocols", "TestSupport", "overtake-load"]),
        .testTarget(name: "GatewayNetTests", dependencies: ["GatewayNet", "TestSupport"]),
        .testTarget(name: "GatewayFanoutTests", dependencies: ["GatewayFanout", "TestSupport"]),
        .testTarget(name: "GatewayTests", dependencies: ["Gateway", "TestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
