import Foundation
import Ledger
import Locations

/// Deploys to the local docker engine: build an image tagged `<name>:deploy_<id8>`, start it with
/// docker compose on the allocated port, and wait until the container is healthy.
///
/// Each app is one compose project (`deployotron-<name>`), so a new version replaces the old
/// container and databases keep running; every deployment's compose file stays in its own folder
/// under `workRoot`, so stop, restart and rollback can address it later.
public struct LocalDockerTarget: DeployTarget {
    public var docker: DockerCLI
    /// Where each deployment's compose file, generated Dockerfile and plan are kept.
    public var workRoot: URL
    public var clock: any Clock<Duration>
    /// Health polling: at most `healthPolls` looks, `pollInterval` apart.
    public var healthPolls: Int
    public var pollInterval: Duration
    /// Polls a container without a HEALTHCHECK must stay running to count as up.
    public var runningPollsWithoutHealthcheck: Int

    public init(docker: DockerCLI = DockerCLI(), workRoot: URL, clock: any Clock<Duration> = ContinuousClock(), healthPolls: Int = 90, pollInterval: Duration = .seconds(2), runningPollsWithoutHealthcheck: Int = 3) {
        self.docker = docker
        self.workRoot = workRoot
        self.clock = clock
        self.healthPolls = healthPolls
        self.pollInterval = pollInterval
        self.runningPollsWithoutHealthcheck = runningPollsWithoutHealthcheck
    }

    public var kind: DeployTargetKind { .local }

    // MARK: - Names and files

    public static func imageTag(name: String, deploymentId: String) -> String {
        "\(name):deploy_\(deploymentId.replacingOccurrences(of: "-", with: "").prefix(8).lowercased())"
    }

    public func folder(of deployment: DeploymentRecord) -> URL {
        workRoot.appendingPathComponent(deployment.name, isDirectory: true)
            .appendingPathComponent(String(deployment.id.prefix(8)), isDirectory: true)
    }

    public func composeProject(of deployment: DeploymentRecord) -> DockerCLI.ComposeProject {
        DockerCLI.ComposeProject(name: "deployotron-\(deployment.name)", file: folder(of: deployment).appendingPathComponent("docker-compose.yml"))
    }

    public func planURL(of deployment: DeploymentRecord) -> URL {
        folder(of: deployment).appendingPathComponent("deployment.json")
    }

    /// The plan written when `deployment` was made, for rollbacks.
    public func plan(of deployment: DeploymentRecord) throws -> DeploymentPlan {
        let url = planURL(of: deployment)
        guard let data = try? Data(contentsOf: url) else {
            throw DeployError(.notFound, "the files of deployment \(deployment.id) are gone (\(url.path)); deploy again instead")
        }
        do {
            return try JSONDecoder().decode(DeploymentPlan.self, from: data)
        } catch {
            throw DeployError(.invalidInput, "\(url.path) cannot be read: \(error)")
        }
    }

    // MARK: - Steps

