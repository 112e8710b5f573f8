import Agent
import Claude
import Deploy
import DeployTools
import Foundation
import JSON
import Ledger
import Locations
import LogTriage

/// Everything one deployotron process works with, built once from flags, environment and files:
/// the project (its root and its one identity, the guid in `.deployotron/project.json`), the ledger,
/// the model configuration and the Claude client, skills and prompts, the deploy target and the
/// tool registry. The REPL, `-p`, every subcommand and `serve` run against it, so they agree on
/// the project's key, its lock and its history; tests build one with fakes and run commands
/// without spawning the binary.
struct Workspace: Sendable {
    var environment: [String: String]
    var projectRoot: URL
    var directories: UserDirectories
    /// Where the ledger is, or why `--store` / `DEPLOYOTRON_STORE` does not name a usable one (said
    /// when a command opens the ledger, so commands that never need it are not stopped by it).
    var ledgerLocation: Result<LedgerLocation, LedgerError>
    /// Opened on first use, so a slow store never delays the first prompt.
    var ledger: LazyLedger
    /// The model every conversation starts with (flag > environment > project file > user file > default).
    var model: String
    /// The Claude configuration, or why there is none (no key).
    var claude: Result<ClaudeConfiguration, ClaudeError>
    /// Makes the client every conversation and diagnosis talks through.
    var makeClient: @Sendable (ClaudeConfiguration) -> any MessagesStreaming
    var target: any DeployTarget
    /// The targets besides the local one (S3 + CloudFront, ECS), for `--target` and rollbacks of their deployments.
    var otherTargets: [any DeployTarget] = []
    var console: Console

    /// The workspace of this process for the project at `projectRoot` (default: the current directory).
    static func current(
        projectRoot: String? = nil, store: String? = nil, model: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment, console: Console = .standard
    ) -> Workspace {
        let root = URL(fileURLWithPath: projectRoot ?? FileManager.default.currentDirectoryPath, isDirectory: true).standardizedFileURL
        let location: Result<LedgerLocation, LedgerError>
        do {
            location = .success(try LedgerLocation.resolve(flag: store, environment: environment))
        } catch let error as LedgerError {
            location = .failure(error)
        } catch {
            location = .failure(LedgerError(.invalidStoreURL, "\(error)"))
        }
        var workspace = Workspace(
            environment: environment, projectRoot: root, storeFlag: store, modelFlag: model,
            ledgerLocation: location,
            target: LocalDockerTarget.standard(environment: environment),
            makeClient: { ClaudeClient(configuration: $0) }, console: console)
        workspace.otherTargets = [S3CloudFrontTarget.standard(environment: environment), ECSTarget.standard(environment: environment)]
        return workspace
    }

    init(
        environment: [String: String], projectRoot: URL, storeFlag: String? = nil, modelFlag: String? = nil,
        ledgerLocation: Result<LedgerLocation, LedgerError>, target: any DeployTarget,
        makeClient: @escaping @Sendable (ClaudeConfiguration) -> any MessagesStreaming, console: Console
    ) {
        self.environment = environment
        self.projectRoot = projectRoot
        self.directories = UserDirectories(environment: environment)
        self.ledgerLocation = ledgerLocation
        // Deployments recorded under the folder's path before the guid was everywhere join the project.
        let adoptLegacy: @Sendable (any LedgerStore) async -> Void = { store in
            guard let legacy = try? await store.deployments(projectId: projectRoot.path, limit: 1), !legacy.isEmpty,
                  let identity = try? ProjectIdentity.loadOrCreate(projectRoot: projectRoot) else { return }
            let service = DeployService(store: store, target: target, projects: { _ in DeployProject(guid: identity.guid, name: "") }, git: nil)
            _ = try? await service.adoptLegacyDeployments(of: projectRoot, into: identity.guid)
        }
        self.ledger = LazyLedger(location: ledgerLocation, environment: environment, afterOpen: adoptLegacy)
        self.model = ClaudeConfiguration.resolveModel(flag: modelFlag, environment: environment, projectDirectory: projectRoot)
        let model = self.model
        do {
            self.claude = .success(try ClaudeConfiguration(environment: environment, modelFlag: model, projectDirectory: projectRoot))
        } catch let error as ClaudeError {
            self.claude = .failure(error)
        } catch {
            self.claude = .failure(ClaudeError(code: .missingCredentials, message: "\(error)"))
        }
        self.makeClient = makeClient
        self.target = target
        self.console = console
    }

    // MARK: - The project

    /// The project's identity, written to `.deployotron/project.json` on first use; only commands
    /// that act on the project ask for it, so `serve` or `analyze` leave the folder untouched.
    func identity() throws -> ProjectIdentity {
        do {
            return try ProjectIdentity.loadOrCreate(projectRoot: projectRoot)
        } catch let error as AgentError {
            throw CommandError(error.message)
        }
    }

