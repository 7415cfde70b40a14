// swift-tools-version:6.1
import Foundation
import PackageDescription

// Each network's folder under Sources/PersonaSources holds its README.md and sample.toml beside
// its code; they are documentation, not build inputs. Listed here by extension so that adding a
// network never touches this file. An unreadable folder lists nothing (the build then warns).
let networkDocs = (FileManager.default.subpaths(atPath: Context.packageDirectory + "/Sources/PersonaSources") ?? [])
    .filter { $0.hasSuffix(".md") || $0.hasSuffix(".toml") }

// Module cut (see Docs/architecture.md): value types at the bottom, pure scoring above them,
// readers that take bytes, a libcurl engine that fetches them, a store that keeps them, and a
// daemon that wires the path together. `PersonaConfig` is its own module so that `personactl`
// can validate a config without importing the daemon.
let package = Package(
    name: "personad",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "personad", targets: ["personad"]),
        .executable(name: "personactl", targets: ["personactl"]),
        .executable(name: "personad-validity", targets: ["personad-validity"]),
        .executable(name: "personad-feeds", targets: ["personad-feeds"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.19"),
        .package(url: "https://github.com/swhitty/FlyingFox", from: "0.20.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
    ],
    targets: [
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        .systemLibrary(
            name: "CLibXML2",
            pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"])]
        ),
        .target(name: "PersonaUtilities"),
        .target(name: "PersonaModel"),
        .target(name: "PersonaScoring", dependencies: ["PersonaModel"]),
        .target(
            name: "PersonaSources",
            dependencies: ["PersonaModel", "PersonaUtilities", "CLibXML2", .product(name: "ZIPFoundation", package: "ZIPFoundation")],
            exclude: networkDocs
        ),
        .target(name: "PersonaFetch", dependencies: ["CCurl", "PersonaUtilities"]),
        .target(name: "PersonaSnapshots", dependencies: ["PersonaModel", "PersonaUtilities"]),
        .target(
            name: "PersonaStore",
            dependencies: [
                "PersonaModel", "PersonaSnapshots", "PersonaUtilities", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"), .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ]
        ),
        .target(
            name: "PersonaConfig",
            dependencies: ["PersonaModel", "PersonaSources", "PersonaUtilities", .product(name: "TOMLKit", package: "TOMLKit")]
        ),
        .target(
            name: "PersonaDaemon",
            dependencies: [
                "PersonaModel", "PersonaUtilities", "PersonaScoring", "PersonaSources", "PersonaFetch", "PersonaStore",
                "PersonaSnapshots", "PersonaConfig",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "personad",
            dependencies: [
                "PersonaDaemon", "PersonaConfig",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "personactl",
            dependencies: [
                "PersonaSnapshots", "PersonaModel", "PersonaConfig", "PersonaStore", "PersonaUtilities", "PersonaSources", "PersonaFetch",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Mustache", package: "swift-mustache"),
            ]
        ),
        // The validity benchmark (Benchmarks/validity/run.sh): simulated personas through the real scorer.
        .executableTarget(
            name: "personad-validity",
            dependencies: ["PersonaScoring", "PersonaModel", "PersonaSources"],
            path: "Benchmarks/validity",
            exclude: ["run.sh"]
        ),
        // The feed reader on files (Benchmarks/feeds): a differential check against a mature
        // feed parser, and parse throughput.
        .executableTarget(
            name: "personad-feeds",
            dependencies: ["PersonaSources"],
            path: "Benchmarks/feeds",
            exclude: ["compare.sh", "compare.py", "throughput.sh"]
        ),
        .target(
            name: "TestSupport",
            dependencies: [
                .product(name: "FlyingFox", package: "FlyingFox"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ],
            path: "Tests/TestSupport"
        ),
        .testTarget(name: "PersonaScoringTests", dependencies: ["PersonaScoring", "PersonaModel", "PersonaSources", "TestSupport"]),
        .testTarget(name: "PersonaSourcesTests", dependencies: ["PersonaSources", "PersonaModel", "PersonaUtilities", "TestSupport"]),
        .testTarget(name: "PersonaFetchTests", dependencies: ["PersonaFetch", "PersonaUtilities", "TestSupport", .product(name: "FlyingFox", package: "FlyingFox")]),
        .testTarget(name: "PersonaStoreTests", dependencies: ["PersonaStore", "PersonaSnapshots", "PersonaModel", "TestSupport", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "PersonaSnapshotsTests", dependencies: ["PersonaSnapshots", "PersonaModel", "PersonaUtilities", "TestSupport"]),
        .testTarget(name: "PersonaConfigTests", dependencies: ["PersonaConfig", "PersonaSources", "TestSupport"]),
        .testTarget(
            name: "PersonaDaemonTests",
            dependencies: [
                "PersonaDaemon", "PersonaConfig", "PersonaStore", "PersonaSnapshots", "PersonaModel", "PersonaFetch", "TestSupport",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "IntegrationTests",
            dependencies: ["personad", "personactl", "TestSupport", .product(name: "FlyingFox", package: "FlyingFox")]
        ),
    ],
    swiftLanguageModes: [.v6]
)

// The libFuzzer targets (Fuzz/run): only with PERSONAD_FUZZ=1, since they build only with
// `--sanitize=fuzzer` (libFuzzer supplies their `main`).
if ProcessInfo.processInfo.environment["PERSONAD_FUZZ"] != nil {
    package.products.append(.executable(name: "PersonaFuzz", targets: ["PersonaFuzz"]))
    package.targets.append(.executableTarget(
        name: "PersonaFuzz",
        dependencies: ["PersonaSources", "PersonaConfig", .product(name: "ZIPFoundation", package: "ZIPFoundation")],
        path: "Fuzz/PersonaFuzz"
    ))
}
