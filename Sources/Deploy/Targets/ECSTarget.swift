import AWS
import Foundation
import JSON
import Ledger
import Locations
import Synchronization

/// Deploys to AWS ECS on Fargate: the image built with the docker CLI as for local deploys, pushed
/// to an ECR repository of the project, run by one service per app behind a public IP.
///
/// Everything it makes is named with the project's guid and tagged `deployotron:project=<guid>`, so
/// teardown removes only what deployotron made for that project. The service is created with the
/// deployment circuit breaker rolling back, and a deploy is live only once its own ECS deployment is
/// COMPLETED with every task running (`ECSDeploymentWatcher`); otherwise the deploy fails saying what
/// ECS did, and the version that was live keeps serving.
public struct ECSTarget: DeployTarget {
    public var settings: ECSSettings
    public var docker: DockerCLI
    /// Where each deployment's plan and ECS details (and a generated Dockerfile) are kept.
    public var workRoot: URL
    /// The environment AWS credentials, region and endpoints are read from.
    public var environment: [String: String]
    public var clock: any Clock<Duration>
    /// Replaces the wait for ECS (tests on moto, whose services never roll out).
    public var waitOverride: (@Sendable (ECSDeploymentWatcher.Watch) async throws -> Void)?
    /// What each running deploy has chosen and created so far, by deployment id.
    let runs = ECSRuns()

    public init(
        settings: ECSSettings = ECSSettings(), docker: DockerCLI = DockerCLI(), workRoot: URL, environment: [String: String] = ProcessInfo.processInfo.environment,
        clock: any Clock<Duration> = ContinuousClock(), waitOverride: (@Sendable (ECSDeploymentWatcher.Watch) async throws -> Void)? = nil
    ) {
        self.settings = settings
        self.docker = docker
        self.workRoot = workRoot
        self.environment = environment
        self.clock = clock
        self.waitOverride = waitOverride
    }

    /// The target over the docker CLI the environment names (DEPLOYOTRON_DOCKER), with the settings
    /// of `ECSSettings(environment:)`, keeping each deployment's files under
    /// `$XDG_STATE_HOME/deployotron/ecs`.
    public static func standard(environment: [String: String] = ProcessInfo.processInfo.environment) -> ECSTarget {
        let executable = environment[LocalDockerTarget.dockerVariable].flatMap { $0.isEmpty ? nil : $0 } ?? "docker"
        return ECSTarget(
            settings: ECSSettings(environment: environment),
            docker: DockerCLI(executable: executable, runner: ProcessRunner(environment: environment)),
            workRoot: UserDirectories(environment: environment).state.appendingPathComponent("ecs", isDirectory: true),
            environment: environment)
    }

    public var kind: DeployTargetKind { .ecs }
    public var usesHostPort: Bool { false }

    // MARK: - Names

    /// The AWS names of one project's app.
    public struct Names: Sendable, Equatable {
        public var repository: String
        public var cluster: String
        public var service: String
        public var family: String
        public var logGroup: String
        public var securityGroup: String
        public var executionRole: String

        public init(name: String, guid: String, cluster: String?) {
            let short = String(guid.replacingOccurrences(of: "-", with: "").prefix(8)).lowercased()
            let stem = "\(name)-\(short)"
            repository = "\(name)-\(guid.lowercased())"
            self.cluster = cluster ?? "deployotron-\(stem)"
            service = name
            family = stem
            logGroup = "/deployotron/\(name)-\(guid.lowercased())"
            securityGroup = "deployotron-\(stem)"
            executionRole = String("deployotron-ecs-\(stem)".prefix(64))
        }
    }

    public func names(_ project: DeployProject) -> Names {
        Names(name: project.name, guid: project.guid, cluster: settings.cluster)
    }

    public func names(of deployment: DeploymentRecord) -> Names {
        names(DeployProject(guid: deployment.projectId, name: deployment.name))
    }

    /// The tags on everything this target creates.
    public static func tags(_ project: DeployProject) -> [String: String] {
        ["deployotron:project": project.guid, "deployotron:app": project.name]
    }

    static func shortId(_ deploymentId: String) -> String {
        String(deploymentId.replacingOccurrences(of: "-", with: "").prefix(8).lowercased())
    }

    /// `<repository>:deploy_<id8>`: the ECR repository and the immutable tag.
    public func artifactName(project: DeployProject, deploymentId: String) -> String {
        "\(names(project).repository):deploy_\(Self.shortId(deploymentId))"
    }

    /// The repository and tag of an artifact name.
    static func split(_ artifact: String) -> (repository: String, tag: String)? {
        guard let colon = artifact.lastIndex(of: ":") else { return nil }
        return (String(artifact[..<colon]), String(artifact[artifact.index(after: colon)...]))
    }

