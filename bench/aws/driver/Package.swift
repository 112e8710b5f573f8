// swift-tools-version:6.1
// A release-built driver over the SigV4 sources of module AWS (linked, not copied) for bench/aws/run.sh.
// Only the signer's files are compiled, so the build needs swift-crypto and nothing else.
import PackageDescription

let package = Package(
    name: "sigv4-bench",
    platforms: [.macOS(.v15)],
    dependencies: [.package(url: "https://github.com/apple/swift-crypto", "3.0.0"..<"5.0.0")],
    targets: [
        .target(
            name: "AWS", dependencies: [.product(name: "Crypto", package: "swift-crypto")], path: "Sources/AWS",
            sources: ["SigV4Signer.swift", "SigV4Request.swift", "SigV4Signature.swift", "AWSCredentials.swift"]),
        .executableTarget(name: "sigv4-bench", dependencies: ["AWS"], path: "Sources/sigv4-bench"),
    ],
    swiftLanguageModes: [.v6]
)
