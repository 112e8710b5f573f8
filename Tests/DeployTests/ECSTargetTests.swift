import AWS
import Foundation
import JSON
import Ledger
import Synchronization
import TestSupport
import Testing
@testable import Deploy

/// ECSTarget's preflight, which needs no AWS: every refusal is one line, made before any call.
@Suite struct ECSTargetPreflightTests {
    let request = DeployRequest(project: DeployProject(guid: "7f3c2a1e-5b6d-4c8e-9a0f-123456789abc", name: "shop"), appFolder: URL(fileURLWithPath: "/tmp"), databases: [], build: true)
    let credentials = ["AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret", "AWS_REGION": "eu-west-1", "HOME": "/nonexistent"]

    func target(_ environment: [String: String], settings: ECSSettings? = nil) -> ECSTarget {
        ECSTarget(
            settings: settings ?? ECSSettings(environment: environment),
            docker: DockerCLI(executable: "/nonexistent/docker"), workRoot: URL(fileURLWithPath: "/nonexistent"), environment: environment)
    }

    @Test func aFargateSizeOutsideThePairsIsRefusedNamingTheValidOnes() async throws {
        var environment = credentials
        environment["DEPLOYOTRON_ECS_CPU"] = "256"
        environment["DEPLOYOTRON_ECS_MEMORY"] = "4096"
        let error = try await #require(throws: DeployError.self) { try await target(environment).preflight(request) }
        #expect(error.code == .preflight)
        #expect(error.message == "Fargate does not run 256 CPU with 4096 MiB; with 256 CPU use 512-2048 MiB (512, 1024, 2048) (DEPLOYOTRON_ECS_CPU, DEPLOYOTRON_ECS_MEMORY)")
        #expect(FargateSize(cpu: 1024, memory: 3072).isValid)
        #expect(FargateSize(cpu: 1024, memory: 1024).problem == "Fargate does not run 1024 CPU with 1024 MiB; with 1024 CPU use 2048-8192 MiB in steps of 1024")
        #expect(FargateSize(cpu: 300, memory: 512).problem?.hasPrefix("Fargate has no 300 CPU size") == true)
    }

    @Test func missingCredentialsOrRegionAreOneLine() async throws {
        let noKeys = try await #require(throws: DeployError.self) { try await target(["AWS_REGION": "eu-west-1", "HOME": "/nonexistent"]).preflight(request) }
        #expect(noKeys.code == .preflight)
        #expect(noKeys.message.hasPrefix("ECS deploys need AWS: no AWS credentials"))
        var noRegion = credentials
        noRegion["AWS_REGION"] = nil
        let region = try await #require(throws: DeployError.self) { try await target(noRegion).preflight(request) }
        #expect(region.message.hasPrefix("ECS deploys need AWS: no AWS region"))
        #expect(!region.message.contains("\n"))
    }

    @Test func badNumbersAndDatabasesAreRefused() async throws {
        var environment = credentials
        environment["DEPLOYOTRON_ECS_WAIT_SECONDS"] = "soon"
        let number = try await #require(throws: DeployError.self) { try await target(environment).preflight(request) }
        #expect(number.message == "DEPLOYOTRON_ECS_WAIT_SECONDS=soon is not a positive whole number")
        var withDatabase = request
        withDatabase.databases = [.postgres]
        let database = try await #require(throws: DeployError.self) { try await target(credentials).preflight(withDatabase) }
        #expect(database.message.hasPrefix("ECS deploys do not run databases (postgres)"))
    }

    @Test func onlySecretsManagerAndSSMARNsAreSecretReferences() {
        #expect(ECSTarget.isSecretReference("arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf"))
        #expect(ECSTarget.isSecretReference("arn:aws:ssm:eu-west-1:123456789012:parameter/app/token"))
        #expect(!ECSTarget.isSecretReference("arn:aws:s3:::bucket"))
        #expect(!ECSTarget.isSecretReference("hunter2"))
    }

