import Agent
import Deploy
import Foundation
import JSON
import Ledger
import LogTriage

/// deployotron's services as Claude tools: detection, generators, local deploys and their history,
/// rollback, logs, log triage and the resources build agents reported.
///
/// Tools that only look are read-only; tools that write files or start, stop or remove containers
/// change something, so the permission policy asks the user before they run.
public struct DeployToolset: Sendable {
    public var service: DeployService
    /// The ledger's project records, for `project_resources`; nil leaves that tool out.
    public var resources: (any ResourceStore)?
    /// The project's guid, when it has one: deployments are recorded under it.
    public var projectGuid: String?
    public var redactor: SecretRedactor

    public init(service: DeployService, resources: (any ResourceStore)? = nil, projectGuid: String? = nil, redactor: SecretRedactor = SecretRedactor()) {
        self.service = service
        self.resources = resources
        self.projectGuid = projectGuid
        self.redactor = redactor
    }

    public var tools: [Tool] {
        var tools = [
            detectStack, generateDockerfile, generateCompose, deployLocal, listDeployments, deploymentStatus,
            getLogs, rollback, stopDeployment, restartDeployment, removeDeployment, analyzeLogs,
        ]
        if resources != nil { tools.append(projectResources) }
        return tools
    }

    // MARK: - Detection and generators

    var detectStack: Tool {
        let service = service
        return ServiceTool.make(
            name: "detect_stack",
            description: """
                Detects the project's stack: language, framework, package manager, port, build and start commands, \
                with a confidence score, the evidence, other candidates, and the app's folder in a monorepo. \
                Use it first, before generating files or deploying.
                """,
            schema: ToolSchema.object(["path": ToolSchema.projectPath]),
            risk: .readOnly, redactor: redactor,
            summarize: { ToolSchema.summary($0, "path") }
        ) { (input: DetectInput, _) in try service.detect(input) }
    }

    var generateDockerfile: Tool {
        let service = service
        return ServiceTool.make(
            name: "generate_dockerfile",
            description: """
                Writes a Dockerfile and .dockerignore for the detected stack into the project (multi-stage where \
                the language compiles, non-root user, HEALTHCHECK, binds 0.0.0.0 and honours PORT) and returns them. \
                An existing Dockerfile is kept unless overwrite is true.
                """,
            schema: ToolSchema.object([
                "path": ToolSchema.projectPath,
                "overwrite": ToolSchema.boolean("Replace a Dockerfile that exists. Default false."),
            ]),
            risk: .changes, redactor: redactor,
            summarize: { "Dockerfile in " + (ToolSchema.summary($0, "path").isEmpty ? "." : ToolSchema.summary($0, "path")) }
        ) { (input: GenerateInput, _) in
            var input = input
            input.write = true
            return try service.generateDockerfile(input)
        }
    }

    var generateCompose: Tool {
        let service = service
        return ServiceTool.make(
            name: "generate_compose",
            description: """
                Writes docker-compose.yml into the project: the app, plus optional databases (postgres, mysql, \
                mongodb, redis) with health checks, depends_on conditions, volumes and DATABASE_URL (or the \
                stack's equivalent) injected. An existing file is kept unless overwrite is true.
                """,
            schema: ToolSchema.object([
                "path": ToolSchema.projectPath,
                "databases": ToolSchema.stringArray("Databases to run beside the app.", allowed: DatabaseKind.allCases.map(\.rawValue)),
                "host_port": ToolSchema.integer("The host port to publish the app on. Default: the app's port.", minimum: 1, maximum: 65535),
                "overwrite": ToolSchema.boolean("Replace a docker-compose.yml that exists. Default false."),
            ]),
            risk: .changes, redactor: redactor,
            summarize: { input in
                let databases = input["databases"]?.arrayValue?.compactMap(\.stringValue) ?? []
                return "docker-compose.yml" + (databases.isEmpty ? "" : " with " + databases.joined(separator: ", "))
            }
        ) { (input: GenerateInput, _) in
            var input = input
            input.write = true
            return try service.generateCompose(input)
        }
    }

    // MARK: - Deploys

    var deployLocal: Tool {
        let service = service
        let guid = projectGuid
        return ServiceTool.make(
            name: "deploy_local",
            description: """
                Builds the project's image with docker, tags it <name>:deploy_<id>, starts it with docker compose on \
                a free port from 20000-40000 and waits until it is healthy. Reports the URL, or why it failed \
                (exit code, last log lines, a port or bind-address mismatch). One deploy per project at a time.
                """,
            schema: ToolSchema.object([
                "path": ToolSchema.projectPath,
                "name": ToolSchema.string("Image and container name. Default: the folder's name."),
                "databases": ToolSchema.stringArray("Databases to run beside the app.", allowed: DatabaseKind.allCases.map(\.rawValue)),
                "environment": ToolSchema.stringMap("Extra environment variables for the app."),
            ]),
            risk: .changes, redactor: redactor,
            summarize: { input in "local deploy of " + (ToolSchema.summary(input, "name", "path").isEmpty ? "the project" : ToolSchema.summary(input, "name", "path")) }
        ) { (input: DeployLocalInput, context) in
            var input = input
            if input.projectId == nil { input.projectId = guid }
            return try await service.deployLocal(input) { progress in context.progress(progress.line) }
        }
    }

