import AWS
import Foundation
import Ledger

// MARK: - Steps

extension ECSTarget {
    public func deploySteps() -> [DeployStep<DeployState>] {
        let target = self
        return [
            DeployStep("prepare AWS", weight: 8) { state, report in try await target.prepareAWS(&state, report) },
            DeployStep("build image", weight: 40) { state, report in try await target.buildImage(&state, report) },
            DeployStep("push image", weight: 12) { state, report in try await target.pushImage(&state, report) },
            DeployStep("register task definition", weight: 3) { state, report in try await target.registerTaskDefinition(&state, report) },
            DeployStep("update service", weight: 4) { state, report in try await target.updateService(&state, report) },
            DeployStep("wait for ECS", weight: 30) { state, report in try await target.waitForECS(&state, report) },
        ]
    }

    /// Runs `body`, turning an AWS failure into a deploy error naming what was being done.
    @discardableResult
    func aws<T>(_ what: String, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as AWSError {
            throw DeployError(.aws, "\(what) failed: \(error)")
        }
    }

    func details(_ state: DeployState) throws -> ECSDeploymentDetails {
        guard let details = runs[state.deployment.id] else {
            throw DeployError(.invalidState, "the AWS resources of deployment \(state.deployment.id) were not prepared")
        }
        return details
    }

    func save(_ details: ECSDeploymentDetails, _ state: DeployState) throws {
        runs[state.deployment.id] = details
        guard let stack = state.stack else { return }
        let plan = DeploymentPlan(deploymentId: state.deployment.id, stack: stack, databases: state.databases, environment: state.environment, appFolder: state.appFolder.path)
        try writeFile(ECSDeploymentFile(plan: plan, ecs: details), of: state.deployment)
    }

    /// The repository, log group, execution role, cluster and network: found, or made and tagged.
    func prepareAWS(_ state: inout DeployState, _ report: StepReporter) async throws {
        let stack = try state.requireStack()
        let clients: ECSClients = try await aws("reading the AWS settings") { try self.clients() }
        let project = DeployProject(guid: state.deployment.projectId, name: state.deployment.name)
        let names = names(project)
        let tags = Self.tags(project)
        guard let artifact = state.deployment.imageTag, let (_, tag) = Self.split(artifact) else {
            throw DeployError(.invalidState, "deployment \(state.deployment.id) has no image tag")
        }

        let cluster = try await aws("looking up the ECS cluster \(names.cluster)") { try await clients.ecs.cluster(named: names.cluster) }
        if cluster == nil {
            guard settings.cluster == nil else {
                throw DeployError(.aws, "the ECS cluster \(names.cluster) does not exist in \(clients.region): create it, or unset DEPLOYOTRON_ECS_CLUSTER and deployotron makes one for the app")
            }
            try await aws("creating the ECS cluster \(names.cluster)") { try await clients.ecs.createCluster(name: names.cluster, tags: tags) }
            report("created ECS cluster \(names.cluster)")
        }

        var repository = try await aws("looking up the ECR repository \(names.repository)") { try await clients.ecr.repository(named: names.repository) }
        if repository == nil {
            repository = try await aws("creating the ECR repository \(names.repository)") { try await clients.ecr.createRepository(name: names.repository, tags: tags) }
            report("created ECR repository \(names.repository) (scan on push, immutable tags)")
        }
        guard let repository else { return }
        try await aws("setting the lifecycle policy of \(names.repository)") {
            try await clients.ecr.putLifecyclePolicy(repository: names.repository, policy: ECRClient.keepLastImagesPolicy(settings.keptImages))
        }
        try await aws("creating the log group \(names.logGroup)") {
            try await clients.logs.createLogGroup(names.logGroup, tags: tags, retentionDays: settings.logRetentionDays)
        }

        let roleArn: String
        if let given = settings.executionRoleArn {
            roleArn = given
        } else if let role = try await aws("looking up the IAM role \(names.executionRole)", { try await clients.iam.role(named: names.executionRole) }) {
            roleArn = role.arn
        } else {
            roleArn = try await aws("creating the task execution role \(names.executionRole)") {
                let arn = try await clients.iam.createRole(name: names.executionRole, description: "ECS task execution for \(project.name) (deployotron)", tags: tags)
                try await clients.iam.attachRolePolicy(role: names.executionRole, policyArn: settings.executionPolicyArn)
                return arn
            }
            report("created IAM role \(names.executionRole)")
        }

        guard let vpc = try await aws("finding the default VPC", { try await clients.ec2.defaultVPC() }) else {
            throw DeployError(.aws, "\(clients.region) has no default VPC: create one with `aws ec2 create-default-vpc`, or use `deployotron terraform --target ecs` with your own network")
        }
        let subnets = try await aws("listing the subnets of \(vpc)") { try await clients.ec2.subnets(vpc: vpc) }
        guard !subnets.isEmpty else { throw DeployError(.aws, "the default VPC \(vpc) has no subnets") }
        var group = try await aws("looking up the security group \(names.securityGroup)") { try await clients.ec2.securityGroup(named: names.securityGroup, vpc: vpc)?.id }
        if group == nil {
            group = try await aws("creating the security group \(names.securityGroup)") {
                try await clients.ec2.createSecurityGroup(name: names.securityGroup, description: "\(project.name) app port (deployotron)", vpc: vpc, tags: tags)
            }
            report("created security group \(names.securityGroup)")
        }
        guard let group else { return }
        try await aws("opening port \(stack.port) in \(group)") {
            try await clients.ec2.allowIngress(group: group, port: stack.port)
            // Only the app's port: one an earlier version listened on is closed again.
            for port in try await clients.ec2.ingressPorts(group: group) where port != stack.port {
                try await clients.ec2.revokeIngress(group: group, port: port)
            }
        }

        let registry = settings.registryHost.map { "\($0)/\(names.repository)" } ?? repository.uri
        var details = ECSDeploymentDetails(
            region: clients.region, repository: names.repository, repositoryURI: registry, image: "\(registry):\(tag)",
            cluster: names.cluster, service: names.service, logGroup: names.logGroup, logStreamPrefix: "app")
        details.executionRoleArn = roleArn
        details.securityGroup = group
        details.subnets = subnets
        state.filesWritten = true
        try save(details, state)
        report("ECR \(registry), cluster \(names.cluster), \(subnets.count) subnets, port \(stack.port) open in \(group)")
    }