    @Test func theURLIsARunningTasksPublicIP() async throws {
        let task: JSONValue = [
            "taskArn": "arn:aws:ecs:eu-west-1:1:task/c/abc", "lastStatus": "RUNNING",
            "attachments": [["type": "ElasticNetworkInterface", "details": [["name": "subnetId", "value": "subnet-1"], ["name": "networkInterfaceId", "value": "eni-42"]]]],
        ]
        let xml = #"<DescribeNetworkInterfacesResponse><networkInterfaceSet><item><networkInterfaceId>eni-42</networkInterfaceId><association><publicIp>203.0.113.7</publicIp></association></item></networkInterfaceSet></DescribeNetworkInterfacesResponse>"#
        let replies = [
            ECSScript.taskList(["arn:aws:ecs:eu-west-1:1:task/c/abc"]), ECSScript.json(["tasks": [task]]),
            FakeResponse(status: 200, headers: ["content-type": "text/xml"], chunks: [.init(xml)]),
        ]
        try await FakeMessagesServer.with(replies) { server in
            var environment = credentials
            environment["AWS_ENDPOINT_URL"] = server.baseURL + "/aws"
            let target = target(environment)
            let details = ECSDeploymentDetails(region: "eu-west-1", repository: "r", repositoryURI: "r", image: "r:t", cluster: "c", service: "shop", logGroup: "/g", logStreamPrefix: "app")
            let url = await target.publicURL(details, deploymentId: "ecs-svc/1", port: 8080, clients: try target.clients())
            #expect(url == "http://203.0.113.7:8080")
            let requests = await server.requests()
            #expect(requests.first?.body?["startedBy"]?.stringValue == "ecs-svc/1")
            #expect(requests.last?.bodyText == "Action=DescribeNetworkInterfaces&Version=2016-11-15&NetworkInterfaceId.1=eni-42")
        }
    }

    @Test func anAttemptStoppedMidRolloutPointsTheServiceBackToThePreviousRevision() async throws {
        let folder = try TemporaryFolder("ecs-discard")
        let stack = DetectedStack(language: "node", framework: "express", packageManager: "npm", port: 3000, portSource: "framework", buildCommand: nil, startCommand: "npm start", startSource: "scripts", confidence: 90, evidence: [])
        let previous = DeploymentRecord(id: "11111111-aaaa", projectId: "g-1", name: "shop", target: .ecs, status: .running, imageTag: "shop-g-1:deploy_11111111", startedAt: Date())
        let current = DeploymentRecord(id: "22222222-bbbb", projectId: "g-1", name: "shop", target: .ecs, status: .inProgress, imageTag: "shop-g-1:deploy_22222222", startedAt: Date())
        let details = { (revision: Int) -> ECSDeploymentDetails in
            var details = ECSDeploymentDetails(region: "eu-west-1", repository: "shop-g-1", repositoryURI: "r", image: "r:t", cluster: "c", service: "shop", logGroup: "/g", logStreamPrefix: "app")
            details.taskDefinitionArn = "arn:aws:ecs:us-east-1:123456789012:task-definition/web:\(revision)"
            details.updatedService = true
            return details
        }
        let (earlier, ours) = (details(1), details(2))
        let replies = [
            ECSScript.service([ECSScript.deployment("ecs-svc/new", revision: 2, rollout: "IN_PROGRESS")], name: "shop"),
            ECSScript.json(["service": ["serviceName": "shop"]]),
        ]
        try await FakeMessagesServer.with(replies) { server in
            var environment = credentials
            environment["AWS_ENDPOINT_URL"] = server.baseURL + "/aws"
            var target = target(environment)
            target.workRoot = folder.url
            try target.writeFile(ECSDeploymentFile(plan: DeploymentPlan(deploymentId: previous.id, stack: stack, databases: [], environment: [:], appFolder: "/app"), ecs: earlier), of: previous)
            target.runs[current.id] = ours
            var state = DeployState(deployment: current, appFolder: URL(fileURLWithPath: "/app"), stack: stack, databases: [], environment: [:], build: true, previous: previous)
            state.filesWritten = true
            let notes = await target.discard(state)
            #expect(notes == ["the service shop was pointed back to web:1"])
            let update = try #require(await server.requests().last?.body)
            #expect(update["taskDefinition"]?.stringValue == "arn:aws:ecs:us-east-1:123456789012:task-definition/web:1")
            #expect(target.runs[current.id] == nil)
        }
    }

