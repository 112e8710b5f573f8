import Foundation
import JSON

/// A project known to the ledger: the guid build agents report under, tied to a user and a name.
public struct ProjectRecord: Sendable, Codable, Equatable {
    /// The project's guid (`projectId` in seed 003's table).
    public var guid: String
    public var userId: String
    public var name: String
    public var createdAt: Date
    public var updatedAt: Date

    public init(guid: String, userId: String, name: String, createdAt: Date, updatedAt: Date) {
        self.guid = guid
        self.userId = userId
        self.name = name
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// Seed 003 records a guid nobody registered under this user and name.
    public static let unknownUser = "unknown"
    public static let unnamedProject = "Unnamed Project"
}

/// What build agents reported creating for one project: seed 003's DynamoDB item, field for field.
public struct ResourceRecord: Sendable, Codable, Equatable {
    public var userId: String
    public var projectId: String
    public var projectName: String
    /// The merged `data` of every `resources` event, keyed as the agents sent it.
    public var awsResources: [String: JSONValue]
    public var createdAt: Date
    public var updatedAt: Date

    public init(userId: String, projectId: String, projectName: String, awsResources: [String: JSONValue], createdAt: Date, updatedAt: Date) {
        self.userId = userId
        self.projectId = projectId
        self.projectName = projectName
        self.awsResources = awsResources
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// The kinds of event `notify.sh` sends.
public enum EventKind: String, Sendable, Codable, CaseIterable {
    case ack, status, error, done, summary, deployed, resources
}

/// One `POST /notify` body, validated.
public struct NotifyEvent: Sendable, Equatable {
    public var guid: String
    public var kind: EventKind
    /// The text of every kind but `resources`.
    public var message: String?
    /// The object of a `resources` event.
    public var data: [String: JSONValue]?

    public init(guid: String, kind: EventKind, message: String? = nil, data: [String: JSONValue]? = nil) {
        self.guid = guid
        self.kind = kind
        self.message = message
        self.data = data
    }
}

/// An event waiting in a `WriteBatcher` for the transaction (or the DynamoDB calls) that records it.
struct PendingEvent: Sendable {
    var event: NotifyEvent
    var date: Date
}

/// An event as the ledger stored it, with its place in the project's log.
public struct StoredEvent: Sendable, Codable, Equatable {
    /// Increases with every event of one project; the order of the log.
    public var sequence: Int64
    public var guid: String
    public var kind: EventKind
    public var message: String?
    public var data: [String: JSONValue]?
    public var receivedAt: Date

    public init(sequence: Int64, guid: String, kind: EventKind, message: String?, data: [String: JSONValue]?, receivedAt: Date) {
        self.sequence = sequence
        self.guid = guid
        self.kind = kind
        self.message = message
        self.data = data
        self.receivedAt = receivedAt
    }
}

/// Where a deployment runs. Local docker first; the AWS targets follow.
public enum DeployTargetKind: String, Sendable, Codable, CaseIterable {
    case local
    case s3CloudFront = "s3-cloudfront"
    case ecs
}

public enum DeploymentStatus: String, Sendable, Codable, CaseIterable {
    case pending
    case inProgress = "in_progress"
    case running
    case failed
    case stopped
    case removed
    case rolledBack = "rolled_back"
    /// The process that ran it died before it finished; set on the next start.
    case interrupted
    /// Stopped by the user (Ctrl-C, SIGTERM, a cancel request); what it had started was undone.
    case cancelled

    /// Still being worked on by some process.
    public var isActive: Bool { self == .pending || self == .inProgress }
}

/// One deployment of one project, from first step to its end.
public struct DeploymentRecord: Sendable, Codable, Equatable {
    public var id: String
    /// The project's guid (`.deployotron/project.json`); records written before guids were used
    /// everywhere held the directory's absolute path and are adopted on first use.
    public var projectId: String
    /// A short name for images and containers (`<name>:deploy_<id prefix>`).
    public var name: String
    public var target: DeployTargetKind
    public var status: DeploymentStatus
    public var imageTag: String?
    public var commit: String?
    public var port: Int?
    public var url: String?
    public var startedAt: Date
    public var finishedAt: Date?
    public var error: String?
    /// The last lines of the build and container logs, kept for `logs` and for Claude.
    public var logExcerpt: String?
    /// The deployment this one rolled back to, for rollbacks.
    public var rollbackOf: String?
    /// The process that runs it, so a later start can tell a crash from a deploy in progress.
    public var ownerPID: Int32?
    /// The ECS task definition revision it runs (its ARN, `...:task-definition/family:7`): what a
    /// rollback to it puts back, even when its local files are gone.
    public var taskDefinition: String?
    /// The digest of the image it pushed (`sha256:...`), so a rollback can tell the image is the same.
    public var imageDigest: String?
    /// Where the code came from: a repository's address (never with user info) or the local folder.
    public var source: String?
    /// The subject line of `commit`.
    public var commitSubject: String?
    /// Whether the local folder had changes that are not in `commit` (nil: not known, or a fetched repository).
    public var dirty: Bool?
    /// The deploy environment (`production`, `staging`, ...). Records written before environments
    /// existed have none and belong to `DeploymentRecord.defaultEnvironment`.
    public var environment: String?

    /// The environment of records that name none, and of deploys that ask for none.
    public static let defaultEnvironment = "production"

    /// `environment`, or the default environment for records that name none.
    public var environmentName: String { environment ?? Self.defaultEnvironment }

    public init(
        id: String, projectId: String, name: String, target: DeployTargetKind, status: DeploymentStatus,
        imageTag: String? = nil, commit: String? = nil, port: Int? = nil, url: String? = nil,
        startedAt: Date, finishedAt: Date? = nil, error: String? = nil, logExcerpt: String? = nil,
        rollbackOf: String? = nil, ownerPID: Int32? = nil, taskDefinition: String? = nil, imageDigest: String? = nil,
        source: String? = nil, commitSubject: String? = nil, dirty: Bool? = nil, environment: String? = nil
    ) {
        self.id = id
        self.projectId = projectId
        self.name = name
        self.target = target
        self.status = status
        self.imageTag = imageTag
        self.commit = commit
        self.port = port
        self.url = url
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.error = error
        self.logExcerpt = logExcerpt
        self.rollbackOf = rollbackOf
        self.ownerPID = ownerPID
        self.taskDefinition = taskDefinition
        self.imageDigest = imageDigest
        self.source = source
        self.commitSubject = commitSubject
        self.dirty = dirty
        self.environment = environment
    }
}

/// A host port handed to one deployment.
public struct PortAllocation: Sendable, Codable, Equatable {
    public var port: Int
    public var deploymentId: String
    public var projectId: String
    public var allocatedAt: Date

    public init(port: Int, deploymentId: String, projectId: String, allocatedAt: Date) {
        self.port = port
        self.deploymentId = deploymentId
        self.projectId = projectId
        self.allocatedAt = allocatedAt
    }
}

/// Who holds a project's deploy lock, and since when.
public struct DeployLock: Sendable, Codable, Equatable {
    public var projectId: String
    public var deploymentId: String
    /// A description of the holder a user can act on: "pid 4242 on host build-1".
    public var holder: String
    public var since: Date

    public init(projectId: String, deploymentId: String, holder: String, since: Date) {
        self.projectId = projectId
        self.deploymentId = deploymentId
        self.holder = holder
        self.since = since
    }
}

extension JSONValue {
    /// Compact JSON for the ledger's own columns, keys in the dictionary's order (readers parse
    /// the text, nobody compares it).
    func storageText() -> String {
        String(decoding: encodedBytes(sortedKeys: false), as: UTF8.self)
    }
}
