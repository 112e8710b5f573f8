import Foundation
import JSON
import Ledger
import Locations

/// Deploys to the local container engine through the docker CLI (Docker, or podman behind it).
///
/// An app without databases is one container per deployment, started with `docker run` on the
/// deployment's own port, so the version that was live keeps serving until the new one answers and
/// is only then taken down. An app with databases is a compose project per app (the databases keep
/// running between deploys); there the new app container replaces the old one, and a failed attempt
/// starts the old one again. Health is judged by probing the published port from the host; the
/// image's HEALTHCHECK status is reported when the engine has one, but is not the signal.
///
/// Every name carries the project's guid: images `<name>-<guid8>:deploy_<id8>`, containers
/// `<name>-<guid8>-<id8>`, labels `deployotron.project=<guid>`, so nothing deployotron did not make
/// is ever touched. Each deployment's files (generated Dockerfile, compose file, plan) live under
/// `workRoot`, so stop, restart and rollback can address it later.
public struct LocalDockerTarget: DeployTarget {
    public var docker: DockerCLI
    /// Where each deployment's compose file, generated Dockerfile and plan are kept.
    public var workRoot: URL
    /// Whether something answers HTTP on 127.0.0.1 at the port.
    public var probe: @Sendable (Int) async -> Bool
    public var clock: any Clock<Duration>
    /// Health polling: at most `healthPolls` looks, `pollInterval` apart.
    public var healthPolls: Int
    public var pollInterval: Duration

    public init(
        docker: DockerCLI = DockerCLI(), workRoot: URL, probe: @escaping @Sendable (Int) async -> Bool,
        clock: any Clock<Duration> = ContinuousClock(), healthPolls: Int = 90, pollInterval: Duration = .seconds(1)
    ) {
        self.docker = docker
        self.workRoot = workRoot
        self.probe = probe
        self.clock = clock
        self.healthPolls = healthPolls
        self.pollInterval = pollInterval
    }

    /// The environment variable naming the docker executable (default: `docker` on PATH).
    public static let dockerVariable = "DEPLOYOTRON_DOCKER"

    /// The target over the docker CLI the environment names, keeping each deployment's files under
    /// `$XDG_STATE_HOME/deployotron/deployments`.
    public static func standard(environment: [String: String] = ProcessInfo.processInfo.environment) -> LocalDockerTarget {
        let executable = environment[dockerVariable].flatMap { $0.isEmpty ? nil : $0 } ?? "docker"
        return LocalDockerTarget(
            docker: DockerCLI(executable: executable, runner: ProcessRunner(environment: environment)),
            workRoot: UserDirectories(environment: environment).state.appendingPathComponent("deployments", isDirectory: true),
            probe: { port in await HTTPProbe().probe(port: port).isAnswering })
    }

    public var kind: DeployTargetKind { .local }

    // MARK: - Names and files

    /// `<name>-<first 8 of the guid>`: the image repository and the stem of every container name.
    public static func stem(name: String, guid: String) -> String {
        let short = DeployService.containerName(String(guid.replacingOccurrences(of: "-", with: "").prefix(8)))
        return "\(name)-\(short)"
    }

    static func shortId(_ deploymentId: String) -> String {
        String(deploymentId.replacingOccurrences(of: "-", with: "").prefix(8).lowercased())
    }

    public func artifactName(project: DeployProject, deploymentId: String) -> String {
        "\(Self.stem(name: project.name, guid: project.guid)):deploy_\(Self.shortId(deploymentId))"
    }

    public func repository(of deployment: DeploymentRecord) -> String {
        Self.stem(name: deployment.name, guid: deployment.projectId)
    }

    public func containerName(of deployment: DeploymentRecord) -> String {
        "\(repository(of: deployment))-\(Self.shortId(deployment.id))"
    }

