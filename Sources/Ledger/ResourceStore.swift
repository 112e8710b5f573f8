import Foundation
import JSON

/// Projects, their event logs and the resources build agents reported: what `deployotron serve` keeps.
///
/// Every write returns only once it is durable, so the server can acknowledge it.
public protocol ResourceStore: Sendable {
    /// Ties `guid` to a user and a project name. Registering again updates both and keeps `createdAt`.
    @discardableResult
    func registerProject(guid: String, userId: String, name: String, at date: Date) async throws -> ProjectRecord

    func project(guid: String) async throws -> ProjectRecord?

    /// Appends `event` to its project's log; a `resources` event also merges its keys into the
    /// project's resources (keys it does not name are kept; `createdAt` is kept, `updatedAt` moves).
    /// A guid nobody registered is recorded under user `unknown` and name `Unnamed Project`.
    @discardableResult
    func record(_ event: NotifyEvent, at date: Date) async throws -> StoredEvent

    func resources(guid: String) async throws -> ResourceRecord?

    /// Every project of `userId` that has resources: all pages, not the first.
    func resources(userId: String) async throws -> [ResourceRecord]

    /// The project's events in order, those after `sequence` when it is given.
    func events(guid: String, after sequence: Int64?, limit: Int?) async throws -> [StoredEvent]
}

/// Deployments, port allocations and deploy locks: what the deploy services keep.
public protocol DeploymentStore: Sendable {
    /// Inserts or replaces the deployment with this id.
    func save(_ deployment: DeploymentRecord) async throws

    func deployment(id: String) async throws -> DeploymentRecord?

    /// The project's deployments, newest first.
    func deployments(projectId: String, limit: Int?) async throws -> [DeploymentRecord]

    /// Every project's deployments, newest first.
    func allDeployments(limit: Int?) async throws -> [DeploymentRecord]

    /// Hands out the lowest port of `range` that no deployment holds and `isFree` accepts
    /// (the caller checks the host). Concurrent callers never receive the same port.
    func allocatePort(in range: ClosedRange<Int>, deploymentId: String, projectId: String, at date: Date, isFree: @Sendable (Int) async -> Bool) async throws -> PortAllocation

    func releasePort(deploymentId: String) async throws

    func portAllocations() async throws -> [PortAllocation]

    /// Takes the project's deploy lock, or returns the lock someone else already holds.
    func acquireDeployLock(_ lock: DeployLock) async throws -> DeployLock?

    func releaseDeployLock(projectId: String, deploymentId: String) async throws
}

/// Both halves, as the SQLite and DynamoDB ledgers implement them.
public typealias LedgerStore = ResourceStore & DeploymentStore