    @Test func namesCarryTheGuid() {
        let names = ECSTarget.Names(name: "shop", guid: "7F3C2A1E-5b6d-4c8e-9a0f-123456789abc", cluster: nil)
        #expect(names.repository == "shop-7f3c2a1e-5b6d-4c8e-9a0f-123456789abc")
        #expect(names.cluster == "deployotron-shop-7f3c2a1e")
        #expect(names.logGroup == "/deployotron/shop-7f3c2a1e-5b6d-4c8e-9a0f-123456789abc")
        #expect(target(credentials).artifactName(project: DeployProject(guid: "g-1", name: "shop"), deploymentId: "ABCDEF12-3456") == "shop-g-1:deploy_abcdef12")
    }
}

/// ECSTarget's steps through DeployService, on moto (which checks every signature) and a fake
/// docker pushing to a stand-in registry; moto never rolls a service out, so the wait is scripted.
@Suite(.enabled(if: MotoServer.isAvailable, "needs moto_server: source scripts/moto.sh; moto_start"))
struct ECSTargetMotoTests: Sendable {
    let guid = UUID().uuidString.lowercased()
    let folder: TemporaryFolder
    let docker: FakeDocker
    let ledger: SQLiteLedger

    init() throws {
        folder = try TemporaryFolder("ecs-target")
        docker = try FakeDocker(in: folder.url)
        ledger = try SQLiteLedger(path: folder.url.appendingPathComponent("ledger.sqlite").path)
        try docker.respond("version", stdout: "27.0.1|Engine;\n")
        try docker.respond("build", stdout: "#1 [1/2] FROM node\n#2 [2/2] COPY . .\n")
        try docker.respond("push", stdout: "deploy_x: digest: sha256:0123abcd size: 1570\n")
    }