    var rollback: Tool {
        let service = service
        let guid = projectGuid
        return ServiceTool.make(
            name: "rollback",
            description: """
                Redeploys an earlier deployment's image (after checking it still exists): the one named by \
                deployment_id, or else the last good deployment before the live one. Use list_deployments first \
                to pick a version.
                """,
            schema: ToolSchema.object([
                "path": ToolSchema.projectPath,
                "deployment_id": ToolSchema.deploymentId,
            ]),
            risk: .changes, redactor: redactor,
            summarize: { input in "roll back to " + (ToolSchema.summary(input, "deployment_id").isEmpty ? "the previous version" : ToolSchema.summary(input, "deployment_id")) }
        ) { (input: RollbackInput, context) in
            var input = input
            if input.projectId == nil, input.deploymentId == nil { input.projectId = guid }
            return try await service.rollback(input) { progress in context.progress(progress.line) }
        }
    }

    var stopDeployment: Tool {
        referenceTool("stop_deployment", "Stops a deployment's containers; its image and record stay, so it can be restarted.", "stop") {
            try await $0.stop($1)
        }
    }

    var restartDeployment: Tool {
        referenceTool("restart_deployment", "Starts a stopped deployment's containers again and waits until healthy.", "restart") {
            try await $0.restart($1)
        }
    }

    var removeDeployment: Tool {
        referenceTool("remove_deployment", "Removes a deployment's containers and releases its port. Its record stays in the history.", "remove") {
            try await $0.remove($1)
        }
    }

    var deploymentStatus: Tool {
        let service = service
        return ServiceTool.make(
            name: "deployment_status",
            description: "One deployment's record, whether it is the project's live one, and its container's state and health.",
            schema: ToolSchema.object(["deployment_id": ToolSchema.deploymentId], required: ["deployment_id"]),
            risk: .readOnly, redactor: redactor,
            summarize: { ToolSchema.summary($0, "deployment_id") }
        ) { (input: DeploymentReference, _) in try await service.status(input) }
    }

    var listDeployments: Tool {
        let service = service
        let guid = projectGuid
        return ServiceTool.make(
            name: "list_deployments",
            description: "The project's deployments, newest first: status, image tag, commit, port, URL, times and errors.",
            schema: ToolSchema.object([
                "path": ToolSchema.projectPath,
                "limit": ToolSchema.integer("How many, newest first. Default 20.", minimum: 1, maximum: 500),
            ]),
            risk: .readOnly, redactor: redactor,
            summarize: { _ in "" }
        ) { (input: ListDeploymentsInput, _) in
            var input = input
            if input.projectId == nil, let guid { input.projectId = guid }
            if input.limit == nil { input.limit = 20 }
            return try await service.list(input)
        }
    }

    var getLogs: Tool {
        let service = service
        return ServiceTool.make(
            name: "get_logs",
            description: "The last lines of a deployment's container logs (or, when it no longer runs, the excerpt kept when it ended). Secrets are redacted.",
            schema: ToolSchema.object([
                "deployment_id": ToolSchema.deploymentId,
                "tail": ToolSchema.integer("How many lines. Default 100.", minimum: 1, maximum: 5000),
            ], required: ["deployment_id"]),
            risk: .readOnly, redactor: redactor,
            summarize: { ToolSchema.summary($0, "deployment_id") }
        ) { (input: LogsInput, _) in try await service.logs(input) }
    }

    func referenceTool(
        _ name: String, _ description: String, _ verb: String,
        _ call: @escaping @Sendable (DeployService, DeploymentReference) async throws -> DeploymentSummary
    ) -> Tool {
        let service = service
        return ServiceTool.make(
            name: name, description: description,
            schema: ToolSchema.object(["deployment_id": ToolSchema.deploymentId], required: ["deployment_id"]),
            risk: .changes, redactor: redactor,
            summarize: { "\(verb) " + ToolSchema.summary($0, "deployment_id") }
        ) { (input: DeploymentReference, _) in try await call(service, input) }
    }

    // MARK: - Logs and resources

    var analyzeLogs: Tool {
        let service = service
        return ServiceTool.make(
            name: "analyze_logs",
            description: """
                Reduces a failed build or deploy log to what matters: known failure signatures with fix hints, the key \
                error lines, and an excerpt within a token budget (stack traces, the last error block, the tail), \
                secrets redacted. Give a log file in the project (path) or a deployment (deployment_id).
                """,
            schema: ToolSchema.object([
                "path": ToolSchema.string("A log file inside the project."),
                "deployment_id": ToolSchema.deploymentId,
                "token_budget": ToolSchema.integer("The excerpt's size in tokens. Default 2000.", minimum: 200, maximum: 20000),
            ]),
            risk: .readOnly, redactor: redactor,
            summarize: { ToolSchema.summary($0, "path", "deployment_id") }
        ) { (input: AnalyzeLogsInput, _) in try await input.run(service: service) }
    }

    var projectResources: Tool {
        let store = resources
        let guid = projectGuid
        return ServiceTool.make(
            name: "project_resources",
            description: "The AWS resources build agents reported for this project with notify.sh (bucket, CDN, cluster...), merged across reports.",
            schema: ToolSchema.object(["guid": ToolSchema.string("A project guid. Default: this project's.")]),
            risk: .readOnly, redactor: redactor,
            summarize: { ToolSchema.summary($0, "guid") }
        ) { (input: ProjectResourcesInput, _) in
            guard let store else { throw DeployToolsError("no ledger is open") }
            guard let id = input.guid ?? guid else { throw DeployToolsError("this project has no guid yet; give one") }
            guard let record = try await store.resources(guid: id) else {
                return ProjectResourcesOutput(guid: id, found: false, resources: nil, updatedAt: nil)
            }
            return ProjectResourcesOutput(guid: id, found: true, resources: record.awsResources, updatedAt: record.updatedAt)
        }
    }
}