    public func deploySteps() -> [DeployStep<DeployState>] {
        let target = self
        return [
            DeployStep("prepare files", weight: 2) { state, report in try target.prepare(&state, report) },
            DeployStep("build image", weight: 55) { state, report in try await target.buildImage(&state, report) },
            DeployStep("start containers", weight: 8) { state, report in
                report("docker compose up on port \(state.deployment.port ?? 0)")
                let project = target.composeProject(of: state.deployment)
                state.startedContainers = true
                try await target.docker.composeUp(project)
                state.containerId = try await target.docker.composeContainer(project, service: "app")
                guard state.containerId != nil else {
                    throw DeployError(.unhealthy, "docker compose started no app container for \(project.name)")
                }
            },
            DeployStep("wait until healthy", weight: 25) { state, report in
                guard let container = state.containerId else { throw DeployError(.unhealthy, "no container to wait for") }
                do {
                    try await target.waitUntilHealthy(container: container, expectedPort: try state.requireStack().port, report: report)
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
        if state.build {
            if stack.dockerfile == nil {
                let generator = DockerfileGenerator()
                try generator.dockerfile(for: stack, appFolder: state.appFolder)
                    .write(to: directory.appendingPathComponent("Dockerfile"), atomically: true, encoding: .utf8)
                // BuildKit reads `<Dockerfile>.dockerignore` beside a Dockerfile given with -f.
                try generator.dockerignore(for: stack)
                    .write(to: directory.appendingPathComponent("Dockerfile.dockerignore"), atomically: true, encoding: .utf8)
                report("generated a Dockerfile for \(stack.framework ?? stack.language)")
            } else {
                report("using the app's own \(stack.dockerfile ?? "Dockerfile")")
            }
        }
        let compose = try ComposeGenerator().compose(for: stack, options: .init(
            projectName: composeProject(of: state.deployment).name, app: .image(tag), hostPort: port,
            databases: state.databases, environment: state.environment
        ))
        // The compose file carries the environment the user passed, which may hold secrets.
        try PrivateFile.write(Data(compose.utf8), to: composeProject(of: state.deployment).file)
        let plan = DeploymentPlan(deploymentId: state.deployment.id, stack: stack, databases: state.databases, environment: state.environment, appFolder: state.appFolder.path)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try PrivateFile.write(try encoder.encode(plan), to: planURL(of: state.deployment))
        report("wrote \(composeProject(of: state.deployment).file.path)")
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
                tag: tag, dockerfile: dockerfile, context: state.appFolder,
                labels: ["deployotron.deployment": state.deployment.id, "deployotron.project": state.deployment.name]
            ) { line in
                if let fraction = tracker.fraction(after: line) { report(line, fraction: fraction) } else { report(line) }
            }
        } catch let error as DeployError {
            state.logLines.append(error.message)
            throw DeployError(.docker, "the image did not build: \(error.message)")
        }
        state.logLines += output.lastLines(20)
        report("built \(tag)", fraction: 1)
    }

    /// Polls the container's state until it is healthy, or fails saying why not.
    func waitUntilHealthy(container: String, expectedPort: Int, report: StepReporter) async throws {
        var runningPolls = 0
        var last: ContainerState?
        for poll in 0..<max(1, healthPolls) {
            let state = try await docker.inspectState(container: container)
            last = state
            let fraction = Double(poll + 1) / Double(max(1, healthPolls))
            switch (state.status, state.health?.status) {
            case (_, "healthy"?):
                report("healthy", fraction: 1)
                return
            case ("exited", _), ("dead", _), (_, "unhealthy"?):
                throw try await failure(container: container, state: state, timedOut: false, expectedPort: expectedPort)
            case ("running", nil):
                runningPolls += 1
                report("running, no health check in the image (\(runningPolls)/\(runningPollsWithoutHealthcheck))", fraction: fraction)
                if runningPolls >= runningPollsWithoutHealthcheck { return }
            default:
                report("\(state.health?.status ?? state.status)", fraction: fraction)
            }
            if poll + 1 < healthPolls { try await clock.sleep(for: pollInterval) }
        }
        throw try await failure(container: container, state: last, timedOut: true, expectedPort: expectedPort)
    }

    func failure(container: String, state: ContainerState?, timedOut: Bool, expectedPort: Int) async throws -> DeployError {
        let logs = (try? await docker.logs(container: container, tail: 40)) ?? []
        let diagnosis = StartupDiagnosis(state: state, timedOut: timedOut, logs: logs, expectedPort: expectedPort)
        return DeployError(.unhealthy, "the new version is not healthy: " + diagnosis.message)
    }

    // MARK: - Lifecycle

    public func restore(_ previous: DeploymentRecord, after failed: DeploymentRecord) async -> Bool {
        let project = composeProject(of: previous)
        guard FileManager.default.fileExists(atPath: project.file.path) else { return false }
        do {
            try await docker.composeUp(project)
            return true
        } catch {
            return false
        }
    }

    public func stop(_ deployment: DeploymentRecord) async throws {
        try await docker.composeStop(try existingProject(deployment))
    }

    public func restart(_ deployment: DeploymentRecord) async throws {
        let project = try existingProject(deployment)
        try await docker.composeUp(project)
        guard let container = try await docker.composeContainer(project, service: "app") else {
            throw DeployError(.unhealthy, "docker compose started no app container for \(project.name)")
        }
        let saved: DeploymentPlan? = try? plan(of: deployment)
        let port = saved?.stack.port ?? 0
        try await waitUntilHealthy(container: container, expectedPort: port, report: StepReporter { _, _ in })
    }

    public func remove(_ deployment: DeploymentRecord, live: Bool) async throws {
        let project = composeProject(of: deployment)
        if live, FileManager.default.fileExists(atPath: project.file.path) {
            try await docker.composeDown(project)
        }
        try? FileManager.default.removeItem(at: folder(of: deployment))
    }

    public func logs(_ deployment: DeploymentRecord, tail: Int) async throws -> [String] {
        let project = try existingProject(deployment)
        guard let container = try await docker.composeContainer(project, service: "app") else { return [] }
        return try await docker.logs(container: container, tail: tail)
    }

    public func runtimeState(_ deployment: DeploymentRecord) async throws -> ContainerState? {
        let project = composeProject(of: deployment)
        guard FileManager.default.fileExists(atPath: project.file.path),
              let container = try await docker.composeContainer(project, service: "app") else { return nil }
        return try await docker.inspectState(container: container)
    }

    public func imageExists(_ tag: String) async throws -> Bool {
        try await docker.imageExists(tag)
    }

    public func pruneImages(repository: String, keep: Set<String>) async throws -> [String] {
        var removed: [String] = []
        for tag in try await docker.imageTags(repository: repository) where tag.hasPrefix("deploy_") {
            let reference = "\(repository):\(tag)"
            guard !keep.contains(reference) else { continue }
            try await docker.removeImage(reference)
            removed.append(reference)
        }
        return removed
    }

    func existingProject(_ deployment: DeploymentRecord) throws -> DockerCLI.ComposeProject {
        let project = composeProject(of: deployment)
        guard FileManager.default.fileExists(atPath: project.file.path) else {
            throw DeployError(.notFound, "the compose file of deployment \(deployment.id) is gone (\(project.file.path)); deploy again")
        }
        return project
    }
}

/// Reads build output for how far the build is: `Step 3/9` (classic) or `#7 [build 3/6]` (BuildKit).
final class BuildProgress: Sendable {
    private static let pattern = try! NSRegularExpression(pattern: #"(?:Step |\[[^\]]*?\s?)(\d+)/(\d+)"#)

    func fraction(after line: String) -> Double? {
        let range = NSRange(line.startIndex..., in: line)
        guard let match = Self.pattern.firstMatch(in: line, range: range),
              let current = Range(match.range(at: 1), in: line).flatMap({ Double(line[$0]) }),
              let total = Range(match.range(at: 2), in: line).flatMap({ Double(line[$0]) }), total > 0 else { return nil }
        return min(1, current / total)
    }
}