    /// moto loads AWS managed policies only when told at start; a policy of the test's own stands in.
    func service() async throws -> (DeployService, ECSTarget) {
        let iam = try IAMClient.fromEnvironment(environment: MotoServer.awsEnvironment())
        var settings = ECSSettings(registryHost: "127.0.0.1:5999")
        settings.executionPolicyArn = try await iam.createPolicy(
            name: "execution-\(guid.prefix(8))", document: #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ecr:*","logs:*"],"Resource":"*"}]}"#)
        let target = ECSTarget(
            settings: settings,
            docker: DockerCLI(executable: docker.executable.path, runner: ProcessRunner(clock: ContinuousClock())),
            workRoot: folder.url.appendingPathComponent("ecs", isDirectory: true), environment: MotoServer.awsEnvironment(),
            waitOverride: { [recorder] watch in
                recorder.record(watch)
                if recorder.shouldFail { throw DeployError(.unhealthy, "ECS marked the deployment FAILED: tasks failed to start") }
            })
        let guid = self.guid
        let service = DeployService(
            store: ledger, target: target, projects: { _ in DeployProject(guid: guid, name: "shop") }, processId: 4242, hostName: "test-host",
            isProcessAlive: { _ in true }, git: nil)
        return (service, target)
    }

    let recorder = WatchRecorder()

    func app() throws -> URL {
        try folder.project("shop", [
            "package.json": #"{"name":"shop","dependencies":{"express":"4"},"scripts":{"start":"node server.js"}}"#,
            "package-lock.json": "{}",
            "server.js": "require('express')().listen(process.env.PORT || 3000, '0.0.0.0')",
        ])
    }

    @Test func aFirstDeployCreatesTaggedResourcesAndASecondUpdatesTheService() async throws {
        let (service, target) = try await service()
        let secret = "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf"
        let outcome = try await service.deploy(
            DeployLocalInput(path: try app().path, environment: ["MODE": "production", "DATABASE_PASSWORD": secret]), to: .ecs)
        #expect(outcome.deployment.status == "running")
        let record = try #require(try await ledger.deployment(id: outcome.deployment.id))
        let details = try #require(target.details(of: record))
        let clients = try target.clients()
        let names = target.names(of: record)

        // ECR: the repository of the guid, tagged, with its lifecycle policy; the push went to the stand-in registry.
        let repository = try #require(try await clients.ecr.repository(named: names.repository))
        #expect(try await clients.ecr.tags(of: repository.arn)["deployotron:project"] == guid)
        #expect(try await clients.ecr.lifecyclePolicy(repository: names.repository) != nil)
        #expect(details.image == "127.0.0.1:5999/\(names.repository):\(record.imageTag!.split(separator: ":").last!)")
        #expect(details.imageDigest == "sha256:0123abcd")
        let calls = docker.calls()
        let password = try await clients.ecr.login().password
        // The stand-in registry is not ECR: it gets no ECR token (ECR itself gets it on stdin).
        #expect(!calls.contains { $0.first == "login" })
        #expect(!calls.joined().joined(separator: " ").contains(password))
        #expect(ECSTarget.isECRHost("123456789012.dkr.ecr.eu-west-1.amazonaws.com"))
        #expect(ECSTarget.isECRHost("123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn:443"))
        #expect(!ECSTarget.isECRHost("127.0.0.1:5999") && !ECSTarget.isECRHost("dkr.ecr.evil.example.com"))
        #expect(calls.contains(["push", details.image]))
        #expect(calls.first { $0.first == "build" }?.contains(details.image) == true)

        // The task definition: the image, the port, awslogs, the secret only by reference.
        let arn = try #require(details.taskDefinitionArn)
        #expect(try await clients.ecs.taskDefinitionImages(arn) == [details.image])
        let described = try await clients.ecs.client.call("DescribeTaskDefinition", ["taskDefinition": .string(arn)])["taskDefinition"]
        let container = try #require(described?["containerDefinitions"]?.arrayValue?.first)
        #expect(container["secrets"]?.arrayValue?.first?["valueFrom"]?.stringValue == secret)
        #expect(container["environment"]?.arrayValue?.contains { $0["value"]?.stringValue == secret } == false)
        #expect(container["logConfiguration"]?["options"]?["awslogs-group"]?.stringValue == names.logGroup)
        #expect(described?["cpu"]?.stringValue == "256")

        // The service, its network, its log group; the wait followed the deployment ECS started.
        let ecsService = try #require(try await clients.ecs.service(cluster: names.cluster, name: "shop"))
        #expect(ecsService.taskDefinition == arn)
        #expect(recorder.watches.map(\.deploymentId) == [details.deploymentId])
        let group = try #require(details.securityGroup)
        #expect(try await clients.ec2.ingressPorts(group: group) == [3000])
        #expect(try await clients.logs.logGroupTags(names.logGroup)?["deployotron:project"] == guid)
        #expect(target.resources(of: record)["ecsCluster"]?.stringValue == names.cluster)
        #expect(target.resources(of: record)["taskDefinition"]?.stringValue == arn)
        // The record keeps the revision, the digest and the ECS deployment for later readers.
        #expect(record.logExcerpt?.contains("task definition \(arn)") == true)
        #expect(record.logExcerpt?.contains("digest sha256:0123abcd") == true)
        let now = Date()
        try await clients.logs.putLogEvents(group: names.logGroup, stream: "app/app/task1", messages: [(now, "listening on 3000"), (now.addingTimeInterval(1), "GET / 200")])
        #expect(try await target.logs(record, tail: 1) == ["GET / 200"])

        let second = try await service.deploy(DeployLocalInput(path: try app().path), to: .ecs)
        let secondRecord = try #require(try await ledger.deployment(id: second.deployment.id))
        let secondDetails = try #require(target.details(of: secondRecord))
        #expect(secondDetails.createdService == false)
        #expect(ECSClient.revisionNumber(secondDetails.taskDefinitionArn ?? "") == ECSClient.revisionNumber(arn) + 1)
        #expect(try await clients.ecs.service(cluster: names.cluster, name: "shop")?.taskDefinition == secondDetails.taskDefinitionArn)
        #expect(second.replaced == outcome.deployment.id)

        // Rolling back needs the earlier image in ECR; moto has none (nothing can be pushed to it).
        let rollback = try await #require(throws: DeployError.self) { try await service.rollback(RollbackInput(deploymentId: outcome.deployment.id)) }
        #expect(rollback.message.contains("no longer exists"))
    }

    @Test func aPushToECRLogsInWithThePasswordOnStdinOnly() async throws {
        var (service, target) = try await service()
        target.settings.registryHost = nil
        service = DeployService(store: ledger, target: target, projects: service.projects, processId: 4242, hostName: "test-host", isProcessAlive: { _ in true }, git: nil)
        let outcome = try await service.deploy(DeployLocalInput(path: try app().path), to: .ecs)
        let record = try #require(try await ledger.deployment(id: outcome.deployment.id))
        let image = try #require(target.details(of: record)?.image)
        let host = try #require(image.split(separator: "/").first.map(String.init))
        #expect(ECSTarget.isECRHost(host))
        let calls = docker.calls()
        #expect(calls.contains(["login", "--username", "AWS", "--password-stdin", host]))
        #expect(calls.contains(["push", image]))
        let password = try await target.clients().ecr.login().password
        #expect(!calls.joined().joined(separator: " ").contains(password))
    }

    @Test func aFirstDeployECSCannotStartIsRecordedFailedAndScaledToZero() async throws {
        let (service, target) = try await service()
        recorder.failNext()
        let error = try await #require(throws: DeployError.self) { try await service.deploy(DeployLocalInput(path: try app().path), to: .ecs) }
        #expect(error.message.contains("ECS marked the deployment FAILED"))
        #expect(error.message.contains("was scaled to 0 tasks"))
        let record = try #require(try await ledger.deployments(projectId: guid, limit: 1).first)
        #expect(record.status == .failed)
        let names = target.names(of: record)
        #expect(try await target.clients().ecs.service(cluster: names.cluster, name: "shop")?.desiredCount == 0)
    }

    @Test func anUnknownClusterIsOneLineAndRecorded() async throws {
        var (service, target) = try await service()
        target.settings.cluster = "no-such-cluster"
        service = DeployService(store: ledger, target: target, projects: service.projects, processId: 4242, hostName: "test-host", isProcessAlive: { _ in true }, git: nil)
        let error = try await #require(throws: DeployError.self) { try await service.deploy(DeployLocalInput(path: try app().path), to: .ecs) }
        #expect(error.message.contains("the ECS cluster no-such-cluster does not exist in us-east-1"))
        #expect(!error.message.contains("\n"), "one line: \(error.message)")
        #expect(try await ledger.deployments(projectId: guid, limit: 1).first?.status == .failed)
        // The cluster is looked up first: nothing was made before the deploy stopped.
        let names = target.names(DeployProject(guid: guid, name: "shop"))
        let clients = try target.clients()
        #expect(try await clients.ecr.repository(named: names.repository) == nil)
        #expect(try await clients.logs.logGroupTags(names.logGroup) == nil)
        #expect(try await clients.iam.role(named: names.executionRole) == nil)
        #expect(docker.calls().filter { $0.first == "build" }.isEmpty)
    }
}

/// Records the watches an ECSTarget asked for, and fails the next one when told.
final class WatchRecorder: Sendable {
    private let state = Mutex<(watches: [ECSDeploymentWatcher.Watch], fail: Bool)>(([], false))
    var watches: [ECSDeploymentWatcher.Watch] { state.withLock { $0.watches } }
    var shouldFail: Bool { state.withLock { $0.fail } }
    func record(_ watch: ECSDeploymentWatcher.Watch) { state.withLock { $0.watches.append(watch) } }
    func failNext() { state.withLock { $0.fail = true } }
}

/// Rollback and teardown on moto.
@Suite(.enabled(if: MotoServer.isAvailable, "needs moto_server: source scripts/moto.sh; moto_start"))
struct ECSTargetRollbackAndTeardownTests {
    let base: ECSTargetMotoTests

