// swift-tools-version:6.0
// Overtake: a real-time leaderboard push gateway. No package dependencies: the toolchain plus
// three header-only system modules (CSystem for the Linux calls Glibc leaves out, COpenSSL for
// TLS and hashes, CPrefetch for the engine's cache prefetch hint).
// Dependencies point one way: Storage → Engine, Fanout → Engine + Protocols, Net → CSystem +
// COpenSSL, Gateway → all, executables → Gateway (or the layer they measure).
import PackageDescription

// The engine's node scans compare eight Int64 lanes at a time, and x86-64's baseline (SSE2) has
// no 64-bit compare: on x86-64 hosts the engine is compiled for Haswell-class CPUs (AVX2; every
// x86 server CPU since 2013), +30–60 % upserts/s and −20 % rank latency (BENCHMARKS.md).
// `OVERTAKE_PORTABLE=1 swift build …` builds for the baseline instead.
#if arch(x86_64)
let engineSettings: [SwiftSetting] = Context.environment["OVERTAKE_PORTABLE"] == "1"
    ? [] : [.unsafeFlags(["-target-cpu", "haswell"])]
#else
let engineSettings: [SwiftSetting] = []
#endif

// Release builds skip the run-time exclusivity checks (the compile-time ones stay, and debug
// builds, which `swift test` uses, keep the run-time ones): they cost ~10 % of the engine and
// I/O threads under load (swift_beginAccess, its thread-local access set), measured in
// BENCHMARKS.md.
let releaseSettings: [SwiftSetting] = [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]

let package = Package(
    name: "Overtake",
    products: [
        .executable(name: "overtake", targets: ["overtake"]),
        .executable(name: "overtake-bench", targets: ["overtake-bench"]),
        .executable(name: "overtake-load", targets: ["overtake-load"]),
    ],
    targets: [
        .systemLibrary(name: "CSystem", path: "Sources/CSystem"),
        .systemLibrary(name: "CPrefetch", path: "Sources/CPrefetch"),
        .systemLibrary(name: "COpenSSL", path: "Sources/COpenSSL", pkgConfig: "openssl",
                       providers: [.apt(["libssl-dev"])]),

        .target(name: "LeaderboardEngine", dependencies: ["CPrefetch"], swiftSettings: engineSettings + releaseSettings),
        .target(name: "LeaderboardStorage", dependencies: ["LeaderboardEngine", "CSystem"], swiftSettings: releaseSettings),
        .target(name: "GatewayProtocols", dependencies: ["COpenSSL"], swiftSettings: releaseSettings),
        .target(name: "GatewayNet", dependencies: ["CSystem", "COpenSSL"], swiftSettings: releaseSettings),
        .target(name: "GatewayFanout", dependencies: ["LeaderboardEngine", "GatewayProtocols", "GatewayNet"], swiftSettings: releaseSettings),
        .target(name: "Gateway", dependencies: [
            "LeaderboardEngine", "LeaderboardStorage", "GatewayProtocols", "GatewayNet", "GatewayFanout", "COpenSSL",
        ], swiftSettings: releaseSettings),
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
