import Foundation
import Ledger

/// A deployment as the tools and `--json` show it: snake_case keys, ISO 8601 times.
public struct DeploymentSummary: Sendable, Codable, Equatable {
    public var id: String
    public var projectId: String
    public var name: String
    public var target: String
    public var status: String
    public var imageTag: String?
    public var commit: String?
    public var port: Int?
    public var url: String?
    public var startedAt: String
    public var finishedAt: String?
    public var error: String?
    public var logExcerpt: String?
    public var rollbackOf: String?
    /// The ECS task definition revision (ARN) it runs.
    public var taskDefinition: String?
    /// The digest of the image it pushed.
    public var imageDigest: String?
    /// The repository address (no user info) or folder it was deployed from, the commit's subject,
    /// and whether the folder had uncommitted changes.
    public var source: String?
    public var commitSubject: String?
    public var dirty: Bool?
    /// The deploy environment (`production` for records from before environments).
    public var environment: String?

    public init(_ record: DeploymentRecord, includeLogs: Bool = false) {
        let format = Date.ISO8601FormatStyle()
        id = record.id
        projectId = record.projectId
        name = record.name
        target = record.target.rawValue
        status = record.status.rawValue
        imageTag = record.imageTag
        commit = record.commit
        port = record.port
        url = record.url
        startedAt = record.startedAt.formatted(format)
        finishedAt = record.finishedAt?.formatted(format)
        error = record.error
        logExcerpt = includeLogs ? record.logExcerpt : nil
        rollbackOf = record.rollbackOf
        taskDefinition = record.taskDefinition
        imageDigest = record.imageDigest
        source = record.source
        commitSubject = record.commitSubject
        dirty = record.dirty
        environment = record.environmentName
    }

    enum CodingKeys: String, CodingKey {
        case id, name, target, status, commit, port, url, error, source, dirty, environment
        case commitSubject = "commit_subject"
        case projectId = "project_id"
        case imageTag = "image_tag"
        case startedAt = "started_at"
        case finishedAt = "finished_at"
        case logExcerpt = "log_excerpt"
        case rollbackOf = "rollback_of"
        case taskDefinition = "task_definition"
        case imageDigest = "image_digest"
    }
}
