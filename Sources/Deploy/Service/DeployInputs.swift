import Foundation

// The inputs and outputs of `DeployService`: Codable with snake_case keys, so Claude's tools
// and `--json` speak the same shapes.

/// `detect_stack`.
public struct DetectInput: Sendable, Codable, Equatable {
    public var path: String

    public init(path: String) { self.path = path }
}

/// `generate_dockerfile` and `generate_compose`.
public struct GenerateInput: Sendable, Codable, Equatable {
    public var path: String
    /// Write the files into the project (a change, so the tool asks first); otherwise only return them.
    public var write: Bool?
    /// Replace files that exist.
    public var overwrite: Bool?
    /// For compose: databases to run beside the app.
    public var databases: [DatabaseKind]?
    /// For compose: the host port; the app's own port when absent.
    public var hostPort: Int?

    public init(path: String, write: Bool? = nil, overwrite: Bool? = nil, databases: [DatabaseKind]? = nil, hostPort: Int? = nil) {
        self.path = path
        self.write = write
        self.overwrite = overwrite
        self.databases = databases
        self.hostPort = hostPort
    }

    enum CodingKeys: String, CodingKey {
        case path, write, overwrite, databases
        case hostPort = "host_port"
    }
}

public struct GenerateOutput: Sendable, Codable, Equatable {
    public var stack: DetectedStack
    public var files: [GeneratedFile]
}

/// `deploy_local`.
public struct DeployLocalInput: Sendable, Codable, Equatable {
    public var path: String
    /// The image and container name; the folder's name when absent.
    public var name: String?
    /// The ledger's project id (the project's guid); the workspace's resolver answers when absent.
    public var projectId: String?
    public var databases: [DatabaseKind]?
    /// Extra environment for the app; values are kept out of logs.
    public var environment: [String: String]?
    /// A static site's build command, instead of the detected one.
    public var buildCommand: String?
    /// Where a static site's build writes it, relative to the app folder, instead of looking for it.
    public var outputFolder: String?
    /// A repository to deploy instead of the folder at `path`: fetched shallowly into a temporary
    /// folder that is removed afterwards. `path` then only names the project.
    public var git: String?
    /// The branch, tag or commit of `git`; the repository's default branch when absent.
    public var ref: String?
    /// The deploy environment (`staging`, `production`, ...); the service's default when absent.
    /// Not to be confused with `environment`, the app's variables.
    public var environmentName: String?

    public init(
        path: String, name: String? = nil, projectId: String? = nil, databases: [DatabaseKind]? = nil, environment: [String: String]? = nil,
        buildCommand: String? = nil, outputFolder: String? = nil, git: String? = nil, ref: String? = nil, environmentName: String? = nil
    ) {
        self.path = path
        self.name = name
        self.projectId = projectId
        self.databases = databases
        self.environment = environment
        self.buildCommand = buildCommand
        self.outputFolder = outputFolder
        self.git = git
        self.ref = ref
        self.environmentName = environmentName
    }

    enum CodingKeys: String, CodingKey {
        case path, name, databases, environment, git, ref
        case environmentName = "environment_name"
        case projectId = "project_id"
        case buildCommand = "build_command"
        case outputFolder = "output_folder"
    }
}

/// `rollback`: to `deployment_id`, or to the deployment before the live one of the project at `path`.
public struct RollbackInput: Sendable, Codable, Equatable {
    public var deploymentId: String?
    public var path: String?
    public var projectId: String?
    /// Without `deployment_id`: the environment whose live deployment is rolled back; the default when absent.
    public var environmentName: String?

    public init(deploymentId: String? = nil, path: String? = nil, projectId: String? = nil, environmentName: String? = nil) {
        self.deploymentId = deploymentId
        self.path = path
        self.projectId = projectId
        self.environmentName = environmentName
    }

    enum CodingKeys: String, CodingKey {
        case path
        case deploymentId = "deployment_id"
        case projectId = "project_id"
        case environmentName = "environment_name"
    }
}

/// `stop_deployment`, `restart_deployment`, `remove_deployment`, `deployment_status`: an id or a unique prefix of one.
public struct DeploymentReference: Sendable, Codable, Equatable {
    public var deploymentId: String

    public init(deploymentId: String) { self.deploymentId = deploymentId }

    enum CodingKeys: String, CodingKey {
        case deploymentId = "deployment_id"
    }
}

/// `list_deployments`: one project's (by path or id) or every project's.
public struct ListDeploymentsInput: Sendable, Codable, Equatable {
    public var path: String?
    public var projectId: String?
    public var limit: Int?
    /// Only this environment's deployments; every environment's when absent.
    public var environmentName: String?

    public init(path: String? = nil, projectId: String? = nil, limit: Int? = nil, environmentName: String? = nil) {
        self.path = path
        self.projectId = projectId
        self.limit = limit
        self.environmentName = environmentName
    }

    enum CodingKeys: String, CodingKey {
        case path, limit
        case projectId = "project_id"
        case environmentName = "environment_name"
    }
}

public struct DeploymentList: Sendable, Codable, Equatable {
    public var deployments: [DeploymentSummary]
}

/// `get_logs`.
public struct LogsInput: Sendable, Codable, Equatable {
    public var deploymentId: String
    public var tail: Int?
    /// A duration back from now (`10m`, `2h`, `1d`) or a time (`2026-12-03T21:00:00Z`).
    public var since: String?
    /// A CloudWatch Logs filter pattern: terms a line must hold, `"a phrase"`, `?either`, `-excluded`.
    public var filter: String?

    public init(deploymentId: String, tail: Int? = nil, since: String? = nil, filter: String? = nil) {
        self.deploymentId = deploymentId
        self.tail = tail
        self.since = since
        self.filter = filter
    }

    enum CodingKeys: String, CodingKey {
        case tail, since, filter
        case deploymentId = "deployment_id"
    }
}

public struct LogsOutput: Sendable, Codable, Equatable {
    public var deploymentId: String
    /// container (a local container's logs), cloudwatch (an ECS service's log group) or ledger (the
    /// excerpt kept when the deployment ended).
    public var source: String
    public var lines: [String]
    /// What the answer could not do as asked (the ledger's excerpt has no times for `since`).
    public var note: String?

    public init(deploymentId: String, source: String, lines: [String], note: String? = nil) {
        self.deploymentId = deploymentId
        self.source = source
        self.lines = lines
        self.note = note
    }

    enum CodingKeys: String, CodingKey {
        case source, lines, note
        case deploymentId = "deployment_id"
    }
}

/// What a deploy or rollback made.
public struct DeployOutcome: Sendable, Codable, Equatable {
    public var deployment: DeploymentSummary
    public var stack: DetectedStack?
    public var message: String
    /// The deployment that was live before and is now replaced.
    public var replaced: String?
    public var prunedImages: [String]

    enum CodingKeys: String, CodingKey {
        case deployment, stack, message, replaced
        case prunedImages = "pruned_images"
    }
}

/// `deployment_status`.
public struct DeploymentStatusOutput: Sendable, Codable, Equatable {
    public var deployment: DeploymentSummary
    /// Whether its containers are the project's current ones.
    public var live: Bool
    /// The container's state and health when it has one.
    public var container: String?
    public var health: String?
}
