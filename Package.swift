// swift-tools-version:6.1
import PackageDescription

// MARK: - Modules
//
// One direction of dependency: a module names only modules above it in this list.
// `DEPLOYOTRON_TARGETS=LogTriage,Deploy swift test` builds and tests only those modules
// (and what they depend on): on a 2-core machine that is the difference between
// seconds and minutes while working on one module.

struct Module {
    let name: String
    var dependencies: [String] = []
    var external: [Target.Dependency] = []
    var testDependencies: [String] = []
    var testExternal: [Target.Dependency] = []
    /// Files in the module's folder that are not code (the EmbedFiles plugin compiles them into Locations).
    var exclude: [String] = []
    var plugins: [String] = []
    var hasTests = true
}

let ahc: Target.Dependency = .product(name: "AsyncHTTPClient", package: "async-http-client")
let hummingbird: Target.Dependency = .product(name: "Hummingbird", package: "hummingbird")
let httpTypes: Target.Dependency = .product(name: "HTTPTypes", package: "swift-http-types")
let logging: Target.Dependency = .product(name: "Logging", package: "swift-log")
let nioCore: Target.Dependency = .product(name: "NIOCore", package: "swift-nio")
let nioPosix: Target.Dependency = .product(name: "NIOPosix", package: "swift-nio")
let nioHTTP1: Target.Dependency = .product(name: "NIOHTTP1", package: "swift-nio")
let crypto: Target.Dependency = .product(name: "Crypto", package: "swift-crypto")
let grdb: Target.Dependency = .product(name: "GRDB", package: "GRDB.swift")
let mustache: Target.Dependency = .product(name: "Mustache", package: "swift-mustache")
let yams: Target.Dependency = .product(name: "Yams", package: "Yams")
let lifecycle: Target.Dependency = .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")
let xml: Target.Dependency = .product(name: "SWXMLHash", package: "SWXMLHash")
let argumentParser: Target.Dependency = .product(name: "ArgumentParser", package: "swift-argument-parser")
let mcp: Target.Dependency = .product(name: "MCP", package: "swift-sdk")

let modules: [Module] = [
    // JSONValue: the one dynamic JSON type every module speaks (tool input, resources, DynamoDB maps).
    Module(name: "JSON"),
    // Where deployotron's files live: bundled skills/prompts/notify, XDG state and data.
    Module(name: "Locations", plugins: ["EmbedFiles"]),
    // Log reduction, failure signatures, redaction.
    Module(name: "LogTriage", dependencies: ["Locations"], exclude: ["Resources"]),
    // The Messages API client: types, SSE decoding, stream accumulation, retries.
    Module(name: "Claude", dependencies: ["JSON"], external: [ahc, nioCore, nioHTTP1, logging], testDependencies: ["TestSupport", "JSON"]),
    // The only module that talks to Claude: conversation loop, compaction, log diagnosis, tools and permissions, skills, prompts, transcripts.
    Module(name: "Agent", dependencies: ["Claude", "JSON", "Locations", "LogTriage"], external: [mustache, yams], testDependencies: ["TestSupport", "Claude", "JSON", "Locations", "LogTriage"]),
    // SigV4, credentials, small AWS service clients.
    Module(name: "AWS", dependencies: ["JSON"], external: [ahc, crypto, nioCore, nioHTTP1, logging, xml], testDependencies: ["TestSupport", "JSON"], testExternal: [hummingbird, httpTypes, ahc, nioCore, logging]),
    // Projects, resources, events, deployments, port allocations: SQLite or DynamoDB.
    Module(name: "Ledger", dependencies: ["JSON", "AWS", "Locations"], external: [grdb, ahc, logging], testDependencies: ["TestSupport", "AWS", "JSON"], testExternal: [grdb]),
    // Detection, generators, ports, docker runner, deploy targets, history, rollback.
    Module(name: "Deploy", dependencies: ["Ledger", "AWS", "Locations", "LogTriage"], external: [mustache, logging, crypto], testDependencies: ["TestSupport", "Ledger", "JSON", "AWS"], testExternal: [yams, nioHTTP1], exclude: ["Templates"]),
    // The HTTP server behind `deployotron serve`.
    Module(name: "Notify", dependencies: ["Ledger", "JSON", "Locations"], external: [hummingbird, httpTypes, nioCore, lifecycle, logging], testDependencies: ["TestSupport", "Ledger", "JSON", "Agent", "AWS"], testExternal: [ahc, nioCore, nioHTTP1, lifecycle, logging]),
    // deployotron's services as Claude tools.
    Module(name: "DeployTools", dependencies: ["Agent", "Deploy", "Ledger", "LogTriage", "JSON"], testDependencies: ["TestSupport", "Agent", "Deploy", "Ledger", "JSON"]),
    // The Model Context Protocol both ways: deployotron's tools served to other agents, other servers' tools offered to Claude.
    Module(name: "MCPBridge", dependencies: ["Agent", "Claude", "JSON", "Locations"], external: [mcp, logging, crypto, ahc, nioCore, nioHTTP1], testDependencies: ["TestSupport", "Agent", "JSON"], testExternal: [mcp]),
    // The libedit REPL.
    Module(name: "Shell", dependencies: ["Agent", "Claude", "JSON", "Ledger", "Locations", "CEditLine"], testDependencies: ["TestSupport", "Agent", "Claude", "JSON", "Ledger"]),
    // The commands of the `deployotron` executable.
    Module(name: "DeployotronCLI", dependencies: ["Claude", "Agent", "AWS", "Ledger", "LogTriage", "Deploy", "Notify", "DeployTools", "MCPBridge", "Shell", "Locations", "JSON"], external: [argumentParser, logging, ahc, nioCore, nioHTTP1], testDependencies: ["TestSupport", "JSON", "Deploy", "Ledger", "Agent"], testExternal: [argumentParser], plugins: ["GitVersion"]),
    // Shared by the test targets only: a fake Messages API server, temporary directories, process helpers.
    Module(name: "TestSupport", dependencies: ["JSON", "Locations"], external: [hummingbird, httpTypes, nioCore, nioPosix, nioHTTP1, logging], hasTests: false),
]

