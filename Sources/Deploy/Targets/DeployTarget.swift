import Foundation
import JSON
import Ledger

/// Where deployments run, and everything that differs between places: what must answer before a
/// deploy starts, what a deployment's artifact is called, the steps that put it live, how a rollback
/// is prepared, how a failed or cancelled attempt is undone, teardown, and the resources it reports.
///
/// `DeployService` owns what every target shares (the ledger record, the lock, ports, progress, the
/// outcome and cancellation) and talks to a target only through this protocol.
public protocol DeployTarget: Sendable {
    var kind: DeployTargetKind { get }

    /// Whether a deployment gets a host port from the ledger (local containers do; a CDN does not).
    var usesHostPort: Bool { get }

    /// Checks what this deploy needs before anything is locked, allocated or written; throws one
    /// line saying what is missing and what to do (no engine answering, no compose for a database).
    func preflight(_ request: DeployRequest) async throws

    /// The artifact a new deployment of `project` will produce (an image tag, a release prefix).
    func artifactName(project: DeployProject, deploymentId: String) -> String

    /// The steps from a prepared state to a live, healthy deployment, in order. For a rollback
    /// (`state.build == false`) they reuse the artifact instead of building it.
    func deploySteps() -> [DeployStep<DeployState>]

    /// What a rollback to `chosen` needs to repeat it, read from where the target kept it; throws
    /// when the deployment cannot be repeated (its files or artifact are gone).
    func rollbackPlan(of chosen: DeploymentRecord) async throws -> DeploymentPlan

    /// Whether the artifact still exists (a pruned image cannot be rolled back to).
    func artifactExists(_ artifact: String) async throws -> Bool

    /// Undoes what a failed or cancelled attempt started (containers, uploads), leaving the
    /// previous live version serving; returns what it could not undo, for the record.
    func discard(_ state: DeployState) async -> [String]

    /// Takes `previous` out of service once `current` is live; its artifact stays for rollbacks.
    func retire(_ previous: DeploymentRecord, replacedBy current: DeploymentRecord) async throws

    func stop(_ deployment: DeploymentRecord) async throws
    /// Starts a stopped deployment or restarts a running one, and waits until it is healthy.
    func restart(_ deployment: DeploymentRecord) async throws
    /// Takes the deployment down and deletes its files; `live` says whether it is the project's current one.
    func remove(_ deployment: DeploymentRecord, live: Bool) async throws
    /// What `remove` would delete, in words a confirmation can show ("the bucket tmux-builder-…").
    func removalPreview(_ deployment: DeploymentRecord, live: Bool) async -> [String]
    func logs(_ deployment: DeploymentRecord, tail: Int) async throws -> [String]
    /// The deployment's log lines for `query`, oldest first: the last `query.tail` of those since
    /// `query.since` that match `query.filter`.
    func logs(_ deployment: DeploymentRecord, query: LogQuery) async throws -> [String]
    /// Calls `onLine` with the last lines for `query` and then each new one, until the calling task
    /// is cancelled (throwing `CancellationError` once what it ran has stopped) or the logs end.
    func followLogs(_ deployment: DeploymentRecord, query: LogQuery, onLine: @escaping @Sendable (String) -> Void) async throws
    /// Where `logs` reads from, as `get_logs` reports it: `container`, `cloudwatch`.
    var logSource: String { get }
    /// The deployment's runtime state as the target sees it, nil when nothing runs.
    func runtimeState(_ deployment: DeploymentRecord) async throws -> RuntimeState?
    /// Removes the project's artifacts not in `keep`; returns what it removed.
    func pruneArtifacts(of deployment: DeploymentRecord, keep: Set<String>) async throws -> [String]

    /// The resources a deployment that just went live stands for, merged into the project's
    /// resources as a `notify.sh resources` report would be.
    func resources(of state: DeployState) -> [String: JSONValue]
}

extension DeployTarget {
    public var usesHostPort: Bool { true }

    public func removalPreview(_ deployment: DeploymentRecord, live: Bool) async -> [String] {
        ["deployment \(deployment.id.prefix(8))" + (deployment.imageTag.map { " (\($0))" } ?? "")]
    }

    public var logSource: String { "container" }

    /// For a target whose lines carry no times: the filter applied here, `since` refused.
    public func logs(_ deployment: DeploymentRecord, query: LogQuery) async throws -> [String] {
        guard query.since == nil else {
            throw DeployError(.invalidInput, "\(kind.rawValue) deployments keep no times with their log lines, so since cannot apply; leave it out")
        }
        guard let filter = query.filter else { return try await logs(deployment, tail: query.tail) }
        return Array(try await logs(deployment, tail: 5000).filter(filter.matches).suffix(query.tail))
    }

    public func followLogs(_ deployment: DeploymentRecord, query: LogQuery, onLine: @escaping @Sendable (String) -> Void) async throws {
        throw DeployError(.unsupportedTarget, "\(kind.rawValue) deployments have no log to follow; `deployotron logs` without --follow shows what there is")
    }
}

/// The project a deploy is for: its guid (ledger key, lock, labels, resource names) and a short
/// name for artifacts a person reads.
public struct DeployProject: Sendable, Equatable {
    public var guid: String
    /// The name resources are named with, already scoped to the environment (`shop-staging`).
    public var name: String
    /// The deploy environment: targets whose names do not carry `name` (an S3 bucket) use it.
    public var environment: String

    public init(guid: String, name: String, environment: String = DeploymentRecord.defaultEnvironment) {
        self.guid = guid
        self.name = name
        self.environment = environment
    }
}

/// What a deploy was asked to do, as the preflight sees it.
public struct DeployRequest: Sendable, Equatable {
    public var project: DeployProject
    public var appFolder: URL
    public var databases: [DatabaseKind]
    /// False for a rollback: nothing is built.
    public var build: Bool

    public init(project: DeployProject, appFolder: URL, databases: [DatabaseKind], build: Bool) {
        self.project = project
        self.appFolder = appFolder
        self.databases = databases
        self.build = build
    }
}

/// A deployment's state as its target reports it.
public struct RuntimeState: Sendable, Equatable {
    /// `running`, `exited`, `stopped`... in the target's words.
    public var status: String
    /// The health the target itself reports, when it has one (a HEALTHCHECK's status).
    public var health: String?

    public init(status: String, health: String? = nil) {
        self.status = status
        self.health = health
    }
}