    init() throws {
        base = try ECSTargetMotoTests()
    }

    /// What a push would have left in ECR: moto has no registry, so the image is put through the API.
    func putImage(_ clients: ECSClients, repository: String, tag: String) async throws {
        let manifest = #"{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json","config":{"mediaType":"application/vnd.docker.container.image.v1+json","size":7023,"digest":"sha256:\#(String(repeating: "a", count: 64))"},"layers":[]}"#
        try await clients.ecr.client.call("PutImage", ["repositoryName": .string(repository), "imageManifest": .string(manifest), "imageTag": .string(tag)])
    }

    @Test func rollbackReusesTheEarlierRevisionOnceItsImageIsInECR() async throws {
        let (service, target) = try await base.service()
        let first = try await service.deploy(DeployLocalInput(path: try base.app().path), to: .ecs)
        _ = try await service.deploy(DeployLocalInput(path: try base.app().path), to: .ecs)
        let firstRecord = try #require(try await base.ledger.deployment(id: first.deployment.id))
        let firstDetails = try #require(target.details(of: firstRecord))
        let clients = try target.clients()
        let artifact = try #require(firstRecord.imageTag)
        let (repository, tag) = try #require(ECSTarget.split(artifact))
        try await putImage(clients, repository: repository, tag: tag)

        let rollback = try await service.rollback(RollbackInput(deploymentId: first.deployment.id))
        let record = try #require(try await base.ledger.deployment(id: rollback.deployment.id))
        #expect(record.rollbackOf == first.deployment.id)
        #expect(target.details(of: record)?.taskDefinitionArn == firstDetails.taskDefinitionArn)
        #expect(try await clients.ecs.service(cluster: firstDetails.cluster, name: "shop")?.taskDefinition == firstDetails.taskDefinitionArn)
        #expect(base.docker.calls().filter { $0.first == "build" }.count == 2)
    }

