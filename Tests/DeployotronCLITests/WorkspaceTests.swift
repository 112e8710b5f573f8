import Agent
import ArgumentParser
import Deploy
import Foundation
import JSON
import Ledger
import Synchronization
import Testing
@testable import DeployotronCLI

/// One workspace for every entry point: the REPL's tools and the subcommands file a project's
/// deploys under one guid, share its history and contend for its one lock.
@Suite struct WorkspaceTests {
    @Test func aDeployThroughTheToolsIsListedByTheDeploymentsCommand() async throws {
        let world = try World()
        let session = world.workspace()
        let registry = try session.registry(skills: SkillsCatalog(skills: [], problems: []))
        let tool = try #require(registry.tool(named: "deploy_local"))

        let output = try await tool.run(["path": "."], ToolContext(projectRoot: world.project))
        #expect(!output.isError, "\(output.text)")

        let lines = Lines()
        let cli = world.workspace(console: lines.console)
        try await DeploymentsCommand.parse(["--json"]).run(cli)
        let listed = try JSONValue(parsing: Data(lines.text.utf8))
        let deployments = try #require(listed["deployments"]?.arrayValue)
        #expect(deployments.count == 1)
        let guid = try #require(try ProjectIdentity.load(projectRoot: world.project)?.guid)
        #expect(deployments.first?["project_id"]?.stringValue == guid)
        #expect(deployments.first?["status"]?.stringValue == "running")
    }

