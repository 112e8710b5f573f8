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
/// The service is the coordinator every target shares: it checks the target's preflight, writes the
/// ledger record before the first step, holds the project's deploy lock, hands out the port, reports
/// progress, and settles the outcome. On failure or cancellation it undoes the attempt outside the
/// cancelled task (the target discards what it started, the port and lock are given back, the record
/// says `failed` or `cancelled`), so the version that was live keeps serving. What differs per
/// target lives behind `DeployTarget`.
public struct DeployService: Sendable {
    public var store: any LedgerStore
    /// The target new deploys go to when none is named (local).
    public var target: any DeployTarget
    /// Every target this service can act on, by kind: a deployment's own kind picks its target for
    /// rollback, stop, restart, remove, status and logs.
    public var targets: [DeployTargetKind: any DeployTarget]
    public var ports: PortAllocator
    public var detector = StackDetector()
    /// The project a folder belongs to: its guid and a short name. The workspace answers it from
    /// `.deployotron/project.json`, so every entry point files a deploy under the same key.
    public var projects: @Sendable (URL) throws -> DeployProject
    /// The clock for ledger times.
    public var now: @Sendable () -> Date
    /// Who we are, for deploy locks and crash detection.
    public var processId: Int32
    public var hostName: String
    public var isProcessAlive: @Sendable (Int32) -> Bool
    /// Runs git: the commit of a local folder (nil skips it) and the fetch of a `git` source.
    public var git: ProcessRunner?
    /// Where repositories named by a deploy's `git` are fetched to (each in a folder of its own, removed afterwards).
    public var checkoutParent = FileManager.default.temporaryDirectory
    /// The environment of a deploy, rollback or lookup that names none (the project's configuration
    /// may choose another than production).
    public var defaultEnvironment = DeployEnvironment.defaultName
    /// Artifacts of this many most recent deployments per app survive pruning.
    public var keptArtifacts = 5
    public var logger: Logger

    public init(
        store: any LedgerStore, target: any DeployTarget, otherTargets: [any DeployTarget] = [], ports: PortAllocator? = nil,
        projects: @escaping @Sendable (URL) throws -> DeployProject,
        now: @escaping @Sendable () -> Date = { Date() },
        processId: Int32 = ProcessInfo.processInfo.processIdentifier,
        hostName: String = ProcessInfo.processInfo.hostName,
        isProcessAlive: @escaping @Sendable (Int32) -> Bool = DeployService.processExists,
        git: ProcessRunner? = ProcessRunner(),
        logger: Logger = Logger(label: "deployotron.deploy")
    ) {
        self.store = store
        self.target = target
        var targets: [DeployTargetKind: any DeployTarget] = [:]
        for other in otherTargets { targets[other.kind] = other }
        targets[target.kind] = target
        self.targets = targets
        self.ports = ports ?? PortAllocator(store: store)
        self.projects = projects
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

    /// Builds, starts and health-checks the app at `path` on the service's target.
    ///
    /// Throws when the new version is not healthy or the deploy is cancelled; the deployment is then
    /// recorded as `failed` or `cancelled`, what it started is undone, and the version that was live
    /// before keeps serving (or is started again where the target had to replace it).
    public func deployLocal(_ input: DeployLocalInput, progress: ProgressHandler? = nil) async throws -> DeployOutcome {
        try await deploy(input, to: .local, progress: progress)
    }

    /// Builds the app at `path` and puts it live on the target of `kind`; see `deployLocal`.
    public func deploy(_ input: DeployLocalInput, to kind: DeployTargetKind, progress: ProgressHandler? = nil) async throws -> DeployOutcome {
        let target = try self.target(for: kind)
        let root = URL(fileURLWithPath: input.path).standardizedFileURL
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw DeployError(.noStack, "\(root.path) is not a folder: pass the path of the project to deploy")
        }
        // A repository is fetched by the workflow's first step after the lock; `path` then only names the project.
        let source = try input.git.map { try GitSource(url: $0, ref: input.ref) }
        let environment = try DeployEnvironment.validated(input.environmentName ?? defaultEnvironment)
        var project = try resolveProject(root, projectId: input.projectId)
        project.environment = environment
        project.name = DeployEnvironment.scopedName(
            Self.containerName(input.name ?? source?.repositoryName ?? root.lastPathComponent), environment: environment)
        let databases = input.databases ?? []
        try await target.preflight(DeployRequest(project: project, appFolder: root, databases: databases, build: true))
        try await recoverInterrupted()

        let id = UUID().uuidString.lowercased()
        let local = source == nil ? await localCommit(of: root) : nil
        let record = DeploymentRecord(
            id: id, projectId: project.guid, name: project.name, target: target.kind, status: .inProgress,
            imageTag: target.artifactName(project: project, deploymentId: id), commit: local?.commit,
            startedAt: now(), ownerPID: processId,
            source: source == nil ? root.path : nil, commitSubject: local?.subject, dirty: local?.dirty,
            environment: environment
        )
        var state = DeployState(
            deployment: record, appFolder: root, stack: nil, databases: databases,
            environment: input.environment ?? [:], build: true, previous: nil)
        if let command = input.buildCommand, !command.isEmpty { state.targetNotes["buildCommand"] = command }
        if let folder = input.outputFolder, !folder.isEmpty { state.targetNotes["outputFolder"] = folder }
        let checkouts = CheckoutFolders()
        var steps = [lockStep()]
        if let source { steps.append(fetchStep(source, checkouts: checkouts)) }
        steps.append(detectStep())
        if target.usesHostPort { steps.append(portStep()) }
        steps += target.deploySteps() + [recordStep(target: target, replacedStatus: .stopped)]
        // The checkout goes once the attempt is settled, whether it went live, failed or was cancelled.
        defer { checkouts.removeAll() }
        return try await run(DeployWorkflow(steps: steps), on: target, state: &state, progress: progress)
    }

