import Foundation

/// The docker commands deploys need, run through the docker CLI.
///
/// The executable is configuration (default: `docker` on PATH) so tests can put a recording fake in its place.
/// The engine behind it may be Docker or podman's Docker-compatible service; both are spoken to the same way.
public struct DockerCLI: Sendable {
    public var executable: String
    public var runner: ProcessRunner
    /// How long a build may take.
    public var buildTimeout: Duration
    /// How long any other docker command may take.
    public var commandTimeout: Duration
    /// How long `engineInfo()` waits for the engine to answer.
    public var engineTimeout: Duration
    /// The compose CLI to use; nil finds one on first use (`docker compose`, else `docker-compose`).
    public var compose: ComposeCommand?
    /// What the first detection found, shared by copies of this value.
    let detectedCompose = ComposeDetection()

    public init(
        executable: String = "docker", runner: ProcessRunner = ProcessRunner(), buildTimeout: Duration = .seconds(1800),
        commandTimeout: Duration = .seconds(120), engineTimeout: Duration = .seconds(8), compose: ComposeCommand? = nil
    ) {
        self.executable = executable
        self.runner = runner
        self.buildTimeout = buildTimeout
        self.commandTimeout = commandTimeout
        self.engineTimeout = engineTimeout
        self.compose = compose
    }

    /// Runs `docker ARGS`, failing with the command's last lines when it exits non-zero.
    @discardableResult
    func run(
        _ arguments: [String], timeout: Duration? = nil, what: String, workingDirectory: URL? = nil,
        input: ProcessRunner.Input = .none, onLine: (@Sendable (String) -> Void)? = nil
    ) async throws -> ProcessOutput {
        try await run(executable, arguments, timeout: timeout, what: what, workingDirectory: workingDirectory, input: input, onLine: onLine)
    }

    /// Runs `program ARGS` (docker, or a standalone docker-compose), failing as `run(_:)` does.
    @discardableResult
    func run(
        _ program: String, _ arguments: [String], timeout: Duration? = nil, what: String, workingDirectory: URL? = nil,
        input: ProcessRunner.Input = .none, onLine: (@Sendable (String) -> Void)? = nil
    ) async throws -> ProcessOutput {
        let output = try await runner.run(program, arguments, workingDirectory: workingDirectory, timeout: timeout ?? commandTimeout, input: input, onLine: onLine)
        let name = URL(fileURLWithPath: program).lastPathComponent
        if output.timedOut {
            let shown = ([name] + arguments.prefix(2)).joined(separator: " ")
            throw DeployError(.timeout, "\(what) did not finish in time (\(shown) ...); check that the container engine is responsive")
        }
        guard output.exitCode == 0 else {
            let tail = output.lastLines(8).joined(separator: "\n")
            throw DeployError(.docker, "\(what) failed (\(name) exited \(output.exitCode))" + (tail.isEmpty ? "" : ":\n\(tail)"))
        }
        return output
    }

    // MARK: - Images

    /// Builds `dockerfile` with `context` as `tag`, reporting each output line.
    ///
    /// The context goes to the engine as a tar deployotron makes (`docker build -f NAME -`), so what
    /// is left out does not depend on the builder: the classic builder (podman's, or Docker without
    /// BuildKit) ignores `Dockerfile.dockerignore`. `.env` files and `.git` never go in; the app's
    /// `.dockerignore` and a `<dockerfile>.dockerignore` beside the Dockerfile are applied.
    public func build(tag: String, dockerfile: URL, context: URL, labels: [String: String] = [:], onLine: (@Sendable (String) -> Void)? = nil) async throws -> ProcessOutput {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("deployotron-build-\(UUID().uuidString)", isDirectory: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let archive = try await BuildContext(root: context, dockerfile: dockerfile).archive(in: scratch, runner: runner)
        var arguments = ["build", "-t", tag, "-f", BuildContext.dockerfileName]
        for (key, value) in labels.sorted(by: { $0.key < $1.key }) { arguments += ["--label", "\(key)=\(value)"] }
        arguments.append("-")
        return try await run(arguments, timeout: buildTimeout, what: "building \(tag)", input: .file(archive), onLine: onLine)
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

    // MARK: - Containers

    public func inspectState(container: String) async throws -> ContainerState {
        let output = try await run(["inspect", "--format", "{{json .State}}", container], what: "inspecting \(container)")
        return try Self.decodeState(output.stdout)
    }

    /// The container's last `tail` log lines, stdout and stderr together.
    public func logs(container: String, tail: Int) async throws -> [String] {
        let output = try await run(["logs", "--tail", String(tail), container], what: "reading the logs of \(container)")
        return output.lastLines(tail)
    }

    /// Reads `{{json .State}}`. podman reports a container that has ended but whose cleanup has not
    /// run yet as `stopped`; that is Docker's `exited`, so it reads as that.
    static func decodeState(_ text: String) throws -> ContainerState {
        do {
            var state = try JSONDecoder().decode(ContainerState.self, from: Data(text.utf8))
            if state.status == "stopped" && !state.running { state.status = "exited" }
            return state
        } catch {
            throw DeployError(.docker, "docker inspect printed a state deployotron cannot read: \(text.prefix(200))")
        }
    }

    /// Whether a failed command's output says the container (or object) does not exist.
    static func saysMissing(_ output: ProcessOutput) -> Bool {
        let text = (output.stderr + output.stdout).lowercased()
        return text.contains("no such container") || text.contains("no such object")
    }
}