    public func folder(of deployment: DeploymentRecord) -> URL {
        let current = workRoot.appendingPathComponent(repository(of: deployment), isDirectory: true)
            .appendingPathComponent(String(deployment.id.prefix(8)), isDirectory: true)
        // Deployments made before names carried the guid kept their files under the bare name.
        let legacy = workRoot.appendingPathComponent(deployment.name, isDirectory: true)
            .appendingPathComponent(String(deployment.id.prefix(8)), isDirectory: true)
        if !FileManager.default.fileExists(atPath: current.path), FileManager.default.fileExists(atPath: legacy.path) { return legacy }
        return current
    }

    public func composeProject(of deployment: DeploymentRecord) -> DockerCLI.ComposeProject {
        DockerCLI.ComposeProject(name: "deployotron-\(repository(of: deployment))", file: folder(of: deployment).appendingPathComponent("docker-compose.yml"))
    }

    /// Whether the deployment runs as a compose project (it asked for databases).
    func usesCompose(_ deployment: DeploymentRecord) -> Bool {
        FileManager.default.fileExists(atPath: composeProject(of: deployment).file.path)
    }

    public func planURL(of deployment: DeploymentRecord) -> URL {
        folder(of: deployment).appendingPathComponent("deployment.json")
    }

    public func labels(of deployment: DeploymentRecord) -> [String: String] {
        ["deployotron.project": deployment.projectId, "deployotron.deployment": deployment.id, "deployotron.app": deployment.name]
    }

    // MARK: - Before anything starts

    public func preflight(_ request: DeployRequest) async throws {
        do {
            _ = try await docker.engineInfo()
        } catch var error as DeployError {
            error.code = .preflight
            throw error
        }
        if !request.databases.isEmpty {
            guard await docker.composeAvailable() else {
                throw DeployError(.preflight, "a database was asked for (\(request.databases.map(\.rawValue).joined(separator: ", "))), which runs with compose, but neither `docker compose` nor `docker-compose` is installed: install one, or deploy without --database")
            }
        }
    }

    public func rollbackPlan(of chosen: DeploymentRecord) async throws -> DeploymentPlan {
        let url = planURL(of: chosen)
        guard let data = try? Data(contentsOf: url) else {
            throw DeployError(.notFound, "the files of deployment \(chosen.id) are gone (\(url.path)); deploy that version again instead")
        }
        do {
            return try JSONDecoder().decode(DeploymentPlan.self, from: data)
        } catch {
            throw DeployError(.invalidInput, "\(url.path) cannot be read: \(error)")
        }
    }

    public func artifactExists(_ artifact: String) async throws -> Bool {
        try await docker.imageExists(artifact)
    }

    // MARK: - Steps

    public func deploySteps() -> [DeployStep<DeployState>] {
        let target = self
        return [
            DeployStep("prepare files", weight: 2) { state, report in try target.prepare(&state, report) },
            DeployStep("build image", weight: 55) { state, report in try await target.buildImage(&state, report) },
            DeployStep("start container", weight: 8) { state, report in try await target.start(&state, report) },
            DeployStep("wait until healthy", weight: 25) { state, report in
                guard let container = state.containerId, let port = state.deployment.port else {
                    throw DeployError(.unhealthy, "no container to wait for")
                }
                do {
                    try await target.waitUntilHealthy(container: container, hostPort: port, expectedPort: try state.requireStack().port, report: report)
                } catch {
                    if let logs = try? await target.docker.logs(container: container, tail: 40) { state.logLines += logs }
                    throw error
                }
                if let logs = try? await target.docker.logs(container: container, tail: 20) { state.logLines += logs }
            },
        ]
    }