    func buildImage(_ state: inout DeployState, _ report: StepReporter) async throws {
        let details = try details(state)
        guard state.build else {
            report("skipped: \(details.image) is in ECR")
            return
        }
        let stack = try state.requireStack()
        let dockerfile: URL
        if let own = stack.dockerfile {
            dockerfile = state.appFolder.appendingPathComponent(own)
            report("using the app's own \(own)")
        } else {
            let directory = folder(of: state.deployment)
            let generator = DockerfileGenerator()
            dockerfile = directory.appendingPathComponent("Dockerfile")
            try generator.dockerfile(for: stack, appFolder: state.appFolder).write(to: dockerfile, atomically: true, encoding: .utf8)
            try generator.dockerignore(for: stack).write(to: directory.appendingPathComponent("Dockerfile.dockerignore"), atomically: true, encoding: .utf8)
            report("generated a Dockerfile for \(stack.framework ?? stack.language)")
        }
        let tracker = BuildProgress()
        let labels = ["deployotron.project": state.deployment.projectId, "deployotron.deployment": state.deployment.id, "deployotron.app": state.deployment.name]
        do {
            let output = try await docker.build(tag: details.image, dockerfile: dockerfile, context: state.appFolder, labels: labels) { line in
                if let fraction = tracker.fraction(after: line) { report(line, fraction: fraction) } else { report(line) }
            }
            state.logLines += output.lastLines(20)
        } catch let error as DeployError {
            state.logLines.append(error.message)
            throw DeployError(error.code == .timeout ? .timeout : .docker, "the image did not build: \(error.message)")
        }
        report("built \(details.image)", fraction: 1)
    }