    @Test func theToolsAndTheDeployCommandContendForOneLock() async throws {
        let world = try World()
        world.target.gate.withLock { $0 = true }
        let session = world.workspace()
        let registry = try session.registry(skills: SkillsCatalog(skills: [], problems: []))
        let tool = try #require(registry.tool(named: "deploy_local"))
        let project = world.project
        let running = Task { try await tool.run(["path": "."], ToolContext(projectRoot: project)) }
        while !world.target.entered.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(10)) }

        let error = try await #require(throws: DeployError.self) {
            try await DeployCommand.parse([]).run(world.workspace())
        }
        #expect(error.code == .locked)
        #expect(error.message.contains("pid \(ProcessInfo.processInfo.processIdentifier)"))

        world.target.gate.withLock { $0 = false }
        let output = try await running.value
        #expect(!output.isError, "\(output.text)")
    }

    @Test func theEnvironmentFlagTheVariableAndTheProjectConfigChooseTheEnvironment() async throws {
        let world = try World()
        try await DeployCommand.parse(["--environment", "staging"]).run(world.workspace())
        try await DeployCommand.parse([]).run(world.workspace())
        let config = world.project.appendingPathComponent(".deployotron/config.json")
        try Data(#"{"environment": "preview"}"#.utf8).write(to: config)
        try await DeployCommand.parse([]).run(world.workspace())
        try await DeployCommand.parse([]).run(world.workspace(extra: ["DEPLOYOTRON_ENVIRONMENT": "qa"]))

        func listed(_ arguments: [String]) async throws -> [JSONValue] {
            let lines = Lines()
            try await DeploymentsCommand.parse(["--json"] + arguments).run(world.workspace(console: lines.console))
            return try JSONValue(parsing: Data(lines.text.utf8))["deployments"]?.arrayValue ?? []
        }
        #expect(try await listed([]).compactMap { $0["environment"]?.stringValue }.sorted() == ["preview", "production", "qa", "staging"])
        let staging = try await listed(["--environment", "staging"])
        #expect(staging.count == 1)
        #expect(staging.first?["name"]?.stringValue == "shop-staging")

        let status = Lines()
        try await StatusCommand.parse(["--environment", "staging", "--json"]).run(world.workspace(console: status.console))
        let shown = try JSONValue(parsing: Data(status.text.utf8))
        #expect(shown["deployment"]?["id"] == staging.first?["id"])
        #expect(shown["live"] == .bool(true))

        // Commands that change things want an id or an environment, never a guess.
        await #expect(throws: (any Error).self) { try await RemoveCommand.parse([]).run(world.workspace()) }
        let removed = Lines()
        try await RemoveCommand.parse(["--environment", "staging"]).run(world.workspace(console: removed.console))
        #expect(removed.text.contains("is removed"))
        #expect(try await listed(["--environment", "production"]).first?["status"]?.stringValue == "running")
        // A name that is not one is refused before anything runs.
        #expect(throws: (any Error).self) { try DeployCommand.parse(["--environment", "Not Valid"]) }
    }

    @Test func deploymentsRecordedUnderTheFolderPathJoinTheProject() async throws {
        let world = try World()
        let ledger = try SQLiteLedger(path: world.ledgerPath)
        let old = DeploymentRecord(
            id: UUID().uuidString.lowercased(), projectId: world.project.standardizedFileURL.path, name: "shop",
            target: .local, status: .stopped, imageTag: "shop:deploy_11111111", startedAt: Date(timeIntervalSince1970: 1_700_000_000))
        try await ledger.save(old)

        let lines = Lines()
        try await DeploymentsCommand.parse(["--json"]).run(world.workspace(console: lines.console))
        let listed = try JSONValue(parsing: Data(lines.text.utf8))
        #expect(listed["deployments"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == [old.id])
        let guid = try #require(try ProjectIdentity.load(projectRoot: world.project)?.guid)
        #expect(try await ledger.deployment(id: old.id)?.projectId == guid)
    }

    @Test func theSkillsCommandListsWhatASessionLoads() throws {
        let world = try World()
        let lines = Lines()
        let workspace = world.workspace(console: lines.console)
        SkillsCommand.List().run(workspace)
        let names = workspace.skills.skills.map(\.name)
        #expect(names.contains("1-click-deploy"))
        for name in names { #expect(lines.text.contains(name)) }
    }

    @Test func aStoreThatCannotBeUsedStopsOnlyTheCommandsThatNeedTheLedger() async throws {
        let world = try World()
        let lines = Lines()
        let workspace = Workspace.current(
            projectRoot: world.project.path, environment: ["DEPLOYOTRON_STORE": "postgres://nope", "HOME": world.root.path],
            console: lines.console)
        try await DetectCommand.parse([]).run(workspace)
        #expect(lines.text.contains("Port:"))
        await #expect(throws: (any Error).self) { try await DeploymentsCommand.parse([]).run(workspace) }
    }

    @Test func commandsThatDoNotActOnTheProjectLeaveItsFolderAlone() async throws {
        let world = try World()
        let lines = Lines()
        try await ResourcesCommand.parse([]).run(world.workspace(console: lines.console))
        #expect(!FileManager.default.fileExists(atPath: world.project.appendingPathComponent(".deployotron").path))
        #expect(lines.text.contains("No resources recorded"))
    }
}

// MARK: - Doubles

/// A project folder, a ledger file and a home, and a target that deploys instantly (or waits at a gate).
private struct World {
    let root: URL
    let project: URL
    let ledgerPath: String
    let target = InstantTarget()

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("workspace-\(UUID().uuidString)", isDirectory: true)
        project = root.appendingPathComponent("shop", isDirectory: true)
        try FileManager.default.createDirectory(at: project, withIntermediateDirectories: true)
        try Data(#"{"name":"shop","dependencies":{"express":"4"},"scripts":{"start":"node server.js"}}"#.utf8)
            .write(to: project.appendingPathComponent("package.json"))
        try Data("require('express')().listen(3000)".utf8).write(to: project.appendingPathComponent("server.js"))
        ledgerPath = root.appendingPathComponent("ledger.sqlite").path
    }

    func workspace(console: Console = Console(out: { _ in }, err: { _ in }), extra: [String: String] = [:]) -> Workspace {
        let environment = extra.merging([
            "HOME": root.appendingPathComponent("home").path,
            "XDG_STATE_HOME": root.appendingPathComponent("state").path,
            "XDG_DATA_HOME": root.appendingPathComponent("data").path,
            "USER": "tester",
        ]) { mine, _ in mine }
        return Workspace(
            environment: environment, projectRoot: project, ledgerLocation: .success(.sqlite(path: ledgerPath)), target: target,
            makeClient: { _ in fatalError("no Claude in these tests") }, console: console)
    }
}

/// Collects what a command prints.
private final class Lines: Sendable {
    private let lines = Mutex<[String]>([])
    var console: Console { Console(out: { line in self.lines.withLock { $0.append(line) } }, err: { _ in }) }
    var text: String { lines.withLock { $0.joined(separator: "\n") } }
}

/// Deploys without an engine: one step that may wait at a gate until the test opens it.
private final class InstantTarget: DeployTarget {
    let gate = Mutex(false)
    let entered = Mutex(false)

    var kind: DeployTargetKind { .local }
    func preflight(_ request: DeployRequest) async throws {}
    func artifactName(project: DeployProject, deploymentId: String) -> String { "\(project.name):deploy_\(deploymentId.prefix(8))" }
    func deploySteps() -> [DeployStep<DeployState>] {
        [DeployStep("start", weight: 1) { [self] _, _ in
            entered.withLock { $0 = true }
            while gate.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(10)) }
        }]
    }
    func rollbackPlan(of chosen: DeploymentRecord) async throws -> DeploymentPlan {
        throw DeployError(.notFound, "no plans here")
    }
    func artifactExists(_ artifact: String) async throws -> Bool { true }
    func discard(_ state: DeployState) async -> [String] { [] }
    func retire(_ previous: DeploymentRecord, replacedBy current: DeploymentRecord) async throws {}
    func stop(_ deployment: DeploymentRecord) async throws {}
    func restart(_ deployment: DeploymentRecord) async throws {}
    func remove(_ deployment: DeploymentRecord, live: Bool) async throws {}
    func logs(_ deployment: DeploymentRecord, tail: Int) async throws -> [String] { [] }
    func runtimeState(_ deployment: DeploymentRecord) async throws -> RuntimeState? { nil }
    func pruneArtifacts(of deployment: DeploymentRecord, keep: Set<String>) async throws -> [String] { [] }
    func resources(of state: DeployState) -> [String: JSONValue] { [:] }
}
