import Foundation
import Testing
@testable import DeployotronCLI

/// `deployotron --version`, and the GitVersion plugin's reading of `.git` in the layouts git leaves:
/// a loose branch ref, a packed one, a detached HEAD, a linked worktree, no checkout at all.
@Suite(.timeLimit(.minutes(2))) struct VersionTests {
    static let checkout = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let commitA = "1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d"
    static let commitB = "fedcba9876543210fedcba9876543210fedcba98"

    @Test func versionNamesTheReleaseTheCommitAndTheBuildDate() async throws {
        let sandbox = try OneShotProcess.Sandbox()
        let outcome = try await OneShotProcess.run(["--version"], in: sandbox, baseURL: nil, apiKey: nil)
        #expect(outcome.status == 0, "stderr: \(outcome.stderr)")
        let line = outcome.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let pattern = #/^(\d+\.\d+\.\d+) \(commit ([0-9a-f]{12}|unknown), built (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)\)$/#
        let match = try #require(line.wholeMatch(of: pattern), "\(line)")
        #expect(String(match.1) == DeployotronVersion.current)

        // Built from a git checkout (a clone), the commit is one of its commits.
        guard FileManager.default.fileExists(atPath: Self.checkout.appendingPathComponent(".git").path) else { return }
        let commit = String(match.2)
        #expect(commit != "unknown")
        #expect(DeployotronVersion.commit.hasPrefix(commit))
        let type = try runProgram("/usr/bin/env", ["git", "-C", Self.checkout.path, "cat-file", "-t", DeployotronVersion.commit])
        #expect(type.output.trimmingCharacters(in: .whitespacesAndNewlines) == "commit", "\(type)")
    }

    @Test func aLooseBranchRefIsRead() throws {
        let repo = try FakeRepository()
        try repo.write("ref: refs/heads/main\n", to: ".git/HEAD")
        try repo.write(Self.commitA + "\n", to: ".git/refs/heads/main")
        try repo.write("# pack-refs with: peeled\n\(Self.commitB) refs/heads/main\n", to: ".git/packed-refs")
        #expect(try repo.generatedCommit() == Self.commitA)
    }

    @Test func aPackedRefIsRead() throws {
        let repo = try FakeRepository()
        try repo.write("ref: refs/heads/release\n", to: ".git/HEAD")
        try repo.write("# pack-refs with: peeled fully-peeled sorted\n\(Self.commitA) refs/heads/main\n\(Self.commitB) refs/heads/release\n^\(Self.commitA)\n", to: ".git/packed-refs")
        #expect(try repo.generatedCommit() == Self.commitB)
    }

    @Test func aDetachedHeadIsTheCommit() throws {
        let repo = try FakeRepository()
        try repo.write(Self.commitB + "\n", to: ".git/HEAD")
        #expect(try repo.generatedCommit() == Self.commitB)
    }

    @Test func aLinkedWorktreeReadsItsHeadAndTheSharedRefs() throws {
        let repo = try FakeRepository()
        try repo.write("ref: refs/heads/main\n", to: "main/.git/HEAD")
        try repo.write(Self.commitA + "\n", to: "main/.git/refs/heads/main")
        try repo.write(Self.commitB + "\n", to: "main/.git/refs/heads/feature")
        try repo.write("ref: refs/heads/feature\n", to: "main/.git/worktrees/wt/HEAD")
        try repo.write("../..\n", to: "main/.git/worktrees/wt/commondir")
        try repo.write("gitdir: \(repo.root.path)/main/.git/worktrees/wt\n", to: ".git")
        #expect(try repo.generatedCommit() == Self.commitB)
    }

    @Test func outsideACheckoutOrOnAnUnbornBranchTheCommitIsUnknown() throws {
        let none = try FakeRepository()
        #expect(try none.generatedCommit() == "unknown")

        let unborn = try FakeRepository()
        try unborn.write("ref: refs/heads/main\n", to: ".git/HEAD")
        #expect(try unborn.generatedCommit() == "unknown")
    }

    @Test func sourceDateEpochIsTheBuildDate() throws {
        let repo = try FakeRepository()
        let source = try repo.generate(environment: ["SOURCE_DATE_EPOCH": "1767225600"])
        #expect(source.contains(#"static let date = "2026-01-01T00:00:00Z""#))
    }
}

/// A folder laid out as a checkout's `.git` would be, and the plugin's tool run on it.
private struct FakeRepository {
    let root: URL

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("git-version-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    }

    func write(_ text: String, to path: String) throws {
        let url = root.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    /// The generated Swift source.
    func generate(environment: [String: String] = [:]) throws -> String {
        let output = root.appendingPathComponent("BuildInfo+Generated.swift")
        let outcome = try runProgram(try Self.tool.path, [output.path, root.path], environment: environment)
        #expect(outcome.status == 0, "\(outcome.output)")
        return try String(contentsOf: output, encoding: .utf8)
    }

    func generatedCommit() throws -> String? {
        let source = try generate()
        guard let match = source.firstMatch(of: #/static let commit = "([^"]*)"/#) else { return nil }
        return String(match.1)
    }

    /// The plugin's tool, built beside the deployotron binary.
    static var tool: URL {
        get throws {
            let folder = try OneShotProcess.binary.deletingLastPathComponent()
            for name in ["GitVersionTool-tool", "GitVersionTool"] {
                let candidate = folder.appendingPathComponent(name)
                if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            }
            throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: "GitVersionTool beside \(folder.path); run `swift build` first"])
        }
    }
}

/// Runs a program to its end; its standard output and error together.
private func runProgram(_ program: String, _ arguments: [String], environment: [String: String] = [:]) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: program)
    process.arguments = arguments
    process.environment = ProcessInfo.processInfo.environment.filter { $0.key != "SOURCE_DATE_EPOCH" }.merging(environment) { _, new in new }
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}