    /// Logs in with the password on stdin and pushes; the digest comes from ECR (or the push output).
    func pushImage(_ state: inout DeployState, _ report: StepReporter) async throws {
        var details = try details(state)
        guard state.build else {
            report("skipped: \(details.image) is in ECR")
            return
        }
        let clients = try clients()
        if let standIn = settings.registryHost, !Self.isECRHost(standIn) {
            // An ECR token is a credential for ECR alone: a stand-in registry never gets it.
            report("pushing to \(standIn) (DEPLOYOTRON_ECR_REGISTRY) without ECR credentials")
        } else {
            let login = try await aws("getting an ECR login") { try await clients.ecr.login() }
            let registry = settings.registryHost ?? Self.host(of: login.registry) ?? String(details.repositoryURI.prefix { $0 != "/" })
            try await docker.login(registry: registry, username: login.username, password: login.password)
            report("logged in to \(registry)")
        }
        let pushed = try await docker.push(details.image) { line in report(line) }
        let tag = Self.split(details.image)?.tag ?? ""
        let inECR = settings.registryHost == nil ? try? await clients.ecr.image(repository: details.repository, tag: tag) : nil
        details.imageDigest = inECR?.digest ?? pushed
        state.deployment.imageDigest = details.imageDigest
        try save(details, state)
        state.logLines.append("pushed \(details.image)" + (details.imageDigest.map { " digest \($0)" } ?? ""))
        report("pushed \(details.image)" + (details.imageDigest.map { " (\($0))" } ?? ""), fraction: 1)
    }

    /// `<account>.dkr.ecr.<region>.amazonaws.com` (or `.amazonaws.com.cn`, `dkr.ecr-fips`).
    static func isECRHost(_ host: String) -> Bool {
        let name = host.lowercased().split(separator: ":").first.map(String.init) ?? ""
        return (name.contains(".dkr.ecr.") || name.contains(".dkr.ecr-fips.")) && (name.hasSuffix(".amazonaws.com") || name.hasSuffix(".amazonaws.com.cn"))
    }

    static func host(of registry: String) -> String? {
        guard !registry.isEmpty else { return nil }
        return URL(string: registry)?.host ?? registry
    }

    /// A new revision for a new image; a rollback reuses the earlier deployment's revision while ECS
    /// still has it active (from its files, else from the ledger, which the rollback record copied it
    /// into), and registers it again from its description once it was deregistered.
    func registerTaskDefinition(_ state: inout DeployState, _ report: StepReporter) async throws {
        var details = try details(state)
        let clients = try clients()
        if !state.build, let earlierId = state.deployment.rollbackOf {
            let earlier = try await earlierDeployment(earlierId, like: state.deployment)
            if let arn = earlier?.taskDefinitionArn ?? state.deployment.taskDefinition,
               let definition = try await aws("reading task definition \(arn)", { try await clients.ecs.describeTaskDefinition(arn) }),
               !definition.containers.isEmpty {
                if definition.status == "ACTIVE" {
                    details.taskDefinitionArn = arn
                    details.imageDigest = details.imageDigest ?? earlier?.imageDigest ?? state.deployment.imageDigest
                    state.deployment.taskDefinition = arn
                    state.deployment.imageDigest = details.imageDigest
                    try save(details, state)
                    report("reusing \(ECSDeploymentWatcher.revision(arn))")
                    return
                }
                report("\(ECSDeploymentWatcher.revision(arn)) was deregistered; registering it again")
            }
        }
        let stack = try state.requireStack()
        var environment: [String: String] = [:]
        var secrets = settings.secrets
        for (name, value) in state.environment {
            if Self.isSecretReference(value) { secrets[name] = value } else { environment[name] = value }
        }
        environment["PORT"] = environment["PORT"] ?? String(stack.port)
        let project = DeployProject(guid: state.deployment.projectId, name: state.deployment.name)
        guard let role = details.executionRoleArn else { throw DeployError(.invalidState, "no task execution role was prepared") }
        let input = ECSClient.TaskDefinitionInput(
            family: names(project).family, cpu: settings.size.cpu, memory: settings.size.memory, executionRoleArn: role, containerName: "app",
            image: details.image, port: stack.port, environment: environment, secrets: secrets, logGroup: details.logGroup,
            logRegion: details.region, logStreamPrefix: details.logStreamPrefix, tags: Self.tags(project))
        let arn = try await aws("registering the task definition") { try await clients.ecs.registerTaskDefinition(input) }
        details.taskDefinitionArn = arn
        state.deployment.taskDefinition = arn
        try save(details, state)
        state.logLines.append("task definition \(arn)")
        report("registered \(ECSDeploymentWatcher.revision(arn)) (\(settings.size.cpu) CPU, \(settings.size.memory) MiB" + (secrets.isEmpty ? ")" : ", \(secrets.count) secret references)"))
    }

