import Foundation
import Ledger
import Logging

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The deploy services Claude calls as tools and users call as subcommands.
///
/// Plain async functions taking and returning Codable values, so tool adapters and commands stay thin.
/// Every deployment is recorded in the ledger; a deploy lock per project refuses a second deploy
/// while one runs; a deploy interrupted by a crash is marked `interrupted` on the next start.
public struct DeployService: Sendable {
    public var store: any DeploymentStore
    public var target: any DeployTarget
    public var ports: PortAllocator
    public var detector = StackDetector()
    /// The clock for ledger times.
    public var now: @Sendable () -> Date
    /// Who we are, for deploy locks and crash detection.
    public var processId: Int32
    public var hostName: String
    public var isProcessAlive: @Sendable (Int32) -> Bool
    /// Runs `git rev-parse HEAD` for the commit; nil skips it.
    public var git: ProcessRunner?
    /// Images of this many most recent deployments per project survive pruning.
    public var keptImages = 5
    public var logger: Logger

    public init(
        store: any DeploymentStore, target: any DeployTarget, ports: PortAllocator? = nil,
        now: @escaping @Sendable () -> Date = { Date() },
        processId: Int32 = ProcessInfo.processInfo.processIdentifier,
        hostName: String = ProcessInfo.processInfo.hostName,
        isProcessAlive: @escaping @Sendable (Int32) -> Bool = DeployService.processExists,
        git: ProcessRunner? = ProcessRunner(),
        logger: Logger = Logger(label: "deployotron.deploy")
    ) {
        self.store = store
        self.target = target
        self.ports = ports ?? PortAllocator(store: store)
        self.now = now
        self.processId = processId
        self.hostName = hostName
        self.isProcessAlive = isProcessAlive
        self.git = git
        self.logger = logger
    }

    /// Whether a process with this id exists on this host.
    public static let processExists: @Sendable (Int32) -> Bool = { pid in
        guard pid > 0 else { return false }
        return kill(pid, 0) == 0 || errno == EPERM
    }

    // MARK: - Detection and generators

    public func detect(_ input: DetectInput) throws -> DetectedStack {
        try GeneratorService(detector: detector).detect(input)
    }

    public func generateDockerfile(_ input: GenerateInput) throws -> GenerateOutput {
        try GeneratorService(detector: detector).generateDockerfile(input)
    }

    public func generateCompose(_ input: GenerateInput) throws -> GenerateOutput {
        try GeneratorService(detector: detector).generateCompose(input)
    }

    // MARK: - Deploy

