// swift-tools-version:6.1
// A release-built driver over the LogTriage sources (linked, not copied) for bench/logtriage/run.sh.
import PackageDescription

let package = Package(
    name: "logtriage-bench",
    platforms: [.macOS(.v15)],
    targets: [
        // Stands in for deployotron's Locations, which embeds signatures.json with a build plugin.
        .target(name: "Locations", path: "Sources/Locations"),
        .target(name: "LogTriage", dependencies: ["Locations"], path: "Sources/LogTriage", exclude: ["Resources"]),
        .executableTarget(name: "logtriage-bench", dependencies: ["LogTriage"], path: "Sources/logtriage-bench"),
    ],
    swiftLanguageModes: [.v6]
)