    /// A Secrets Manager secret or SSM parameter ARN: sent as a reference, never as a value.
    static func isSecretReference(_ value: String) -> Bool {
        let parts = value.split(separator: ":", maxSplits: 3)
        return parts.count == 4 && parts[0] == "arn" && parts[1].hasPrefix("aws") && (parts[2] == "secretsmanager" || parts[2] == "ssm")
    }

    func earlierDeployment(_ id: String, like current: DeploymentRecord) async throws -> ECSDeploymentDetails? {
        var earlier = current
        earlier.id = id
        return details(of: earlier)
    }

    func updateService(_ state: inout DeployState, _ report: StepReporter) async throws {
        var details = try details(state)
        let clients = try clients()
        guard let taskDefinition = details.taskDefinitionArn else { throw DeployError(.invalidState, "no task definition was registered") }
        let existing = try await aws("looking up the ECS service \(details.service)") { try await clients.ecs.service(cluster: details.cluster, name: details.service) }
        let service: ECSClient.Service
        if existing == nil {
            let project = DeployProject(guid: state.deployment.projectId, name: state.deployment.name)
            details.createdService = true
            service = try await aws("creating the ECS service \(details.service)") {
                try await clients.ecs.createService(ECSClient.ServiceInput(
                    cluster: details.cluster, name: details.service, taskDefinition: taskDefinition, desiredCount: settings.desiredCount,
                    subnets: details.subnets, securityGroups: details.securityGroup.map { [$0] } ?? [], tags: Self.tags(project)))
            }
            report("created service \(details.service) in \(details.cluster)")
        } else {
            details.updatedService = true
            service = try await aws("updating the ECS service \(details.service)") {
                try await clients.ecs.updateService(cluster: details.cluster, service: details.service, taskDefinition: taskDefinition, desiredCount: settings.desiredCount)
            }
            report("updated service \(details.service) to \(ECSDeploymentWatcher.revision(taskDefinition))")
        }
        details.updatedService = true
        guard let deployment = service.deployments.first(where: { $0.status == "PRIMARY" && $0.taskDefinition == taskDefinition }) ?? service.primaryDeployment else {
            try save(details, state)
            throw DeployError(.aws, "ECS answered without a deployment for \(details.service)")
        }
        details.deploymentId = deployment.id
        try save(details, state)
        state.logLines.append("ECS deployment \(deployment.id) of \(details.service) in \(details.cluster)")
        report("ECS deployment \(deployment.id)")
    }

    /// `http://<public ip>:<port>` of a running task of the deployment; nil when none has one yet.
    func publicURL(_ details: ECSDeploymentDetails, deploymentId: String, port: Int, clients: ECSClients) async -> String? {
        guard let arns = try? await clients.ecs.listTasks(cluster: details.cluster, startedBy: deploymentId, desiredStatus: "RUNNING"),
              let tasks = try? await clients.ecs.describeTasks(cluster: details.cluster, tasks: Array(arns.prefix(10))) else { return nil }
        for task in tasks {
            guard let eni = task.networkInterfaceId, let ip = try? await clients.ec2.publicIP(networkInterface: eni) else { continue }
            return "http://\(ip):\(port)"
        }
        return nil
    }

    func waitForECS(_ state: inout DeployState, _ report: StepReporter) async throws {
        let details = try details(state)
        guard let deploymentId = details.deploymentId else { throw DeployError(.invalidState, "no ECS deployment to wait for") }
        let watch = ECSDeploymentWatcher.Watch(
            cluster: details.cluster, service: details.service, deploymentId: deploymentId, logGroup: details.logGroup,
            logStreamPrefix: details.logStreamPrefix, since: state.deployment.startedAt.addingTimeInterval(-5))
        if let waitOverride {
            try await waitOverride(watch)
            report("ECS deployment \(deploymentId) is live", fraction: 1)
            return
        }
        do {
            let clients = try clients()
            let observation = try await watcher(clients).wait(for: watch) { line, fraction in report(line, fraction: fraction) }
            state.logLines.append("ECS \(deploymentId): \(observation.summary)")
            if let url = await publicURL(details, deploymentId: deploymentId, port: try state.requireStack().port, clients: clients) {
                state.deployment.url = url
                report("answering at \(url) (a task's public IP: it changes when the task is replaced)")
            }
        } catch let error as DeployError {
            state.logLines += error.message.split(separator: "\n").map(String.init)
            throw error
        }
    }
}