    public func folder(of deployment: DeploymentRecord) -> URL {
        workRoot.appendingPathComponent(names(of: deployment).repository, isDirectory: true)
            .appendingPathComponent(String(deployment.id.prefix(8)), isDirectory: true)
    }

    func fileURL(of deployment: DeploymentRecord) -> URL {
        folder(of: deployment).appendingPathComponent("deployment.json")
    }

    /// The plan and ECS details a deployment kept; nil when its files are gone.
    public func details(of deployment: DeploymentRecord) -> ECSDeploymentDetails? {
        readFile(of: deployment)?.ecs
    }

    func readFile(of deployment: DeploymentRecord) -> ECSDeploymentFile? {
        guard let data = try? Data(contentsOf: fileURL(of: deployment)) else { return nil }
        return try? JSONDecoder().decode(ECSDeploymentFile.self, from: data)
    }

    func writeFile(_ file: ECSDeploymentFile, of deployment: DeploymentRecord) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try FileManager.default.createDirectory(at: folder(of: deployment), withIntermediateDirectories: true)
        try PrivateFile.write(try encoder.encode(file), to: fileURL(of: deployment))
    }

    // MARK: - Clients

    /// The AWS clients, from `environment` and the settings' region.
    public func clients() throws -> ECSClients {
        try ECSClients(environment: environment, region: settings.region)
    }

    func watcher(_ clients: ECSClients) -> ECSDeploymentWatcher {
        ECSDeploymentWatcher(ecs: clients.ecs, logs: clients.logs, clock: clock, pollInterval: settings.pollInterval, timeout: settings.waitTimeout)
    }

    // MARK: - Before anything starts

    /// Checks the settings, the credentials and the region without calling AWS, then the engine.
    public func preflight(_ request: DeployRequest) async throws {
        if let problem = settings.problems.first {
            throw DeployError(.preflight, problem)
        }
        if let problem = settings.size.problem {
            throw DeployError(.preflight, problem + " (DEPLOYOTRON_ECS_CPU, DEPLOYOTRON_ECS_MEMORY)")
        }
        if !request.databases.isEmpty {
            throw DeployError(.preflight, "ECS deploys do not run databases (\(request.databases.map(\.rawValue).joined(separator: ", "))); use a managed database and pass its URL as an environment variable (or a Secrets Manager ARN)")
        }
        do {
            _ = try clients()
        } catch let error as AWSError {
            throw DeployError(.preflight, "ECS deploys need AWS: \(error.message)")
        }
        if request.build { _ = try await docker.engineInfo() }
    }

    /// The plan the deployment kept, else one rebuilt from the task definition revision its ledger
    /// record names: the port, environment and secret references ECS has registered.
    public func rollbackPlan(of chosen: DeploymentRecord) async throws -> DeploymentPlan {
        if let file = readFile(of: chosen) { return file.plan }
        guard let arn = chosen.taskDefinition else {
            throw DeployError(.notFound, "the files of ECS deployment \(chosen.id) are gone (\(fileURL(of: chosen).path)) and its record names no task definition; deploy that version again instead")
        }
        let clients: ECSClients
        do {
            clients = try self.clients()
        } catch let error as AWSError {
            throw DeployError(.preflight, "ECS deploys need AWS: \(error.message)")
        }
        let revision = ECSDeploymentWatcher.revision(arn)
        guard let definition = try await aws("reading task definition \(revision)", { try await clients.ecs.describeTaskDefinition(arn) }),
              let container = definition.containers.first(where: { $0.name == "app" }) ?? definition.containers.first else {
            throw DeployError(.notFound, "the task definition \(revision) of deployment \(chosen.id) is gone from ECS and its files are gone too; deploy that version again instead")
        }
        guard let port = container.ports.first else {
            throw DeployError(.notFound, "the task definition \(revision) of deployment \(chosen.id) maps no container port; deploy that version again instead")
        }
        let stack = DetectedStack(
            language: "container", framework: nil, packageManager: nil, port: port, portSource: "task definition \(revision)",
            buildCommand: nil, startCommand: nil, startSource: nil, confidence: 100,
            evidence: [DetectedStack.Evidence(kind: "ecs", detail: "read back from \(arn)")])
        // Secret references go back as their ARNs, which the deploy sends as references again.
        let environment = container.environment.merging(container.secrets) { value, _ in value }
        return DeploymentPlan(deploymentId: chosen.id, stack: stack, databases: [], environment: environment, appFolder: workRoot.path)
    }

    /// Whether ECR still has the image (the lifecycle policy expires old ones).
    public func artifactExists(_ artifact: String) async throws -> Bool {
        guard let (repository, tag) = Self.split(artifact) else { return false }
        do {
            return try await clients().ecr.image(repository: repository, tag: tag) != nil
        } catch let error as AWSError {
            throw DeployError(.aws, "checking the image \(artifact) in ECR failed: \(error)")
        }
    }
}

