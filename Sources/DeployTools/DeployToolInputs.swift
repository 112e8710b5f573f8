import Agent
import Deploy
import Foundation
import JSON

// The inputs of the deploy tools, each with the schema Claude is shown. They are the tools' own
// shapes (every path optional, meaning the project root), turned into `DeployService`'s inputs
// once the path is resolved inside the project.

/// `detect_stack`.
struct DetectStackInput: ToolInput, Codable {
    var path: String?

    static var schema: JSONValue { ToolSchema.object(["path": ToolSchema.projectPath]) }
}

/// `generate_dockerfile`.
struct GenerateDockerfileInput: ToolInput, Codable {
    var path: String?
    var overwrite: Bool?

    static var schema: JSONValue {
        ToolSchema.object([
            "path": ToolSchema.projectPath,
            "overwrite": ToolSchema.boolean("Replace a Dockerfile that exists. Default false."),
        ])
    }
}

/// `generate_compose`.
struct GenerateComposeInput: ToolInput, Codable {
    var path: String?
    var databases: [DatabaseKind]?
    var hostPort: Int?
    var overwrite: Bool?

    enum CodingKeys: String, CodingKey {
        case path, databases, overwrite
        case hostPort = "host_port"
    }

    static var schema: JSONValue {
        ToolSchema.object([
            "path": ToolSchema.projectPath,
            "databases": ToolSchema.databases,
            "host_port": ToolSchema.integer("The host port to publish the app on. Default: the app's port.", minimum: 1, maximum: 65535),
            "overwrite": ToolSchema.boolean("Replace a docker-compose.yml that exists. Default false."),
        ])
    }
}

/// `deploy_local`.
struct DeployLocalToolInput: ToolInput, Codable {
    var path: String?
    var name: String?
    var databases: [DatabaseKind]?
    var environment: [String: String]?
    var git: String?
    var ref: String?
    var environmentName: String?

    enum CodingKeys: String, CodingKey {
        case path, name, databases, environment, git, ref
        case environmentName = "environment_name"
    }

    static var schema: JSONValue {
        ToolSchema.object([
            "path": ToolSchema.projectPath,
            "name": ToolSchema.string("Image and container name. Default: the folder's name (the repository's name with git)."),
            "databases": ToolSchema.databases,
            "environment": ToolSchema.stringMap("Extra environment variables for the app."),
            "git": ToolSchema.gitURL,
            "ref": ToolSchema.gitRef,
            "environment_name": ToolSchema.environmentName,
        ])
    }
}

/// `deploy_s3_cloudfront`.
struct DeployStaticToolInput: ToolInput, Codable {
    var path: String?
    var name: String?
    var buildCommand: String?
    var outputFolder: String?
    var git: String?
    var ref: String?
    var environmentName: String?

    enum CodingKeys: String, CodingKey {
        case path, name, git, ref
        case environmentName = "environment_name"
        case buildCommand = "build_command"
        case outputFolder = "output_folder"
    }

    static var schema: JSONValue {
        ToolSchema.object([
            "path": ToolSchema.projectPath,
            "name": ToolSchema.string("A short name for the site. Default: the folder's name."),
            "build_command": ToolSchema.string("The command that builds the site. Default: the detected build command."),
            "output_folder": ToolSchema.string("The folder the build writes the site to, relative to the app. Default: dist, build, out, public... whichever holds index.html."),
            "git": ToolSchema.gitURL,
            "ref": ToolSchema.gitRef,
            "environment_name": ToolSchema.environmentName,
        ])
    }
}

/// `rollback`.
struct RollbackToolInput: ToolInput, Codable {
    var path: String?
    var deploymentId: String?
    var environmentName: String?

    enum CodingKeys: String, CodingKey {
        case path
        case deploymentId = "deployment_id"
        case environmentName = "environment_name"
    }

    static var schema: JSONValue {
        ToolSchema.object([
            "path": ToolSchema.projectPath, "deployment_id": ToolSchema.deploymentId, "environment_name": ToolSchema.environmentName,
        ])
    }
}

/// `deployment_status`, `stop_deployment`, `restart_deployment`, `remove_deployment`.
struct DeploymentIdInput: ToolInput, Codable {
    var deploymentId: String

    enum CodingKeys: String, CodingKey {
        case deploymentId = "deployment_id"
    }

    static var schema: JSONValue {
        ToolSchema.object(["deployment_id": ToolSchema.deploymentId], required: ["deployment_id"])
    }
}

/// `list_deployments`.
struct ListDeploymentsToolInput: ToolInput, Codable {
    var path: String?
    var limit: Int?
    var environmentName: String?

    enum CodingKeys: String, CodingKey {
        case path, limit
        case environmentName = "environment_name"
    }

    static var schema: JSONValue {
        ToolSchema.object([
            "path": ToolSchema.projectPath,
            "environment_name": ToolSchema.string("Only this deploy environment's deployments. Default: every environment's."),
            "limit": ToolSchema.integer("How many, newest first. Default 20.", minimum: 1, maximum: 500),
        ])
    }
}

/// `get_logs`.
struct GetLogsInput: ToolInput, Codable {
    var deploymentId: String
    var tail: Int?
    var since: String?
    var filter: String?

    enum CodingKeys: String, CodingKey {
        case tail, since, filter
        case deploymentId = "deployment_id"
    }

    static var schema: JSONValue {
        ToolSchema.object([
            "deployment_id": ToolSchema.deploymentId,
            "tail": ToolSchema.integer("How many lines. Default 100.", minimum: 1, maximum: 5000),
            "since": ToolSchema.string("Only lines since then: a duration back from now (30s, 10m, 2h, 1d) or a time (2026-12-03T21:00:00Z)."),
            "filter": ToolSchema.string("Only lines matching a CloudWatch Logs filter pattern: terms a line must all hold (case-sensitive), \"a phrase\", ?either, -excluded."),
        ], required: ["deployment_id"])
    }
}
