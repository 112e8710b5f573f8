import Foundation

/// Compose projects, through whichever compose CLI answers: the v2 plugin or the v1 `docker-compose`.
extension DockerCLI {
    /// A compose project: its name and file.
    public struct ComposeProject: Sendable, Equatable {
        public var name: String
        public var file: URL

        public init(name: String, file: URL) {
            self.name = name
            self.file = file
        }

        /// The project options both compose CLIs take before a command.
        var options: [String] { ["-p", name, "-f", file.path] }
    }

    /// The compose CLI this docker uses, detected once; nil when neither answers.
    public func composeCommand() async -> ComposeCommand? {
        if let compose { return compose }
        if let known = detectedCompose.value { return known }
        var found: ComposeCommand?
        let plugin = try? await runner.run(executable, ["compose", "version", "--short"], timeout: .seconds(15))
        if let plugin, plugin.succeeded {
            found = ComposeCommand(executable: executable, prefix: ["compose"], version: plugin.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        } else if let standalone = try? await runner.run("docker-compose", ["version", "--short"], timeout: .seconds(15)), standalone.succeeded {
            found = ComposeCommand(executable: "docker-compose", prefix: [], version: standalone.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        if let found { detectedCompose.remember(found) }
        return found
    }

    /// Whether a compose CLI answers; never fails.
    public func composeAvailable() async -> Bool {
        await composeCommand() != nil
    }

    /// The compose CLI, or an error saying what to install.
    public func requireCompose() async throws -> ComposeCommand {
        try Task.checkCancellation()
        guard let command = await composeCommand() else {
            try Task.checkCancellation()
            throw DeployError(.docker, "neither `docker compose` nor `docker-compose` answers: install the compose plugin (docker-compose-plugin) or Debian's docker-compose, then try again")
        }
        return command
    }

    @discardableResult
    func compose(_ project: ComposeProject, _ arguments: [String], what: String) async throws -> ProcessOutput {
        let command = try await requireCompose()
        return try await run(command.executable, command.prefix + project.options + arguments, what: what)
    }

    public func composeUp(_ project: ComposeProject) async throws {
        try await compose(project, ["up", "-d", "--remove-orphans"], what: "starting \(project.name)")
    }

    public func composeDown(_ project: ComposeProject) async throws {
        try await compose(project, ["down", "--remove-orphans"], what: "removing \(project.name)")
    }

    public func composeStop(_ project: ComposeProject) async throws {
        try await compose(project, ["stop"], what: "stopping \(project.name)")
    }

    public func composeStart(_ project: ComposeProject) async throws {
        try await compose(project, ["start"], what: "starting \(project.name)")
    }

    /// The container id of `service`, nil when it has none.
    public func composeContainer(_ project: ComposeProject, service: String) async throws -> String? {
        let output = try await compose(project, ["ps", "-a", "-q", service], what: "listing \(project.name)")
        return output.stdout.split(separator: "\n").first.map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 }
    }
}
