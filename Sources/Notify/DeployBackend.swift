import Foundation
import Ledger

/// What `deployotron serve` deploys with, seen from the server: the deploy service behind a small
/// surface of the server's own types, so Notify never imports Deploy. The command line implements
/// it over its workspace (`WorkspaceDeployBackend`); tests implement it with fakes.
///
/// Every method throws `DeployBackendError`, whose code says whether the client asked for
/// something wrong, the deploy failed, or the server cannot deploy now.
public protocol DeployBackend: Sendable {
    /// Builds the source and puts it live on the request's target, under project `guid`. Calls
    /// `reporter.accepted()` once the deploy holds the project's deploy lock (from then on it is
    /// recorded, and a failure is its outcome rather than a refusal), and `reporter.progress` as it goes.
    func deploy(_ request: DeployJobRequest, project guid: String, reporter: DeployJobReporter) async throws -> DeployJobOutcome

    /// Puts an earlier deployment of project `guid` back; reports as `deploy` does.
    func rollback(_ request: RollbackJobRequest, project guid: String, reporter: DeployJobReporter) async throws -> DeployJobOutcome

    func stop(deploymentId: String) async throws -> DeploymentRecord
    func restart(deploymentId: String) async throws -> DeploymentRecord
    /// Takes a deployment down; its record stays, marked removed.
    func remove(deploymentId: String) async throws -> DeploymentRecord

    /// Deployments, newest first.
    func deployments(_ query: DeploymentQuery) async throws -> [DeploymentRecord]
    /// One deployment (an id or a unique prefix of one), and whether it is the live one.
    func deployment(id: String) async throws -> DeploymentDetail

    /// The deployment's last log lines for the request (its container's or CloudWatch's while it
    /// is live, else the excerpt the ledger kept), secrets redacted.
    func logs(_ request: DeploymentLogsRequest) async throws -> DeploymentLogs

    /// Follows the live deployment's log. Throws (`notFound`, `conflict`, `invalidRequest`) before
    /// anything is followed when it cannot be; else calls `follower.started()`, then `follower.line`
    /// with the last lines for the request and each new one, redacted, until the logs end (it
    /// returns) or the calling task is cancelled, which stops what it ran (`docker logs --follow`,
    /// the CloudWatch polling) before it throws `CancellationError`.
    func followLogs(_ request: DeploymentLogsRequest, follower: DeployLogFollower) async throws
}

/// `GET /api/deployments/{id}/logs`: which lines.
public struct DeploymentLogsRequest: Sendable, Equatable {
    /// A deployment id, or a unique prefix of one.
    public var deploymentId: String
    /// How many of the last lines (the backlog, when following).
    public var tail: Int
    /// A duration back from now (`10m`) or a time (`2026-12-03T21:00:00Z`); the backend reads it.
    public var since: String?
    /// A CloudWatch Logs filter pattern of terms; the backend reads it.
    public var filter: String?

    public init(deploymentId: String, tail: Int = 100, since: String? = nil, filter: String? = nil) {
        self.deploymentId = deploymentId
        self.tail = tail
        self.since = since
        self.filter = filter
    }
}

/// A deployment's log lines, as `get_logs` returns them.
public struct DeploymentLogs: Sendable, Equatable {
    public var deploymentId: String
    /// container, cloudwatch, or ledger (the excerpt kept when the deployment ended).
    public var source: String
    public var lines: [String]
    /// What the answer could not do as asked.
    public var note: String?

    public init(deploymentId: String, source: String, lines: [String], note: String? = nil) {
        self.deploymentId = deploymentId
        self.source = source
        self.lines = lines
        self.note = note
    }
}

/// How a followed log reaches the server: once when following has begun, then line by line.
public struct DeployLogFollower: Sendable {
    private let onStarted: @Sendable () -> Void
    private let onLine: @Sendable (String) -> Void

    public init(started: @escaping @Sendable () -> Void, line: @escaping @Sendable (String) -> Void) {
        onStarted = started
        onLine = line
    }

    /// The deployment can be followed: the server answers with its stream from here on.
    public func started() { onStarted() }

    public func line(_ line: String) { onLine(line) }
}

/// How a running deploy tells the server where it is.
public struct DeployJobReporter: Sendable {
    private let onProgress: @Sendable (DeployJobProgress) -> Void
    private let onAccepted: @Sendable () -> Void

    public init(progress: @escaping @Sendable (DeployJobProgress) -> Void, accepted: @escaping @Sendable () -> Void) {
        onProgress = progress
        onAccepted = accepted
    }

    public func progress(_ progress: DeployJobProgress) { onProgress(progress) }

    /// The deploy holds its lock and is recorded: the server answers with its stream from here on.
    public func accepted() { onAccepted() }
}

/// One step's progress: which step, how much of the whole is done, and what is happening.
public struct DeployJobProgress: Sendable, Codable, Equatable {
    public var step: String
    /// 1-based position of the step, and how many there are.
    public var stepIndex: Int
    public var stepCount: Int
    /// How much of the whole deploy is done, 0-1.
    public var share: Double
    /// started, running, finished or failed.
    public var phase: String
    public var message: String

    public init(step: String, stepIndex: Int, stepCount: Int, share: Double, phase: String, message: String) {
        self.step = step
        self.stepIndex = stepIndex
        self.stepCount = stepCount
        self.share = share
        self.phase = phase
        self.message = message
    }
}

/// What a deploy or rollback that went live made.
public struct DeployJobOutcome: Sendable, Equatable {
    public var deployment: DeploymentRecord?
    public var message: String
    /// The deployment that was live before and is now replaced.
    public var replaced: String?

    public init(deployment: DeploymentRecord?, message: String, replaced: String? = nil) {
        self.deployment = deployment
        self.message = message
        self.replaced = replaced
    }
}

/// `GET /api/deployments`: one project's or every project's, of one environment or all.
public struct DeploymentQuery: Sendable, Codable, Equatable {
    public var projectId: String?
    public var environment: String?
    public var limit: Int?

    public init(projectId: String? = nil, environment: String? = nil, limit: Int? = nil) {
        self.projectId = projectId
        self.environment = environment
        self.limit = limit
    }
}

/// `GET /api/deployments/{id}`.
public struct DeploymentDetail: Sendable, Equatable {
    public var deployment: DeploymentRecord
    /// Whether it is its app's current deployment.
    public var live: Bool
    /// The container's (or service's) state and health, when it is live and has them.
    public var container: String?
    public var health: String?

    public init(deployment: DeploymentRecord, live: Bool, container: String? = nil, health: String? = nil) {
        self.deployment = deployment
        self.live = live
        self.container = container
        self.health = health
    }
}

/// Why a backend call did not do what was asked. The message is one sentence a user can act on
/// and never holds a secret (the backend redacts it).
public struct DeployBackendError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// The request names something that cannot be deployed (no folder there, a bad environment name).
        case invalidRequest
        /// No such deployment, or nothing to roll back to.
        case notFound
        /// Another deploy holds the lock, or the deployment is in a state that does not allow it.
        case conflict
        /// The server cannot deploy now (no container engine, the ledger failing).
        case unavailable
        /// The deploy ran and failed (the build, the health check).
        case failed
        /// The deploy was cancelled; what it started was undone.
        case cancelled
    }

    public var code: Code
    public var message: String
    /// The step that failed, when one did.
    public var step: String?

    public init(_ code: Code, _ message: String, step: String? = nil) {
        self.code = code
        self.message = message
        self.step = step
    }

    public var description: String { message }
}