    func prepare(_ state: inout DeployState, _ report: StepReporter) throws {
        let stack = try state.requireStack()
        let directory = folder(of: state.deployment)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        guard let tag = state.deployment.imageTag, let port = state.deployment.port else {
            throw DeployError(.invalidState, "deployment \(state.deployment.id) has no image tag or port yet")
        }
        state.filesWritten = true
        if state.build {
            if stack.dockerfile == nil {
                let generator = DockerfileGenerator()
                try generator.dockerfile(for: stack, appFolder: state.appFolder)
                    .write(to: directory.appendingPathComponent("Dockerfile"), atomically: true, encoding: .utf8)
                try generator.dockerignore(for: stack)
                    .write(to: directory.appendingPathComponent("Dockerfile.dockerignore"), atomically: true, encoding: .utf8)
                report("generated a Dockerfile for \(stack.framework ?? stack.language)")
            } else {
                report("using the app's own \(stack.dockerfile ?? "Dockerfile")")
            }
        }
        if !state.databases.isEmpty {
            let compose = try ComposeGenerator().compose(for: stack, options: .init(
                projectName: composeProject(of: state.deployment).name, app: .image(tag), hostPort: port,
                databases: state.databases, environment: state.environment
            ))
            // The compose file carries the environment the user passed, which may hold secrets.
            try PrivateFile.write(Data(compose.utf8), to: composeProject(of: state.deployment).file)
            report("wrote \(composeProject(of: state.deployment).file.path)")
        }
        let plan = DeploymentPlan(deploymentId: state.deployment.id, stack: stack, databases: state.databases, environment: state.environment, appFolder: state.appFolder.path)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try PrivateFile.write(try encoder.encode(plan), to: planURL(of: state.deployment))
    }

    func buildImage(_ state: inout DeployState, _ report: StepReporter) async throws {
        guard state.build, let tag = state.deployment.imageTag else {
            report("skipped: the image \(state.deployment.imageTag ?? "") exists")
            return
        }
        let dockerfile = try state.requireStack().dockerfile.map { state.appFolder.appendingPathComponent($0) }
            ?? folder(of: state.deployment).appendingPathComponent("Dockerfile")
        let tracker = BuildProgress()
        let output: ProcessOutput
        do {
            output = try await docker.build(
                tag: tag, dockerfile: dockerfile, context: state.appFolder, labels: labels(of: state.deployment)
            ) { line in
                if let fraction = tracker.fraction(after: line) { report(line, fraction: fraction) } else { report(line) }
            }
        } catch let error as DeployError {
            state.logLines.append(error.message)
            throw DeployError(error.code == .timeout ? .timeout : .docker, "the image did not build: \(error.message)")
        }
        state.logLines += output.lastLines(20)
        report("built \(tag)", fraction: 1)
    }

    func start(_ state: inout DeployState, _ report: StepReporter) async throws {
        let stack = try state.requireStack()
        guard let tag = state.deployment.imageTag, let port = state.deployment.port else {
            throw DeployError(.invalidState, "deployment \(state.deployment.id) has no image tag or port yet")
        }
        if state.databases.isEmpty {
            let name = containerName(of: state.deployment)
            report("docker run \(name) on 127.0.0.1:\(port) -> \(stack.port)")
            state.startedContainers = true
            var environment = state.environment
            environment["PORT"] = environment["PORT"] ?? String(stack.port)
            state.containerId = try await docker.runContainer(
                name: name, image: tag, hostPort: port, containerPort: stack.port,
                environment: environment, labels: labels(of: state.deployment), scratch: folder(of: state.deployment))
        } else {
            let project = composeProject(of: state.deployment)
            report("compose up \(project.name) on port \(port)")
            state.startedContainers = true
            state.replacedInPlace = true
            try await docker.composeUp(project)
            state.containerId = try await docker.composeContainer(project, service: "app")
            guard state.containerId != nil else {
                throw DeployError(.unhealthy, "compose started no app container for \(project.name)")
            }
        }
    }

