import AWS
import Deploy
import Foundation
import Ledger
import Notify

/// The deploy API of `deployotron serve`, on the workspace's deploy service: the same ledger,
/// targets, lock and history as `deployotron deploy`.
///
/// A deploy through the API names its project by guid (the URL's), so the folder deployed is
/// never written to (no `.deployotron/project.json` is made in it). Every message that leaves
/// passes the secret redactor; a repository's credentials never reach a message (the deploy
/// core records its address without them).
struct WorkspaceDeployBackend: DeployBackend {
    let workspace: Workspace

    /// The workspace's deploy service, filing every folder under `guid`.
    func service(project guid: String) -> DeployService {
        var service = workspace.deploy
        service.projects = { folder in DeployProject(guid: guid, name: DeployService.containerName(folder.lastPathComponent)) }
        return service
    }

    // MARK: - Jobs

    func deploy(_ request: DeployJobRequest, project guid: String, reporter: DeployJobReporter) async throws -> DeployJobOutcome {
        // A repository needs no folder of the server's; the service still wants one to file the
        // project under, so it gets an empty one of its own.
        var scratch: URL?
        defer { scratch.map { try? FileManager.default.removeItem(at: $0) } }
        let path: String
        if let folder = request.source.path {
            path = folder
        } else {
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("deployotron-serve-\(UUID().uuidString.prefix(8))", isDirectory: true)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            scratch = folder
            path = folder.path
        }
        let input = DeployLocalInput(
            path: path, name: request.name, projectId: guid, environment: request.variables,
            git: request.source.git, ref: request.source.ref, environmentName: request.environment)
        let service = service(project: guid)
        return try await Self.mapErrors {
            let outcome = try await service.deploy(input, to: request.target, progress: Self.handler(reporter))
            return try await Self.outcome(outcome, service: service)
        }
    }

    func rollback(_ request: RollbackJobRequest, project guid: String, reporter: DeployJobReporter) async throws -> DeployJobOutcome {
        let service = service(project: guid)
        return try await Self.mapErrors {
            if let id = request.deploymentId, try await service.deployment(matching: id).projectId != guid {
                throw DeployError(.notFound, "no deployment \(id) in project \(guid)")
            }
            let input = RollbackInput(deploymentId: request.deploymentId, projectId: guid, environmentName: request.environment)
            let outcome = try await service.rollback(input, progress: Self.handler(reporter))
            return try await Self.outcome(outcome, service: service)
        }
    }

    /// Progress as the server streams it; the job is accepted once it holds the deploy lock (the
    /// first step of every deploy and rollback).
    static func handler(_ reporter: DeployJobReporter) -> ProgressHandler {
        { progress in
            if (progress.step == lockStep && progress.phase == .finished) || progress.stepIndex > 1 {
                reporter.accepted()
            }
            reporter.progress(DeployJobProgress(
                step: progress.step, stepIndex: progress.stepIndex, stepCount: progress.stepCount,
                share: progress.fraction, phase: progress.phase.rawValue, message: Workspace.redact(progress.message)))
        }
    }

    static let lockStep = "take deploy lock"

    static func outcome(_ outcome: DeployOutcome, service: DeployService) async throws -> DeployJobOutcome {
        let record = try? await service.deployment(matching: outcome.deployment.id)
        return DeployJobOutcome(deployment: record, message: Workspace.redact(outcome.message), replaced: outcome.replaced)
    }

    // MARK: - Deployments

    func stop(deploymentId: String) async throws -> DeploymentRecord {
        try await change(deploymentId) { try await $0.stop($1) }
    }

    func restart(deploymentId: String) async throws -> DeploymentRecord {
        try await change(deploymentId) { try await $0.restart($1) }
    }

    func remove(deploymentId: String) async throws -> DeploymentRecord {
        try await change(deploymentId) { try await $0.remove($1) }
    }

    private func change(_ id: String, _ action: @Sendable (DeployService, DeploymentReference) async throws -> DeploymentSummary) async throws -> DeploymentRecord {
        let service = workspace.deploy
        return try await Self.mapErrors {
            let summary = try await action(service, DeploymentReference(deploymentId: id))
            return try await service.deployment(matching: summary.id)
        }
    }