    /// The project's guid; fails with what to do when `.deployotron/project.json` is unusable.
    func guid() throws -> String {
        try identity().guid
    }

    /// The project a folder belongs to: this workspace's for its root and anything inside it, the
    /// folder's own `.deployotron/project.json` for a folder elsewhere.
    func project(of folder: URL) throws -> DeployProject {
        let folder = folder.standardizedFileURL
        let name = DeployService.containerName(folder.lastPathComponent)
        let root = projectRoot.path.hasSuffix("/") ? projectRoot.path : projectRoot.path + "/"
        if folder.path == projectRoot.path || folder.path.hasPrefix(root) {
            return DeployProject(guid: try guid(), name: name)
        }
        do {
            return DeployProject(guid: try ProjectIdentity.loadOrCreate(projectRoot: folder).guid, name: name)
        } catch let error as AgentError {
            throw DeployError(.invalidInput, error.message)
        }
    }

    /// The user the project is filed under.
    var user: String {
        environment["USER"].flatMap { $0.isEmpty ? nil : $0 } ?? ProjectRecord.unknownUser
    }

    // MARK: - Services

    /// The deploy service: this workspace's ledger, target and project identity.
    var deploy: DeployService {
        let workspace = self
        var service = DeployService(
            store: ledger, target: target, otherTargets: otherTargets, projects: { try workspace.project(of: $0) },
            git: ProcessRunner(environment: environment))
        service.defaultEnvironment = defaultEnvironment
        return service
    }

    /// The deploy environment of commands that name none: `DEPLOYOTRON_ENVIRONMENT`, else the
    /// project's `.deployotron/config.json` `"environment"`, else production. Checked where it is used.
    var defaultEnvironment: String {
        if let named = environment["DEPLOYOTRON_ENVIRONMENT"], !named.isEmpty { return named }
        let config = projectRoot.appendingPathComponent(".deployotron/config.json")
        if let data = FileManager.default.contents(atPath: config.path),
           let named = (try? JSONValue(parsing: data))?.objectValue?["environment"]?.stringValue, !named.isEmpty {
            return named
        }
        return DeployEnvironment.defaultName
    }

    /// The skills of the project: bundled, the user's and the project's own.
    var skills: SkillsCatalog {
        SkillsCatalog.discover(projectRoot: projectRoot, home: directories.home, layout: InstallLayout.current(environment: environment))
    }

    /// The tools a session gives Claude: the project's files, the skills, and the deploy services.
    func registry(skills: SkillsCatalog) throws -> ToolRegistry {
        let toolset = DeployToolset(service: deploy, resources: ledger, projectGuid: try? guid())
        return try ToolRegistry(FileTools.all + SkillTools(catalog: skills).tools + toolset.tools)
    }

    /// Scrubs every tool result before Claude, the history or the transcript sees it.
    static let redact: @Sendable (String) -> String = { [redactor = SecretRedactor()] text in redactor.redact(text) }

    /// The system prompt from the prompt library (the project's overrides, the install's files, the
    /// copies built into the binary).
    func system(registry: ToolRegistry, skills: SkillsCatalog) throws -> [SystemBlock] {
        let prompt = SystemPrompt(
            projectRoot: projectRoot, projectGuid: (try? guid()) ?? "unknown",
            notifyURL: environment["DEPLOYOTRON_NOTIFY_URL"] ?? "http://127.0.0.1:8082",
            toolNames: registry.tools.map(\.name), skills: SkillsListing(skills.skills))
        return try prompt.blocks(library: .standard(projectRoot: projectRoot, layout: InstallLayout.current(environment: environment)))
    }

    var transcripts: TranscriptStore { TranscriptStore(directories: directories) }

    /// Files the project in the ledger under this user when its identity was just made.
    func register(_ identity: ProjectIdentity?) async {
        guard let identity, identity.isNew else { return }
        _ = try? await ledger.open().registerProject(guid: identity.guid, userId: user, name: projectRoot.lastPathComponent, at: Date())
    }
}

/// Where commands print: standard output and standard error, or a capture in tests.
struct Console: Sendable {
    /// One line; the newline is added.
    var out: @Sendable (String) -> Void
    var err: @Sendable (String) -> Void

    /// Text that carries its own line ends (a rendered report, a generated file).
    func text(_ text: String) {
        guard !text.isEmpty else { return }
        out(text.hasSuffix("\n") ? String(text.dropLast()) : text)
    }

    /// Each line is written at once (not buffered), so progress reaches a pipe or a file as it happens.
    static let standard = Console(
        out: { line in FileHandle.standardOutput.write(Data((line + "\n").utf8)) },
        err: { line in FileHandle.standardError.write(Data((line + "\n").utf8)) })
}