    /// Polls until the published port answers, or fails saying why not: the container exited (its
    /// code and last lines), or it never answered in time.
    func waitUntilHealthy(container: String, hostPort: Int, expectedPort: Int, report: StepReporter) async throws {
        var last: ContainerState?
        let polls = max(1, healthPolls)
        for poll in 0..<polls {
            let state = try await docker.inspectState(container: container)
            last = state
            if ["exited", "dead"].contains(state.status) || (!state.running && state.status == "created" && poll > 0) {
                throw try await failure(container: container, state: state, timedOut: false, expectedPort: expectedPort)
            }
            if state.running, await probe(hostPort) {
                let health = state.health?.status
                report("answering on 127.0.0.1:\(hostPort)" + (health.map { " (health check: \($0))" } ?? ""), fraction: 1)
                return
            }
            report("\(state.status), waiting for 127.0.0.1:\(hostPort) to answer (\(poll + 1)/\(polls))", fraction: Double(poll + 1) / Double(polls))
            if poll + 1 < polls { try await clock.sleep(for: pollInterval) }
        }
        throw try await failure(container: container, state: last, timedOut: true, expectedPort: expectedPort)
    }

    func failure(container: String, state: ContainerState?, timedOut: Bool, expectedPort: Int) async throws -> DeployError {
        let logs = (try? await docker.logs(container: container, tail: 40)) ?? []
        let diagnosis = StartupDiagnosis(state: state, timedOut: timedOut, logs: logs, expectedPort: expectedPort)
        return DeployError(.unhealthy, "the new version is not healthy: " + diagnosis.message)
    }

    // MARK: - Undo and replace

    public func discard(_ state: DeployState) async -> [String] {
        var notes: [String] = []
        let deployment = state.deployment
        if state.startedContainers {
            if state.replacedInPlace {
                // Compose replaced the app container: bring the previous version's back, or take ours down.
                if let previous = state.previous, usesCompose(previous) {
                    do {
                        try await docker.composeUp(composeProject(of: previous))
                    } catch {
                        notes.append("the previous deployment \(previous.id.prefix(8)) could not be started again (\(error)); `deployotron restart \(previous.id.prefix(8))` tries again")
                    }
                } else {
                    do {
                        try await docker.composeDown(composeProject(of: deployment))
                    } catch {
                        notes.append("the containers of \(composeProject(of: deployment).name) could not be removed (\(error))")
                    }
                }
            } else {
                do {
                    try await docker.removeContainer(name: containerName(of: deployment))
                } catch {
                    notes.append("its container \(containerName(of: deployment)) could not be removed (\(error)); `docker rm -f \(containerName(of: deployment))` removes it")
                }
            }
        }
        if state.filesWritten { try? FileManager.default.removeItem(at: folder(of: deployment)) }
        return notes
    }

    public func retire(_ previous: DeploymentRecord, replacedBy current: DeploymentRecord) async throws {
        if usesCompose(previous) {
            // The same compose project: `up` already replaced the app container.
            if composeProject(of: previous).name != composeProject(of: current).name || !usesCompose(current) {
                try await docker.composeDown(composeProject(of: previous))
            }
        } else {
            try await docker.removeContainer(name: containerName(of: previous))
        }
    }

    // MARK: - Lifecycle

    public func stop(_ deployment: DeploymentRecord) async throws {
        if usesCompose(deployment) {
            try await docker.composeStop(composeProject(of: deployment))
        } else {
            try await docker.stopContainer(name: containerName(of: deployment))
        }
    }

    public func restart(_ deployment: DeploymentRecord) async throws {
        let container: String
        if usesCompose(deployment) {
            let project = composeProject(of: deployment)
            try await docker.composeUp(project)
            guard let id = try await docker.composeContainer(project, service: "app") else {
                throw DeployError(.unhealthy, "compose started no app container for \(project.name)")
            }
            container = id
        } else {
            container = containerName(of: deployment)
            guard try await docker.containerState(name: container) != nil else {
                throw DeployError(.notFound, "the container of deployment \(deployment.id) is gone; deploy again or roll back to it")
            }
            try await docker.startContainer(name: container)
        }
        let port = (try? await rollbackPlan(of: deployment))?.stack.port ?? 0
        guard let hostPort = deployment.port else { return }
        try await waitUntilHealthy(container: container, hostPort: hostPort, expectedPort: port, report: StepReporter { _, _ in })
    }

