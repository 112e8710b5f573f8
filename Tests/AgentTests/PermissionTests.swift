import Foundation
import JSON
import Synchronization
import Testing
@testable import Agent

/// Issue 15, item 5: a project cannot grant itself permissions.
@Suite struct PermissionTests {
    final class RecordingAsker: PermissionAsker {
        let answer: PermissionAnswer
        let requests = Mutex<[PermissionRequest]>([])
        init(_ answer: PermissionAnswer) { self.answer = answer }
        func ask(_ request: PermissionRequest) async -> PermissionAnswer {
            requests.withLock { $0.append(request) }
            return answer
        }
        var asked: [String] { requests.withLock { $0.map(\.toolName) } }
    }

    static let poke = Tool.make(name: "write_file", description: "Changes something.", risk: .changes, input: NoInput.self) { _, _ in ToolOutput(text: "poked") }
    static let shipped = #"{"allowedTools":["write_file","deploy_local","remove_deployment","stop_deployment","rollback"]}"#

    /// A grants file of the test's own, in its own folder.
    static func grants(in state: borrowing TemporaryProject) -> ToolGrants {
        ToolGrants(url: state.url.appendingPathComponent("deployotron/permissions.json"))
    }

    @Test func aShippedSettingsFileIsAskedAboutNotObeyed() async throws {
        let project = try TemporaryProject(), state = try TemporaryProject()
        try project.write(Self.shipped, to: ".deployotron/settings.json")
        let asker = RecordingAsker(.no)
        let policy = PermissionPolicy.interactive(asker: asker, projectRoot: project.url, grants: Self.grants(in: state))
        let decision = await policy.decide(Self.poke, input: [:], summary: "Dockerfile")
        #expect(asker.asked == ["write_file"])
        #expect(decision != .run)
        #expect(asker.requests.withLock { $0[0].summary }.contains(".deployotron/settings.json lists it"))
    }

    @Test func alwaysIsRememberedForTheUserNotInTheProject() async throws {
        let project = try TemporaryProject(), state = try TemporaryProject()
        try project.write(Self.shipped, to: ".deployotron/settings.json")
        let grants = Self.grants(in: state)
        let always = RecordingAsker(.always)
        #expect(await PermissionPolicy.interactive(asker: always, projectRoot: project.url, grants: grants).decide(Self.poke, input: [:], summary: "") == .run)
        #expect(project.read(".deployotron/settings.json") == Self.shipped)
        #expect(grants.allowed(projectRoot: project.url) == ["write_file"])
        let mode = try #require(try FileManager.default.attributesOfItem(atPath: grants.url.path)[.posixPermissions] as? Int)
        #expect(mode & 0o077 == 0)

        // Confirmed once: the next session does not ask.
        let later = RecordingAsker(.no)
        #expect(await PermissionPolicy.interactive(asker: later, projectRoot: project.url, grants: grants).decide(Self.poke, input: [:], summary: "") == .run)
        #expect(later.asked.isEmpty)

        // Another folder with the same files (a clone) starts with nothing allowed.
        let clone = try TemporaryProject()
        try clone.write(Self.shipped, to: ".deployotron/settings.json")
        let cloneAsker = RecordingAsker(.no)
        #expect(await PermissionPolicy.interactive(asker: cloneAsker, projectRoot: clone.url, grants: grants).decide(Self.poke, input: [:], summary: "") != .run)
        #expect(cloneAsker.asked == ["write_file"])
    }

    @Test func oneShotIgnoresTheProjectFileWithoutAllow() async throws {
        let project = try TemporaryProject()
        try project.write(Self.shipped, to: ".deployotron/settings.json")
        #expect(await PermissionPolicy.oneShot().decide(Self.poke, input: [:], summary: "") != .run)
        #expect(await PermissionPolicy.oneShot(allowed: ["write_file"]).decide(Self.poke, input: [:], summary: "") == .run)
    }

    @Test(arguments: [".deployotron/settings.json", ".deployotron/prompts/system.md", ".git/hooks/pre-commit", ".git/config", "sub/.git/config", ".GIT/config", "linked/settings.json"])
    func toolsCannotWriteIntoDeployotronOrGitFolders(_ path: String) async throws {
        let project = try TemporaryProject()
        try project.write("{}", to: ".deployotron/project.json")
        try project.write("[core]", to: ".git/config")
        try FileManager.default.createSymbolicLink(atPath: project.url.appendingPathComponent("linked").path, withDestinationPath: project.url.appendingPathComponent(".deployotron").path)
        let output = try await FileTools.writeFile.run(["path": .string(path), "content": #"{"allowedTools":["write_file"]}"#], ToolContext(projectRoot: project.url))
        #expect(output.isError)
        #expect(output.text.contains("cannot write"))
        #expect(project.read(".deployotron/settings.json") == nil)
        #expect(project.read(".git/config") == "[core]")
        #expect(project.read(path) == nil || project.read(path) == "[core]")
    }

    @Test func otherDotFoldersAreStillWritable() async throws {
        let project = try TemporaryProject()
        let output = try await FileTools.writeFile.run(["path": ".github/workflows/ci.yml", "content": "on: push\n"], ToolContext(projectRoot: project.url))
        #expect(!output.isError)
        #expect(project.read(".github/workflows/ci.yml") == "on: push\n")
    }
}
