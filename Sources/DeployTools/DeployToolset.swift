import Agent
import Deploy
import Foundation
import JSON
import Ledger

/// deployotron's services as Claude tools: detection, generators, local deploys and their history,
/// rollback, logs, log triage and the resources build agents reported.
///
/// Tools that only look are read-only; tools that write files or start, stop or remove containers
/// change something, so the permission policy asks the user before they run. Each tool's input is a
/// `ToolInput` (`DeployToolInputs.swift`); outputs are JSON, redacted by the conversation.
public struct DeployToolset: Sendable {
    public var service: DeployService
    /// The ledger's project records, for `project_resources`; nil leaves that tool out.
    public var resources: (any ResourceStore)?
    /// The project's guid, when it has one: deployments are recorded under it.
    public var projectGuid: String?

    public init(service: DeployService, resources: (any ResourceStore)? = nil, projectGuid: String? = nil) {
        self.service = service
        self.resources = resources
        self.projectGuid = projectGuid
    }

    public var tools: [Tool] {
        var tools = [
            detectStack, generateDockerfile, generateCompose, deployLocal, deployStatic, deployECS, listDeployments, deploymentStatus,
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
            risk: .readOnly,
            input: DetectStackInput.self,
            summarize: { $0.path ?? "" }
        ) { input, context in try service.detect(DetectInput(path: try ServiceTool.resolve(input.path, in: context))) }
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
            risk: .changes,
            input: GenerateDockerfileInput.self,
            summarize: { "Dockerfile in " + Self.nonEmpty($0.path, or: ".") }
        ) { input, context in
            try service.generateDockerfile(GenerateInput(
                path: try ServiceTool.resolve(input.path, in: context), write: true, overwrite: input.overwrite))
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
            risk: .changes,
            input: GenerateComposeInput.self,
            summarize: { input in
                let databases = (input.databases ?? []).map(\.rawValue)
                return "docker-compose.yml" + (databases.isEmpty ? "" : " with " + databases.joined(separator: ", "))
            }
        ) { input, context in
            try service.generateCompose(GenerateInput(
                path: try ServiceTool.resolve(input.path, in: context), write: true, overwrite: input.overwrite,
                databases: input.databases, hostPort: input.hostPort))
        }
    }

    // MARK: - Deploys

    var deployLocal: Tool {
        let service = service
        let guid = projectGuid
        return ServiceTool.make(
            name: "deploy_local",
            description: """
                Builds the project's image with docker, tags it <name>-<guid8>:deploy_<id>, runs it as its own container \
                on a free port of 127.0.0.1 from 20000-40000 (with docker compose when databases are asked for) and \
                waits until the port answers; the previous version keeps serving until then. Reports the URL, or why it failed \
                (exit code, last log lines, a port or bind-address mismatch). One deploy per project at a time.
                """,
            risk: .changes,
            input: DeployLocalToolInput.self,
            summarize: { "local deploy of " + Self.nonEmpty($0.name ?? $0.path, or: "the project") }
        ) { input, context in
            let request = DeployLocalInput(
                path: try ServiceTool.resolve(input.path, in: context), name: input.name, projectId: guid,
                databases: input.databases, environment: input.environment, git: input.git, ref: input.ref,
                environmentName: input.environmentName)
            return try await service.deployLocal(request) { progress in context.progress(progress.line) }
        }
    }

    var deployStatic: Tool {
        let service = service
        let guid = projectGuid
        return ServiceTool.make(
            name: "deploy_s3_cloudfront",
            description: """
                Builds the project's static site (its detected build command, or build_command) and serves it from a \
                private S3 bucket named with the project's guid, through a CloudFront distribution (HTTPS, compression, \
                index.html; 403/404 answer index.html for single-page apps). Each deploy is its own release; unchanged \
                files are copied, not uploaded again; rollback switches back instantly. Needs AWS credentials and a \
                region. Reports the https URL, the bucket and the distribution.
                """,
            risk: .changes,
            input: DeployStaticToolInput.self,
            summarize: { "S3 + CloudFront deploy of " + Self.nonEmpty($0.name ?? $0.path, or: "the project") }
        ) { input, context in
            let request = DeployLocalInput(
                path: try ServiceTool.resolve(input.path, in: context), name: input.name, projectId: guid,
                buildCommand: input.buildCommand, outputFolder: input.outputFolder, git: input.git, ref: input.ref,
                environmentName: input.environmentName)
            return try await service.deploy(request, to: .s3CloudFront) { progress in context.progress(progress.line) }
        }
    }

    var deployECS: Tool {
        let service = service
        let guid = projectGuid
        return ServiceTool.make(
            name: "deploy_ecs",
            description: """
                Builds the project's image with docker, pushes it as deploy_<id> to an ECR repository named with the project's guid, \
                and runs it as a Fargate service (default VPC, public IP, a security group opening only the app's port, logs in \
                CloudWatch). Waits until ECS reports the new deployment COMPLETED with every task running; if the circuit breaker \
                rolls it back it fails with the stopped tasks' reasons, exit codes and last log lines. Environment values that are \
                Secrets Manager or SSM parameter ARNs go in as secret references. No databases. Needs AWS credentials and a region.
                """,
            risk: .changes,
            input: DeployLocalToolInput.self,
            summarize: { "ECS deploy of " + Self.nonEmpty($0.name ?? $0.path, or: "the project") }
        ) { input, context in
            let request = DeployLocalInput(
                path: try ServiceTool.resolve(input.path, in: context), name: input.name, projectId: guid,
                databases: input.databases, environment: input.environment, git: input.git, ref: input.ref,
                environmentName: input.environmentName)
            return try await service.deploy(request, to: .ecs) { progress in context.progress(progress.line) }
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
            risk: .changes,
            input: RollbackToolInput.self,
            summarize: { "roll back to " + Self.nonEmpty($0.deploymentId, or: "the previous version") }
        ) { input, context in
            let request = RollbackInput(
                deploymentId: input.deploymentId, path: try ServiceTool.resolve(input.path, in: context),
                projectId: input.deploymentId == nil ? guid : nil, environmentName: input.environmentName)
            return try await service.rollback(request) { progress in context.progress(progress.line) }
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
            risk: .readOnly,
            input: DeploymentIdInput.self,
            summarize: { $0.deploymentId }
        ) { input, _ in try await service.status(DeploymentReference(deploymentId: input.deploymentId)) }
    }

    var listDeployments: Tool {
        let service = service
        let guid = projectGuid
        return ServiceTool.make(
            name: "list_deployments",
            description: "The project's deployments, newest first: status, image tag, commit, port, URL, times and errors.",
            risk: .readOnly,
            input: ListDeploymentsToolInput.self,
            summarize: { _ in "" }
        ) { input, context in
            let request = ListDeploymentsInput(
                path: try ServiceTool.resolve(input.path, in: context), projectId: guid, limit: input.limit ?? 20,
                environmentName: input.environmentName)
            return try await service.list(request)
        }
    }

    var getLogs: Tool {
        let service = service
        return ServiceTool.make(
            name: "get_logs",
            description: """
                The last lines of a deployment's logs: a local container's, or an ECS service's in CloudWatch Logs; when it no \
                longer runs, the excerpt kept when it ended. Narrow them with since and a filter pattern. Secrets are redacted.
                """,
            risk: .readOnly,
            input: GetLogsInput.self,
            summarize: { $0.deploymentId }
        ) { input, _ in
            try await service.logs(LogsInput(deploymentId: input.deploymentId, tail: input.tail, since: input.since, filter: input.filter))
        }
    }

    func referenceTool(
        _ name: String, _ description: String, _ verb: String,
        _ call: @escaping @Sendable (DeployService, DeploymentReference) async throws -> DeploymentSummary
    ) -> Tool {
        let service = service
        return ServiceTool.make(
            name: name, description: description, risk: .changes,
            input: DeploymentIdInput.self,
            summarize: { "\(verb) " + $0.deploymentId }
        ) { input, _ in try await call(service, DeploymentReference(deploymentId: input.deploymentId)) }
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
            risk: .readOnly,
            input: AnalyzeLogsInput.self,
            summarize: { Self.nonEmpty($0.path ?? $0.deploymentId, or: "") }
        ) { input, context in try await input.run(service: service, projectRoot: context.projectRoot) }
    }

    var projectResources: Tool {
        let store = resources
        let guid = projectGuid
        return ServiceTool.make(
            name: "project_resources",
            description: "The AWS resources build agents reported for this project with notify.sh (bucket, CDN, cluster...), merged across reports.",
            risk: .readOnly,
            input: ProjectResourcesInput.self,
            summarize: { $0.guid ?? "" }
        ) { input, _ in
            guard let store else { throw DeployToolsError("no ledger is open") }
            guard let id = input.guid ?? guid else { throw DeployToolsError("this project has no guid yet; give one") }
            guard let record = try await store.resources(guid: id) else {
                return ProjectResourcesOutput(guid: id, found: false, resources: nil, updatedAt: nil)
            }
            return ProjectResourcesOutput(guid: id, found: true, resources: record.awsResources, updatedAt: record.updatedAt)
        }
    }

    /// `text` for a summary, or `fallback` when it is absent or empty.
    static func nonEmpty(_ text: String?, or fallback: String) -> String {
        guard let text, !text.isEmpty else { return fallback }
        return text
    }
}