    /// The target that acts on deployments of `kind`.
    public func target(for kind: DeployTargetKind) throws -> any DeployTarget {
        guard let target = targets[kind] else {
            throw DeployError(.unsupportedTarget, "\(kind.rawValue) deployments cannot be handled here yet: this deployotron deploys to \(targets.keys.map(\.rawValue).sorted().joined(separator: ", "))")
        }
        return target
    }

    /// Deploys an earlier deployment's artifact again, after checking it still exists.
    public func rollback(_ input: RollbackInput, progress: ProgressHandler? = nil) async throws -> DeployOutcome {
        try await recoverInterrupted()
        let chosen = try await rollbackChoice(input)
        guard let artifact = chosen.imageTag else {
            throw DeployError(.invalidState, "deployment \(chosen.id) has no image to roll back to")
        }
        guard ![.failed, .interrupted, .cancelled].contains(chosen.status) else {
            throw DeployError(.invalidState, "deployment \(chosen.id) \(chosen.status == .failed ? "failed" : "did not finish"); roll back to one that ran")
        }
        let target = try self.target(for: chosen.target)
        let plan = try await target.rollbackPlan(of: chosen)
        let appFolder = URL(fileURLWithPath: plan.appFolder)
        let project = DeployProject(guid: chosen.projectId, name: chosen.name, environment: chosen.environmentName)
        try await target.preflight(DeployRequest(project: project, appFolder: appFolder, databases: plan.databases, build: false))

        let record = DeploymentRecord(
            id: UUID().uuidString.lowercased(), projectId: chosen.projectId, name: chosen.name, target: target.kind,
            status: .inProgress, imageTag: artifact, commit: chosen.commit, startedAt: now(), rollbackOf: chosen.id,
            ownerPID: processId, taskDefinition: chosen.taskDefinition, imageDigest: chosen.imageDigest,
            source: chosen.source, commitSubject: chosen.commitSubject, dirty: chosen.dirty,
            environment: chosen.environmentName
        )
        var state = DeployState(
            deployment: record, appFolder: appFolder, stack: plan.stack, databases: plan.databases,
            environment: plan.environment, build: false, previous: nil)
        let check = DeployStep<DeployState>("check image", weight: 2) { _, report in
            guard try await target.artifactExists(artifact) else {
                throw DeployError(.imageMissing, "the image \(artifact) of deployment \(chosen.id) no longer exists (pruned or removed); deploy that version again instead")
            }
            report("\(artifact) exists")
        }
        var steps = [lockStep(), check]
        if target.usesHostPort { steps.append(portStep()) }
        steps += target.deploySteps() + [recordStep(target: target, replacedStatus: .rolledBack)]
        return try await run(DeployWorkflow(steps: steps), on: target, state: &state, progress: progress)
    }

