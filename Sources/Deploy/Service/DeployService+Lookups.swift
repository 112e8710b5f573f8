import Foundation
import Ledger
import Logging

// MARK: - Lookups, crash recovery and the ledger

extension DeployService {
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
            record.error = "the deployotron process (pid \(pid)) stopped before this deploy finished; containers it started may still exist (`docker ps --filter label=deployotron.deployment=\(record.id)`)"
            try await save(record)
            try await ledger { try await store.releasePort(deploymentId: record.id) }
            try await ledger { try await store.releaseDeployLock(projectId: record.lockKey, deploymentId: record.id) }
            logger.notice("marked deployment \(record.id) interrupted")
            marked.append(record.id)
        }
        return marked
    }

    /// Files deployments recorded under the project's folder path (before guids were used
    /// everywhere) under its guid, so they stay in its history, its rollbacks and its lock.
    /// Returns how many it moved.
    @discardableResult
    public func adoptLegacyDeployments(of folder: URL, into guid: String) async throws -> Int {
        let path = folder.standardizedFileURL.path
        guard path != guid else { return 0 }
        let legacy = try await ledger { try await store.deployments(projectId: path, limit: nil) }
        for var record in legacy {
            record.projectId = guid
            try await save(record)
        }
        if !legacy.isEmpty { logger.notice("filed \(legacy.count) deployments of \(path) under project \(guid)") }
        return legacy.count
    }

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

    /// The app's current deployment: the newest running one, or a stopped one that still holds its
    /// port (replaced deployments are marked stopped or rolled back and give their port back).
    /// Without `name`, the project's newest such deployment of any app; without `environment`, of any environment.
    public func liveDeployment(projectId: String, name: String? = nil, environment: String? = nil) async throws -> DeploymentRecord? {
        let held = Set(try await ledger { try await store.portAllocations() }.map(\.deploymentId))
        return try await ledger { try await store.deployments(projectId: projectId, limit: nil) }
            .first {
                ($0.status == .running || ($0.status == .stopped && held.contains($0.id)))
                    && (name == nil || $0.name == name) && (environment == nil || $0.environmentName == environment)
            }
    }

    /// The live deployment of the project at `path` (or `projectId`) in `environment` (the default when nil).
    public func liveDeployment(path: String?, projectId: String?, environment: String?) async throws -> DeploymentRecord? {
        let key = try projectKey(path: path, projectId: projectId)
        return try await liveDeployment(projectId: key, environment: try DeployEnvironment.validated(environment ?? defaultEnvironment))
    }

    func requireLive(_ record: DeploymentRecord, allowed: Set<DeploymentStatus>) async throws {
        guard try await liveDeployment(projectId: record.projectId, name: record.name)?.id == record.id, allowed.contains(record.status) else {
            throw DeployError(.invalidState, "deployment \(record.id) is \(record.status.rawValue) and not the project's current one; only the current deployment can be stopped or restarted")
        }
    }

    /// The project of a folder, through the workspace's resolver; a project id given wins.
    func resolveProject(_ folder: URL, projectId: String?) throws -> DeployProject {
        var project = try projects(folder)
        if let projectId, !projectId.isEmpty { project.guid = projectId }
        return project
    }

    /// The ledger key of the project at `path`, or `projectId` when given.
    func projectKey(path: String?, projectId: String?) throws -> String {
        if let projectId, !projectId.isEmpty { return projectId }
        guard let path else { throw DeployError(.invalidInput, "give a project path or project id") }
        return try projects(URL(fileURLWithPath: path).standardizedFileURL).guid
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
}