// MARK: - Selection

let systemLibraries: Set<String> = ["CEditLine"]
let requested: Set<String>? = Context.environment["DEPLOYOTRON_TARGETS"].map {
    Set($0.split(separator: ",").map { String($0.filter { $0 != " " }) })
}
let byName = Dictionary(uniqueKeysWithValues: modules.map { ($0.name, $0) })

func closure(_ roots: Set<String>, withTests: Bool) -> Set<String> {
    var seen = Set<String>()
    var stack = Array(roots)
    while let name = stack.popLast() {
        guard seen.insert(name).inserted, let module = byName[name] else { continue }
        stack += module.dependencies
        if withTests && roots.contains(name) { stack += module.testDependencies }
    }
    return seen
}

let selected: Set<String> = requested.map { closure($0, withTests: true) } ?? Set(modules.map(\.name)).union(systemLibraries)
let tested: Set<String> = requested ?? Set(modules.filter(\.hasTests).map(\.name))
let buildsExecutable = requested == nil

let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

var targets: [Target] = []
for module in modules where selected.contains(module.name) {
    let deps = module.dependencies.map { Target.Dependency.target(name: $0) } + module.external
    targets.append(.target(name: module.name, dependencies: deps, exclude: module.exclude, swiftSettings: strict, plugins: module.plugins.map { .plugin(name: $0) }))
    if module.hasTests && tested.contains(module.name) {
        let testDeps = [Target.Dependency.target(name: module.name)]
            + module.testDependencies.map { .target(name: $0) } + module.testExternal
        targets.append(.testTarget(name: "\(module.name)Tests", dependencies: testDeps, swiftSettings: strict))
    }
}
if selected.contains("Locations") {
    // Compiles skills/, prompts/, notify/, the signatures and the templates into Locations.
    targets.append(.executableTarget(name: "EmbedFilesTool", path: "Plugins/EmbedFilesTool"))
    targets.append(.plugin(name: "EmbedFiles", capability: .buildTool(), dependencies: ["EmbedFilesTool"]))
}
if selected.contains("DeployotronCLI") {
    // Writes the commit the checkout is at, and the build time, into DeployotronCLI (`--version`).
    targets.append(.executableTarget(name: "GitVersionTool", path: "Plugins/GitVersionTool"))
    targets.append(.plugin(name: "GitVersion", capability: .buildTool(), dependencies: ["GitVersionTool"]))
}
if selected.contains("CEditLine") {
    targets.append(.systemLibrary(name: "CEditLine", pkgConfig: "libedit", providers: [.apt(["libedit-dev"])]))
}
if buildsExecutable {
    targets.append(.executableTarget(name: "deployotron", dependencies: ["DeployotronCLI", argumentParser], swiftSettings: strict))
}

let package = Package(
    name: "deployotron",
    platforms: [.macOS(.v15)],
    products: buildsExecutable ? [.executable(name: "deployotron", targets: ["deployotron"])] : [],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.0.0"..<"5.0.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.25.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.10.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.0.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/jpsim/Yams", "5.0.0"..<"7.0.0"),
        .package(url: "https://github.com/drmohundro/SWXMLHash", from: "8.0.0"),
        .package(url: "https://github.com/modelcontextprotocol/swift-sdk", .upToNextMinor(from: "0.12.1")),
    ],
    targets: targets,
    swiftLanguageModes: [.v6]
)