    /// The deployment a rollback goes back to: the one named, or the newest earlier one of the
    /// project that ran with another artifact than the live one.
    func rollbackChoice(_ input: RollbackInput) async throws -> DeploymentRecord {
        let named = try input.environmentName.map(DeployEnvironment.validated)
        if let reference = input.deploymentId {
            let chosen = try await deployment(matching: reference)
            if let named, named != chosen.environmentName {
                throw DeployError(.invalidInput, "deployment \(chosen.id) is in \(chosen.environmentName), not \(named); leave out the environment or choose one of \(named)'s deployments")
            }
            return chosen
        }
        let environment = named ?? defaultEnvironment
        let projectId = try projectKey(path: input.path, projectId: input.projectId)
        let history = try await ledger { try await store.deployments(projectId: projectId, limit: nil) }
            .filter { $0.environmentName == environment }
        let live = try await liveDeployment(projectId: projectId, environment: environment)
        let earlier = history.filter {
            $0.id != live?.id && $0.imageTag != nil && [.stopped, .rolledBack, .running].contains($0.status)
                && $0.startedAt <= (live?.startedAt ?? .distantFuture) && (live == nil || $0.name == live?.name)
        }
        guard let candidate = earlier.first(where: { $0.imageTag != live?.imageTag }) ?? earlier.first else {
            throw DeployError(.notFound, "no earlier successful deployment of this project in \(environment) to roll back to; `deployotron deployments` lists them")
        }
        return candidate
    }

    // MARK: - Lifecycle

    public func stop(_ input: DeploymentReference) async throws -> DeploymentSummary {
        try await recoverInterrupted()
        var record = try await deployment(matching: input.deploymentId)
        try await requireLive(record, allowed: [.running])
        try await target(for: record.target).stop(record)
        record.status = .stopped
        try await save(record)
        return DeploymentSummary(record)
    }

    public func restart(_ input: DeploymentReference) async throws -> DeploymentSummary {
        try await recoverInterrupted()
        var record = try await deployment(matching: input.deploymentId)
        try await requireLive(record, allowed: [.running, .stopped])
        do {
            try await target(for: record.target).restart(record)
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

    /// What removing the deployment would delete, for a confirmation.
    public func removalPreview(_ input: DeploymentReference) async throws -> [String] {
        let record = try await deployment(matching: input.deploymentId)
        guard record.status != .removed else { return [] }
        let live = try await liveDeployment(projectId: record.projectId, name: record.name)?.id == record.id
        return await (try target(for: record.target)).removalPreview(record, live: live)
    }

    /// Takes a deployment down and gives its port back; its record stays, marked removed.
    public func remove(_ input: DeploymentReference) async throws -> DeploymentSummary {
        try await recoverInterrupted()
        var record = try await deployment(matching: input.deploymentId)
        guard !record.status.isActive else {
            throw DeployError(.invalidState, "deployment \(record.id) is still in progress; wait for it to finish")
        }
        guard record.status != .removed else { return DeploymentSummary(record) }
        let live = try await liveDeployment(projectId: record.projectId, name: record.name)?.id == record.id
        try await target(for: record.target).remove(record, live: live)
        try await ledger { try await ports.release(deploymentId: record.id) }
        record.status = .removed
        try await save(record)
        return DeploymentSummary(record)
    }

    public func list(_ input: ListDeploymentsInput) async throws -> DeploymentList {
        let records: [DeploymentRecord]
        if input.path != nil || input.projectId != nil {
            let key = try projectKey(path: input.path, projectId: input.projectId)
            records = try await ledger { try await store.deployments(projectId: key, limit: input.limit) }
        } else {
            records = try await ledger { try await store.allDeployments(limit: input.limit) }
        }
        guard let named = input.environmentName else { return DeploymentList(deployments: records.map { DeploymentSummary($0) }) }
        let environment = try DeployEnvironment.validated(named)
        return DeploymentList(deployments: records.filter { $0.environmentName == environment }.map { DeploymentSummary($0) })
    }

    public func status(_ input: DeploymentReference) async throws -> DeploymentStatusOutput {
        let record = try await deployment(matching: input.deploymentId)
        let live = try await liveDeployment(projectId: record.projectId, name: record.name)?.id == record.id
        var output = DeploymentStatusOutput(deployment: DeploymentSummary(record, includeLogs: true), live: live)
        if live, let state = try? await target(for: record.target).runtimeState(record) {
            output.container = state.status
            output.health = state.health
        }
        return output
    }

    /// A docker-safe name: lowercase letters, digits, `-` and `_`, starting with a letter or digit.
    public static func containerName(_ raw: String) -> String {
        let mapped = raw.lowercased().map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") ? $0 : "-" }
        let trimmed = String(mapped).trimmingCharacters(in: CharacterSet(charactersIn: "-_"))
        return trimmed.isEmpty ? "app" : String(trimmed.prefix(60))
    }
}
