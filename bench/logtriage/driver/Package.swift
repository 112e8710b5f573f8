// swift-tools-version:6.1
// A release-built driver over the LogTriage sources (linked, not copied) for bench/logtriage/run.sh.
import PackageDescription

let package = Package(
    name: "logtriage-bench",
    platforms: [.macOS(.v15)],
    targets: [
        .target(name: "LogTriage", path: "Sources/LogTriage", resources: [.copy("Resources/signatures.json")]),
        .executableTarget(name: "logtriage-bench", dependencies: ["LogTriage"], path: "Sources/logtriage-bench"),
    ],
    swiftLanguageModes: [.v6]
)