    /// Builds, starts and health-checks the app at `path` on the local docker engine.
    ///
    /// Throws when the new version is not healthy; the deployment is then recorded as failed and
    /// the version that was live before is started again.
    public func deployLocal(_ input: DeployLocalInput, progress: ProgressHandler? = nil) async throws -> DeployOutcome {
        let root = URL(fileURLWithPath: input.path).standardizedFileURL
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw DeployError(.noStack, "\(root.path) is not a folder: pass the path of the project to deploy")
        }
        _ = try await recoverInterrupted()
        let id = UUID().uuidString.lowercased()
        let name = Self.containerName(input.name ?? root.lastPathComponent)
        let projectId = input.projectId ?? root.path
        let record = DeploymentRecord(
            id: id, projectId: projectId, name: name, target: target.kind, status: .pending,
            imageTag: LocalDockerTarget.imageTag(name: name, deploymentId: id), commit: await commit(of: root),
            startedAt: now(), ownerPID: processId
        )
        let previous = try await liveDeployment(projectId: projectId)
        var state = DeployState(deployment: record, appFolder: root, stack: nil, databases: input.databases ?? [], environment: input.environment ?? [:], build: true, previous: previous)
        let service = self
        let steps: [DeployStep<DeployState>] = [
            lockStep(),
            DeployStep("detect stack", weight: 2) { state, report in
                let stack = try service.detector.detect(at: root)
                state.stack = stack
                if let appPath = stack.appPath { state.appFolder = root.appendingPathComponent(appPath, isDirectory: true) }
                report("\(stack.framework ?? stack.language) on port \(stack.port) (confidence \(stack.confidence))")
                state.deployment.status = .inProgress
                try await service.save(state.deployment)
            },
            portStep(),
        ] + target.deploySteps() + [recordStep(replacedStatus: .stopped)]
        return try await run(DeployWorkflow(steps: steps), state: &state, progress: progress)
    }

    /// Deploys an earlier deployment's image again, after checking the image still exists.
    public func rollback(_ input: RollbackInput, progress: ProgressHandler? = nil) async throws -> DeployOutcome {
        _ = try await recoverInterrupted()
        let chosen: DeploymentRecord
        if let reference = input.deploymentId {
            chosen = try await deployment(matching: reference)
        } else {
            let projectId = try projectId(path: input.path, projectId: input.projectId)
            let live = try await liveDeployment(projectId: projectId)
            let history = try await store.deployments(projectId: projectId, limit: nil)
            let earlier = history.filter { $0.id != live?.id && $0.imageTag != nil && [.stopped, .rolledBack, .running].contains($0.status) && $0.startedAt <= (live?.startedAt ?? .distantFuture) }
            guard let candidate = earlier.first(where: { $0.imageTag != live?.imageTag }) ?? earlier.first else {
                throw DeployError(.notFound, "no earlier successful deployment of \(projectId) to roll back to")
            }
            chosen = candidate
        }
        guard let tag = chosen.imageTag else {
            throw DeployError(.invalidState, "deployment \(chosen.id) has no image to roll back to")
        }
        guard chosen.status != .failed, chosen.status != .interrupted else {
            throw DeployError(.invalidState, "deployment \(chosen.id) \(chosen.status == .failed ? "failed" : "was interrupted"); roll back to one that ran")
        }
        guard let local = target as? LocalDockerTarget else {
            throw DeployError(.unsupportedTarget, "rollback is implemented for local deployments only")
        }
        let plan = try local.plan(of: chosen)
        let id = UUID().uuidString.lowercased()
        let record = DeploymentRecord(
            id: id, projectId: chosen.projectId, name: chosen.name, target: target.kind, status: .pending,
            imageTag: tag, commit: chosen.commit, startedAt: now(), rollbackOf: chosen.id, ownerPID: processId
        )
        let previous = try await liveDeployment(projectId: chosen.projectId)
        var state = DeployState(deployment: record, appFolder: URL(fileURLWithPath: plan.appFolder), stack: plan.stack, databases: plan.databases, environment: plan.environment, build: false, previous: previous)
        let service = self
        let steps: [DeployStep<DeployState>] = [
            lockStep(),
            DeployStep("check image", weight: 2) { state, report in
                guard try await service.target.imageExists(tag) else {
                    throw DeployError(.imageMissing, "the image \(tag) of deployment \(chosen.id) no longer exists (pruned or removed); deploy that version again instead")
                }
                report("\(tag) exists")
                state.deployment.status = .inProgress
                try await service.save(state.deployment)
            },
            portStep(),
        ] + target.deploySteps() + [recordStep(replacedStatus: .rolledBack)]
        return try await run(DeployWorkflow(steps: steps), state: &state, progress: progress)
    }

    func lockStep() -> DeployStep<DeployState> {
        let service = self
        return DeployStep("take deploy lock", weight: 1) { state, report in
            let lock = DeployLock(projectId: state.deployment.projectId, deploymentId: state.deployment.id, holder: "pid \(service.processId) on host \(service.hostName)", since: service.now())
            if let held = try await service.store.acquireDeployLock(lock), held.deploymentId != lock.deploymentId {
                let since = held.since.formatted(Date.ISO8601FormatStyle())
                throw DeployError(.locked, "another deploy of \(state.deployment.projectId) is running: deployment \(held.deploymentId), held by \(held.holder) since \(since). Wait for it to finish, or if that process is gone, run any deployotron command to clear it")
            }
            state.holdsLock = true
            report("locked by \(lock.holder)")
        }
    }

    func portStep() -> DeployStep<DeployState> {
        let service = self
        return DeployStep("allocate port", weight: 1) { state, report in
            let allocation = try await service.ports.allocate(deploymentId: state.deployment.id, projectId: state.deployment.projectId, at: service.now())
            state.holdsPort = true
            state.deployment.port = allocation.port
            state.deployment.url = "http://localhost:\(allocation.port)"
            try await service.save(state.deployment)
            report("port \(allocation.port)")
        }
    }

    func recordStep(replacedStatus: DeploymentStatus) -> DeployStep<DeployState> {
        let service = self
        return DeployStep("record", weight: 2) { state, report in
            state.deployment.status = .running
            state.deployment.finishedAt = service.now()
            state.deployment.logExcerpt = state.excerpt()
            try await service.save(state.deployment)
            if var previous = state.previous, previous.id != state.deployment.id {
                previous.status = replacedStatus
                try await service.save(previous)
                try await service.ports.release(deploymentId: previous.id)
                report("replaced \(previous.id)")
            }
            report("running at \(state.deployment.url ?? "")")
        }
    }

    /// Runs a deploy workflow; on failure records why, gives back the port, restores the previous
    /// version and rethrows. The lock is released either way.
    func run(_ workflow: DeployWorkflow<DeployState>, state: inout DeployState, progress: ProgressHandler?) async throws -> DeployOutcome {
        do {
            try await workflow.run(&state, progress: progress)
        } catch let failure {
            var error = failure as? DeployError ?? DeployError(.invalidState, "\(failure)")
            if state.holdsLock {
                var record = state.deployment
                record.status = .failed
                record.finishedAt = now()
                record.error = error.message
                record.logExcerpt = state.excerpt()
                if state.holdsPort { try? await ports.release(deploymentId: record.id) }
                if state.startedContainers {
                    if let previous = state.previous {
                        if await target.restore(previous, after: record) {
                            error.message += "\nThe previous deployment \(previous.id) (\(previous.imageTag ?? "")) is running again."
                        } else {
                            error.message += "\nThe previous deployment \(previous.id) could not be started again; see `deployotron deployments`."
                        }
                    } else {
                        try? await target.remove(record, live: true)
                    }
                }
                try? await save(record)
                try? await store.releaseDeployLock(projectId: record.projectId, deploymentId: record.id)
                if !error.message.hasPrefix("deployment ") {
                    error.message = "deployment \(record.id) failed" + (error.step.map { " at \($0)" } ?? "") + ": " + error.message
                }
            }
            throw error
        }
        try? await store.releaseDeployLock(projectId: state.deployment.projectId, deploymentId: state.deployment.id)
        let pruned = await prune(projectId: state.deployment.projectId, name: state.deployment.name)
        return DeployOutcome(
            deployment: DeploymentSummary(state.deployment), stack: state.stack,
            message: "\(state.deployment.name) is running at \(state.deployment.url ?? "") (\(state.deployment.imageTag ?? ""))",
            replaced: state.previous?.id, prunedImages: pruned
        )
    }

    /// Removes deploy images beyond the newest `keptImages` deployments of the project; never fails a deploy.
    func prune(projectId: String, name: String) async -> [String] {
        do {
            let history = try await store.deployments(projectId: projectId, limit: nil)
            var keep = Set(history.compactMap(\.imageTag).reduce(into: [String]()) { tags, tag in
                if !tags.contains(tag), tags.count < keptImages { tags.append(tag) }
            })
            if let live = try await liveDeployment(projectId: projectId), let tag = live.imageTag { keep.insert(tag) }
            return try await target.pruneImages(repository: name, keep: keep)
        } catch {
            logger.warning("pruning images of \(name) failed: \(error)")
            return []
        }
    }

    // MARK: - Lifecycle

    public func stop(_ input: DeploymentReference) async throws -> DeploymentSummary {
        _ = try await recoverInterrupted()
        var record = try await deployment(matching: input.deploymentId)
        try await requireLive(record, allowed: [.running])
        try await target.stop(record)
        record.status = .stopped
        try await save(record)
        return DeploymentSummary(record)
    }

    public func restart(_ input: DeploymentReference) async throws -> DeploymentSummary {
        _ = try await recoverInterrupted()
        var record = try await deployment(matching: input.deploymentId)
        try await requireLive(record, allowed: [.running, .stopped])
        do {
            try await target.restart(record)
        } catch let error as DeployError {
            record.status = .failed
            record.error = error.message
            try await save(record)
            throw error
        }
        record.status = .running
        record.error = nil
        try await save(record)
        return DeploymentSummary(record)
    }

    /// Takes a deployment down and gives its port back; its record stays, marked removed.
    public func remove(_ input: DeploymentReference) async throws -> DeploymentSummary {
        _ = try await recoverInterrupted()
        var record = try await deployment(matching: input.deploymentId)
        guard !record.status.isActive else {
            throw DeployError(.invalidState, "deployment \(record.id) is still in progress; wait for it to finish")
        }
        guard record.status != .removed else { return DeploymentSummary(record) }
        let live = try await liveDeployment(projectId: record.projectId)?.id == record.id
        try await target.remove(record, live: live)
        try await ports.release(deploymentId: record.id)
        record.status = .removed
        try await save(record)
        return DeploymentSummary(record)
    }

    public func list(_ input: ListDeploymentsInput) async throws -> DeploymentList {
        let records: [DeploymentRecord]
        if input.path != nil || input.projectId != nil {
            records = try await store.deployments(projectId: try projectId(path: input.path, projectId: input.projectId), limit: input.limit)
        } else {
            records = try await store.allDeployments(limit: input.limit)
        }
        return DeploymentList(deployments: records.map { DeploymentSummary($0) })
    }

    public func status(_ input: DeploymentReference) async throws -> DeploymentStatusOutput {
        let record = try await deployment(matching: input.deploymentId)
        let live = try await liveDeployment(projectId: record.projectId)?.id == record.id
        var output = DeploymentStatusOutput(deployment: DeploymentSummary(record, includeLogs: true), live: live)
        if live, let state = try? await target.runtimeState(record) {
            output.container = state.status
            output.health = state.health?.status
        }
        return output
    }

    public func logs(_ input: LogsInput) async throws -> LogsOutput {
        let record = try await deployment(matching: input.deploymentId)
        let tail = max(1, min(input.tail ?? 100, 5000))
        let live = try await liveDeployment(projectId: record.projectId)?.id == record.id
        if live, let lines = try? await target.logs(record, tail: tail), !lines.isEmpty {
            return LogsOutput(deploymentId: record.id, source: "container", lines: lines)
        }
        let kept = record.logExcerpt?.split(separator: "\n").map(String.init) ?? []
        return LogsOutput(deploymentId: record.id, source: "ledger", lines: Array(kept.suffix(tail)))
    }

    // MARK: - Crash recovery

    /// Marks deployments whose process died as interrupted, giving back their port and lock.
    /// Called at the start of every command; returns the ids it marked.
    @discardableResult
    public func recoverInterrupted() async throws -> [String] {
        var marked: [String] = []
        for var record in try await ledger({ try await store.allDeployments(limit: nil) }) where record.status.isActive {
            guard let pid = record.ownerPID else { continue }
            if pid == processId || isProcessAlive(pid) { continue }
            record.status = .interrupted
            record.finishedAt = now()
            record.error = "the deployotron process (pid \(pid)) stopped before this deploy finished"
            try await save(record)
            try await ledger { try await store.releasePort(deploymentId: record.id) }
            try await ledger { try await store.releaseDeployLock(projectId: record.projectId, deploymentId: record.id) }
            logger.notice("marked deployment \(record.id) interrupted")
            marked.append(record.id)
        }
        return marked
    }

    // MARK: - Lookups

    /// The deployment with this id, or the only one whose id starts with it.
    public func deployment(matching reference: String) async throws -> DeploymentRecord {
        let key = reference.lowercased().replacingOccurrences(of: "deploy_", with: "")
        if let exact = try await ledger({ try await store.deployment(id: key) }) { return exact }
        guard key.count >= 4 else { throw DeployError(.notFound, "no deployment \(reference): give at least 4 characters of its id") }
        let matches = try await ledger { try await store.allDeployments(limit: nil) }.filter { $0.id.hasPrefix(key) }
        guard let only = matches.first else { throw DeployError(.notFound, "no deployment \(reference): `deployotron deployments` lists them") }
        guard matches.count == 1 else { throw DeployError(.notFound, "\(reference) matches \(matches.count) deployments: give more of the id") }
        return only
    }

    /// The deployment whose containers are the project's current ones: the newest running or
    /// stopped one that still holds its port (replaced deployments give theirs back).
    public func liveDeployment(projectId: String) async throws -> DeploymentRecord? {
        let held = Set(try await ledger { try await store.portAllocations() }.map(\.deploymentId))
        return try await ledger { try await store.deployments(projectId: projectId, limit: nil) }
            .first { ($0.status == .running || $0.status == .stopped) && held.contains($0.id) }
    }

    func requireLive(_ record: DeploymentRecord, allowed: Set<DeploymentStatus>) async throws {
        guard try await liveDeployment(projectId: record.projectId)?.id == record.id, allowed.contains(record.status) else {
            throw DeployError(.invalidState, "deployment \(record.id) is \(record.status.rawValue) and not the project's current one; only the current deployment can be stopped or restarted")
        }
    }

    func projectId(path: String?, projectId: String?) throws -> String {
        if let projectId { return projectId }
        guard let path else { throw DeployError(.invalidInput, "give a project path or project id") }
        return URL(fileURLWithPath: path).standardizedFileURL.path
    }

    func save(_ record: DeploymentRecord) async throws {
        try await ledger { try await store.save(record) }
    }

    /// Runs a ledger call, turning its failures into this module's error.
    func ledger<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as LedgerError {
            throw DeployError(.ledger, "the ledger failed: \(error.message)")
        }
    }

    func commit(of folder: URL) async -> String? {
        guard let git else { return nil }
        guard let output = try? await git.run("git", ["-C", folder.path, "rev-parse", "HEAD"], timeout: .seconds(10)), output.succeeded else { return nil }
        let hash = output.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        return hash.isEmpty ? nil : hash
    }

    /// A docker-safe name: lowercase letters, digits, `-` and `_`, starting with a letter or digit.
    public static func containerName(_ raw: String) -> String {
        let mapped = raw.lowercased().map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") ? $0 : "-" }
        let trimmed = String(mapped).trimmingCharacters(in: CharacterSet(charactersIn: "-_"))
        return trimmed.isEmpty ? "app" : String(trimmed.prefix(60))
    }
}
