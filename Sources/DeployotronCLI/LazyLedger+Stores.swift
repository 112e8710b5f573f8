import Foundation
import Ledger

/// The lazily opened ledger serves as a store itself, so a session can hand it to the deploy tools
/// at start-up without opening the database before the first prompt.
extension LazyLedger: ResourceStore, DeploymentStore {
    func registerProject(guid: String, userId: String, name: String, at date: Date) async throws -> ProjectRecord {
        try await open().registerProject(guid: guid, userId: userId, name: name, at: date)
    }

    func project(guid: String) async throws -> ProjectRecord? {
        try await open().project(guid: guid)
    }

    func record(_ event: NotifyEvent, at date: Date) async throws -> StoredEvent {
        try await open().record(event, at: date)
    }

    func resources(guid: String) async throws -> ResourceRecord? {
        try await open().resources(guid: guid)
    }

    func resources(userId: String) async throws -> [ResourceRecord] {
        try await open().resources(userId: userId)
    }

    func events(guid: String, after sequence: Int64?, limit: Int?) async throws -> [StoredEvent] {
        try await open().events(guid: guid, after: sequence, limit: limit)
    }

    func save(_ deployment: DeploymentRecord) async throws {
        try await open().save(deployment)
    }

    func deployment(id: String) async throws -> DeploymentRecord? {
        try await open().deployment(id: id)
    }

    func deployments(projectId: String, limit: Int?) async throws -> [DeploymentRecord] {
        try await open().deployments(projectId: projectId, limit: limit)
    }

    func allDeployments(limit: Int?) async throws -> [DeploymentRecord] {
        try await open().allDeployments(limit: limit)
    }

    func allocatePort(
        in range: ClosedRange<Int>, deploymentId: String, projectId: String, at date: Date, isFree: @Sendable (Int) async -> Bool
    ) async throws -> PortAllocation {
        try await open().allocatePort(in: range, deploymentId: deploymentId, projectId: projectId, at: date, isFree: isFree)
    }

    func releasePort(deploymentId: String) async throws {
        try await open().releasePort(deploymentId: deploymentId)
    }

    func portAllocations() async throws -> [PortAllocation] {
        try await open().portAllocations()
    }

    func acquireDeployLock(_ lock: DeployLock) async throws -> DeployLock? {
        try await open().acquireDeployLock(lock)
    }

    func releaseDeployLock(projectId: String, deploymentId: String) async throws {
        try await open().releaseDeployLock(projectId: projectId, deploymentId: deploymentId)
    }
}