    public func remove(_ deployment: DeploymentRecord, live: Bool) async throws {
        if usesCompose(deployment) {
            if live { try await docker.composeDown(composeProject(of: deployment)) }
        } else {
            try await docker.removeContainer(name: containerName(of: deployment))
        }
        try? FileManager.default.removeItem(at: folder(of: deployment))
    }

    public func logs(_ deployment: DeploymentRecord, tail: Int) async throws -> [String] {
        guard let container = try await runningContainer(of: deployment) else { return [] }
        return try await docker.logs(container: container, tail: tail)
    }

    /// `docker logs --since`; a filter reads every line since then and keeps the last matching ones.
    public func logs(_ deployment: DeploymentRecord, query: LogQuery) async throws -> [String] {
        guard let container = try await runningContainer(of: deployment) else { return [] }
        guard let filter = query.filter else { return try await docker.logs(container: container, tail: query.tail, since: query.since) }
        return Array(try await docker.logs(container: container, tail: nil, since: query.since).filter(filter.matches).suffix(query.tail))
    }

    /// `docker logs --follow`, filtered here; Ctrl-C stops the docker process.
    public func followLogs(_ deployment: DeploymentRecord, query: LogQuery, onLine: @escaping @Sendable (String) -> Void) async throws {
        guard let container = try await runningContainer(of: deployment) else {
            throw DeployError(.notFound, "deployment \(deployment.id.prefix(8)) has no container to follow (\(containerName(of: deployment)) is gone); `deployotron restart \(deployment.id.prefix(8))` starts it again")
        }
        // With a filter, the backlog is the matching lines among the last 5000: docker's --tail counts
        // every line, and the backlog and new lines arrive as one stream.
        let filter = query.filter
        try await docker.followLogs(container: container, tail: filter == nil ? query.tail : 5000, since: query.since) { line in
            if filter?.matches(line) ?? true { onLine(line) }
        }
    }

    public func runtimeState(_ deployment: DeploymentRecord) async throws -> RuntimeState? {
        guard let container = try await runningContainer(of: deployment) else { return nil }
        let state = try await docker.inspectState(container: container)
        return RuntimeState(status: state.status, health: state.health?.status)
    }

    /// The deployment's container, as an id or a name; nil when it has none.
    func runningContainer(of deployment: DeploymentRecord) async throws -> String? {
        if usesCompose(deployment) {
            return try await docker.composeContainer(composeProject(of: deployment), service: "app")
        }
        let name = containerName(of: deployment)
        return try await docker.containerState(name: name) == nil ? nil : name
    }

    public func pruneArtifacts(of deployment: DeploymentRecord, keep: Set<String>) async throws -> [String] {
        let repository = repository(of: deployment)
        var removed: [String] = []
        for tag in try await docker.imageTags(repository: repository) where tag.hasPrefix("deploy_") {
            let reference = "\(repository):\(tag)"
            guard !keep.contains(reference) else { continue }
            try await docker.removeImage(reference)
            removed.append(reference)
        }
        return removed
    }

    public func resources(of state: DeployState) -> [String: JSONValue] {
        let deployment = state.deployment
        var resources: [String: JSONValue] = ["localImage": .string(deployment.imageTag ?? "")]
        if let url = deployment.url { resources["localUrl"] = .string(url) }
        return resources
    }
}

/// Reads build output for how far the build is: `Step 3/9` (classic) or `#7 [build 3/6]` (BuildKit).
final class BuildProgress: Sendable {
    private static let pattern = try! NSRegularExpression(pattern: #"(?:(?:STEP|Step) |\[[^\]]*?\s?)(\d+)/(\d+)"#)

    func fraction(after line: String) -> Double? {
        let range = NSRange(line.startIndex..., in: line)
        guard let match = Self.pattern.firstMatch(in: line, range: range),
              let current = Range(match.range(at: 1), in: line).flatMap({ Double(line[$0]) }),
              let total = Range(match.range(at: 2), in: line).flatMap({ Double(line[$0]) }), total > 0 else { return nil }
        return min(1, current / total)
    }
}