/// How ECS deploys are sized and where they go.
public struct ECSSettings: Sendable, Equatable {
    /// nil: the environment's or profile's region.
    public var region: String?
    /// An existing cluster to deploy into; nil makes one per app.
    public var cluster: String?
    public var size: FargateSize
    public var desiredCount: Int
    /// An existing task execution role; nil creates one per app.
    public var executionRoleArn: String?
    /// The managed policy a created execution role gets.
    public var executionPolicyArn: String = IAMClient.taskExecutionPolicyArn
    /// Environment variable name to a Secrets Manager or SSM parameter ARN, added to those the deploy
    /// passes (an environment value that is such an ARN goes in as a secret reference too).
    public var secrets: [String: String]
    /// Images the ECR lifecycle policy keeps.
    public var keptImages: Int
    public var logRetentionDays: Int
    /// How long a deploy waits for ECS.
    public var waitTimeout: Duration
    public var pollInterval: Duration
    /// Push to this registry host instead of ECR's (a local registry in tests).
    public var registryHost: String?
    /// Values from the environment that could not be used, reported by the preflight.
    public var problems: [String]

    public init(
        region: String? = nil, cluster: String? = nil, size: FargateSize = .smallest, desiredCount: Int = 1, executionRoleArn: String? = nil,
        secrets: [String: String] = [:], keptImages: Int = 10, logRetentionDays: Int = 30, waitTimeout: Duration = .seconds(600),
        pollInterval: Duration = .seconds(5), registryHost: String? = nil
    ) {
        self.region = region
        self.cluster = cluster
        self.size = size
        self.desiredCount = desiredCount
        self.executionRoleArn = executionRoleArn
        self.secrets = secrets
        self.keptImages = keptImages
        self.logRetentionDays = logRetentionDays
        self.waitTimeout = waitTimeout
        self.pollInterval = pollInterval
        self.registryHost = registryHost
        self.problems = []
    }

    /// DEPLOYOTRON_ECS_CLUSTER, DEPLOYOTRON_ECS_CPU, DEPLOYOTRON_ECS_MEMORY, DEPLOYOTRON_ECS_COUNT,
    /// DEPLOYOTRON_ECS_EXECUTION_ROLE_ARN, DEPLOYOTRON_ECS_WAIT_SECONDS, DEPLOYOTRON_ECR_REGISTRY.
    public init(environment: [String: String]) {
        self.init()
        func value(_ name: String) -> String? {
            environment[name].map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 }
        }
        func number(_ name: String) -> Int? {
            guard let text = value(name) else { return nil }
            guard let number = Int(text), number > 0 else {
                problems.append("\(name)=\(text) is not a positive whole number")
                return nil
            }
            return number
        }
        cluster = value("DEPLOYOTRON_ECS_CLUSTER")
        size = FargateSize(cpu: number("DEPLOYOTRON_ECS_CPU") ?? FargateSize.smallest.cpu, memory: number("DEPLOYOTRON_ECS_MEMORY") ?? FargateSize.smallest.memory)
        desiredCount = number("DEPLOYOTRON_ECS_COUNT") ?? 1
        executionRoleArn = value("DEPLOYOTRON_ECS_EXECUTION_ROLE_ARN")
        waitTimeout = number("DEPLOYOTRON_ECS_WAIT_SECONDS").map { .seconds($0) } ?? .seconds(600)
        registryHost = value("DEPLOYOTRON_ECR_REGISTRY")
    }
}

/// The AWS clients an ECS deploy uses, for one region.
public struct ECSClients: Sendable {
    public var region: String
    public var ecr: ECRClient
    public var ecs: ECSClient
    public var logs: CloudWatchLogsClient
    public var ec2: EC2Client
    public var iam: IAMClient

    public init(environment: [String: String], region: String?) throws {
        let ecsTransport = try AWSServiceClient.fromEnvironment(.ecs, displayName: "ECS", region: region, environment: environment)
        self.region = ecsTransport.region
        ecs = ECSClient(transport: ecsTransport)
        ecr = try ECRClient.fromEnvironment(region: self.region, environment: environment)
        logs = try CloudWatchLogsClient.fromEnvironment(region: self.region, environment: environment)
        ec2 = try EC2Client.fromEnvironment(region: self.region, environment: environment)
        iam = try IAMClient.fromEnvironment(environment: environment)
    }
}

/// What each deploy in progress has chosen and created, shared by the copies of a target.
final class ECSRuns: Sendable {
    private let runs = Mutex<[String: ECSDeploymentDetails]>([:])

    subscript(_ deploymentId: String) -> ECSDeploymentDetails? {
        get { runs.withLock { $0[deploymentId] } }
        set { runs.withLock { $0[deploymentId] = newValue } }
    }
}