    func deployments(_ query: DeploymentQuery) async throws -> [DeploymentRecord] {
        try await Self.mapErrors {
            let environment = try query.environment.map(DeployEnvironment.validated)
            let ledger = workspace.ledger
            let records: [DeploymentRecord]
            if let project = query.projectId {
                records = try await ledger.deployments(projectId: project, limit: nil)
            } else {
                records = try await ledger.allDeployments(limit: nil)
            }
            return Array(records.filter { environment == nil || $0.environmentName == environment }.prefix(query.limit ?? 50))
        }
    }

    func deployment(id: String) async throws -> DeploymentDetail {
        let service = workspace.deploy
        return try await Self.mapErrors {
            let record = try await service.deployment(matching: id)
            let status = try await service.status(DeploymentReference(deploymentId: record.id))
            return DeploymentDetail(deployment: record, live: status.live, container: status.container, health: status.health)
        }
    }

    // MARK: - Logs

    func logs(_ request: DeploymentLogsRequest) async throws -> DeploymentLogs {
        let service = workspace.deploy
        return try await Self.mapErrors {
            let output = try await service.logs(Self.input(request))
            return DeploymentLogs(deploymentId: output.deploymentId, source: output.source, lines: output.lines, note: output.note.map(Workspace.redact))
        }
    }

    /// What cannot be followed is refused before anything runs: a query the service cannot read,
    /// an unknown deployment, one that is not live, a target without a log to follow. Once
    /// following, the lines come redacted from the service.
    func followLogs(_ request: DeploymentLogsRequest, follower: DeployLogFollower) async throws {
        let service = workspace.deploy
        let input = Self.input(request)
        try await Self.mapErrors {
            _ = try service.logQuery(input)
            let record = try await service.deployment(matching: input.deploymentId)
            guard try await service.liveDeployment(projectId: record.projectId, name: record.name)?.id == record.id else {
                throw DeployBackendError(.conflict, "deployment \(record.id.prefix(8)) is \(record.status.rawValue) and not its project's current one, so there is nothing to follow; GET /api/deployments/\(record.id)/logs shows what was kept")
            }
            guard record.target == .local || record.target == .ecs else {
                throw DeployBackendError(.conflict, "\(record.target.rawValue) deployments have no log to follow; GET /api/deployments/\(record.id)/logs shows what there is")
            }
        }
        follower.started()
        do {
            try await Self.mapErrors {
                try await service.followLogs(input) { line in follower.line(line) }
            }
        } catch where Task.isCancelled {
            // The client left or the server is shutting down: whatever the stopped follow threw.
            throw CancellationError()
        }
    }

    static func input(_ request: DeploymentLogsRequest) -> LogsInput {
        LogsInput(deploymentId: request.deploymentId, tail: request.tail, since: request.since, filter: request.filter)
    }

    // MARK: - Errors

    /// Runs `body`, turning the deploy core's errors into the server's: what the client asked
    /// wrong, what is not there, what conflicts, what the server lacks, what failed.
    static func mapErrors<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as DeployBackendError {
            throw error
        } catch let error as DeployError {
            throw DeployBackendError(code(of: error.code), Workspace.redact(error.message), step: error.step)
        } catch let error as LedgerError {
            throw DeployBackendError(.unavailable, "the ledger failed: \(Workspace.redact(error.message))")
        } catch is CancellationError {
            throw DeployBackendError(.cancelled, "the deploy was cancelled")
        } catch let error as CommandError {
            throw DeployBackendError(.invalidRequest, Workspace.redact(error.description))
        } catch let error as AWSError {
            // The cloud a deployment lives in did not answer as asked (no region, no credentials, down).
            throw DeployBackendError(.unavailable, "AWS: " + Workspace.redact(error.message))
        } catch {
            throw DeployBackendError(.failed, Workspace.redact("\(error)"))
        }
    }

    static func code(of code: DeployError.Code) -> DeployBackendError.Code {
        switch code {
        case .noStack, .invalidInput, .unsupportedTarget, .fileExists: .invalidRequest
        case .notFound: .notFound
        case .locked, .invalidState, .imageMissing: .conflict
        case .preflight, .ledger: .unavailable
        case .cancelled: .cancelled
        case .template, .docker, .unhealthy, .timeout, .build, .aws, .source: .failed
        }
    }
}
