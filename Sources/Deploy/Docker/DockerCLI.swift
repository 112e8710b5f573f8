import Foundation

/// The docker commands deploys need, run through the docker CLI.
///
/// The executable is configuration (default: `docker` on PATH) so tests can put a recording fake in its place.
public struct DockerCLI: Sendable {
    public var executable: String
    public var runner: ProcessRunner
    /// How long a build may take.
    public var buildTimeout: Duration
    /// How long any other docker command may take.
    public var commandTimeout: Duration

    public init(executable: String = "docker", runner: ProcessRunner = ProcessRunner(), buildTimeout: Duration = .seconds(1800), commandTimeout: Duration = .seconds(120)) {
        self.executable = executable
        self.runner = runner
        self.buildTimeout = buildTimeout
        self.commandTimeout = commandTimeout
    }

    /// A compose project: its name and file.
    public struct ComposeProject: Sendable, Equatable {
        public var name: String
        public var file: URL

        public init(name: String, file: URL) {
            self.name = name
            self.file = file
        }

        var arguments: [String] { ["compose", "-p", name, "-f", file.path] }
    }

    /// Runs `docker ARGS`, failing with the command's last lines when it exits non-zero.
    @discardableResult
    func run(_ arguments: [String], timeout: Duration? = nil, what: String, workingDirectory: URL? = nil, onLine: (@Sendable (String) -> Void)? = nil) async throws -> ProcessOutput {
        let output = try await runner.run(executable, arguments, workingDirectory: workingDirectory, timeout: timeout ?? commandTimeout, onLine: onLine)
        if output.timedOut {
            throw DeployError(.timeout, "\(what) did not finish in time (docker \(arguments.prefix(3).joined(separator: " ")) ...); check that the docker engine is responsive")
        }
        guard output.exitCode == 0 else {
            let tail = output.lastLines(8).joined(separator: "\n")
            throw DeployError(.docker, "\(what) failed (docker exited \(output.exitCode))" + (tail.isEmpty ? "" : ":\n\(tail)"))
        }
        return output
    }

    /// `docker build -t TAG -f DOCKERFILE CONTEXT`, reporting each output line.
    public func build(tag: String, dockerfile: URL, context: URL, labels: [String: String] = [:], onLine: (@Sendable (String) -> Void)? = nil) async throws -> ProcessOutput {
        var arguments = ["build", "-t", tag, "-f", dockerfile.path]
        for (key, value) in labels.sorted(by: { $0.key < $1.key }) { arguments += ["--label", "\(key)=\(value)"] }
        arguments.append(context.path)
        return try await run(arguments, timeout: buildTimeout, what: "building \(tag)", onLine: onLine)
    }

    public func composeUp(_ project: ComposeProject) async throws {
        try await run(project.arguments + ["up", "-d", "--remove-orphans"], what: "starting \(project.name)")
    }

    public func composeDown(_ project: ComposeProject) async throws {
        try await run(project.arguments + ["down", "--remove-orphans"], what: "removing \(project.name)")
    }

    public func composeStop(_ project: ComposeProject) async throws {
        try await run(project.arguments + ["stop"], what: "stopping \(project.name)")
    }

    public func composeStart(_ project: ComposeProject) async throws {
        try await run(project.arguments + ["start"], what: "starting \(project.name)")
    }

    /// The container id of `service`, nil when it has none.
    public func composeContainer(_ project: ComposeProject, service: String) async throws -> String? {
        let output = try await run(project.arguments + ["ps", "-a", "-q", service], what: "listing \(project.name)")
        return output.stdout.split(separator: "\n").first.map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 }
    }

    public func inspectState(container: String) async throws -> ContainerState {
        let output = try await run(["inspect", "--format", "{{json .State}}", container], what: "inspecting \(container)")
        do {
            return try JSONDecoder().decode(ContainerState.self, from: Data(output.stdout.utf8))
        } catch {
            throw DeployError(.docker, "docker inspect printed a state deployotron cannot read: \(output.stdout.prefix(200))")
        }
    }

    /// The container's last `tail` log lines, stdout and stderr together.
    public func logs(container: String, tail: Int) async throws -> [String] {
        let output = try await run(["logs", "--tail", String(tail), container], what: "reading the logs of \(container)")
        return output.lastLines(tail)
    }

    public func imageExists(_ tag: String) async throws -> Bool {
        let output = try await runner.run(executable, ["image", "inspect", "--format", "{{.Id}}", tag], timeout: commandTimeout)
        return output.succeeded
    }

    /// Tags of `repository`'s images: `deploy_1a2b3c4d`, `latest`...
    public func imageTags(repository: String) async throws -> [String] {
        let output = try await run(["image", "ls", repository, "--format", "{{.Tag}}"], what: "listing images of \(repository)")
        return output.stdout.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty && $0 != "<none>" }
    }

    public func removeImage(_ tag: String) async throws {
        try await run(["rmi", tag], what: "removing image \(tag)")
    }
}