    @Test func teardownRemovesOnlyWhatIsTaggedWithTheGuid() async throws {
        let (service, target) = try await base.service()
        _ = try await service.deploy(DeployLocalInput(path: try base.app().path), to: .ecs)
        let project = DeployProject(guid: base.guid, name: "shop")
        let names = target.names(project)
        let clients = try target.clients()

        // Another project's log group under this one's name is not ours to delete.
        var other = target
        other.settings.executionRoleArn = "arn:aws:iam::123456789012:role/given"
        try await clients.logs.deleteLogGroup(names.logGroup)
        try await clients.logs.createLogGroup(names.logGroup, tags: ["deployotron:project": "someone-else"])

        let preview = try await other.teardown(project, dryRun: true)
        #expect(preview.map(\.description).contains("ECS service shop in cluster \(names.cluster)"))
        #expect(!preview.contains { $0.description.hasPrefix("log group") })
        #expect(!preview.contains { $0.description.hasPrefix("IAM role") })
        #expect(try await clients.ecs.service(cluster: names.cluster, name: "shop") != nil)

        let removed = try await other.teardown(project, dryRun: false)
        #expect(removed.allSatisfy { $0.problem == nil }, "\(removed)")
        #expect(try await clients.ecs.service(cluster: names.cluster, name: "shop") == nil)
        #expect(try await clients.ecs.cluster(named: names.cluster) == nil)
        #expect(try await clients.ecr.repository(named: names.repository) == nil)
        #expect(try await clients.logs.logGroupTags(names.logGroup)?["deployotron:project"] == "someone-else")
        #expect(try await clients.iam.role(named: names.executionRole) != nil)
    }
}
