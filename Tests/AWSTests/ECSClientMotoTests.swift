import Foundation
import JSON
import TestSupport
import Testing
@testable import AWS

/// The ECR, ECS, EC2, IAM and CloudWatch Logs calls of a Fargate deploy, against moto_server with
/// signature checks on: every request shape is one moto accepts, and the happy path holds.
@Suite(.enabled(if: MotoServer.isAvailable, "needs moto_server: source scripts/moto.sh; moto_start"))
struct ECSClientMotoTests {
    let environment = MotoServer.awsEnvironment()

    @Test func ecrRepositoryIsCreatedOnceWithTagsAndALifecyclePolicy() async throws {
        let ecr = try ECRClient.fromEnvironment(environment: environment)
        let name = MotoServer.uniqueTable("web")
        #expect(try await ecr.repository(named: name) == nil)
        let created = try await ecr.createRepository(name: name, tags: ["deployotron:project": "guid-1"])
        #expect(created.uri.hasSuffix(".amazonaws.com/\(name)"))
        #expect(try await ecr.repository(named: name) == created)
        #expect(try await ecr.tags(of: created.arn)["deployotron:project"] == "guid-1")
        let again = try await #require(throws: AWSError.self) { try await ecr.createRepository(name: name, tags: [:]) }
        #expect(again.type == "RepositoryAlreadyExistsException")

        try await ecr.putLifecyclePolicy(repository: name, policy: ECRClient.keepLastImagesPolicy(10))
        let policy = try #require(try await ecr.lifecyclePolicy(repository: name))
        let rule = try JSONValue(parsing: policy)["rules"]?.arrayValue?.first
        #expect(rule?["selection"]?["countNumber"]?.intValue == 10)
        #expect(try await ecr.image(repository: name, tag: "deploy_12345678") == nil)

        try await ecr.deleteRepository(name: name)
        #expect(try await ecr.repository(named: name) == nil)
    }

    @Test func ecrImagesAreListedByTagAndDeletedInABatch() async throws {
        let ecr = try ECRClient.fromEnvironment(region: "us-east-1", environment: environment)
        let name = MotoServer.uniqueTable("shop-images").lowercased()
        _ = try await ecr.createRepository(name: name, tags: [:])
        for (index, tag) in ["deploy_aaaa1111", "deploy_bbbb2222", "deploy_cccc3333"].enumerated() {
            // What a push leaves: a manifest under a tag (moto has no registry to push to).
            let config = String(repeating: String(index), count: 64)
            let manifest = #"{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json","config":{"mediaType":"application/vnd.docker.container.image.v1+json","size":7023,"digest":"sha256:\#(config)"},"layers":[]}"#
            try await ecr.client.call("PutImage", ["repositoryName": .string(name), "imageManifest": .string(manifest), "imageTag": .string(tag)])
        }
        let images = try await ecr.describeImages(repository: name)
        #expect(Set(images.flatMap(\.tags)) == ["deploy_aaaa1111", "deploy_bbbb2222", "deploy_cccc3333"])
        #expect(images.count == 3 && images.allSatisfy { $0.digest.hasPrefix("sha256:") }, "\(images)")
        #expect(Set(try await ecr.deleteImages(repository: name, tags: ["deploy_aaaa1111", "deploy_bbbb2222"])) == ["deploy_aaaa1111", "deploy_bbbb2222"])
        #expect(try await ecr.image(repository: name, tag: "deploy_aaaa1111") == nil)
        #expect(try await ecr.image(repository: name, tag: "deploy_cccc3333")?.tags == ["deploy_cccc3333"])
        try await ecr.deleteRepository(name: name)
        #expect(try await ecr.image(repository: name, tag: "deploy_cccc3333") == nil)
    }

    @Test func ec2FindsTheDefaultVPCAndOpensOnlyTheAppPort() async throws {
        let ec2 = try EC2Client.fromEnvironment(environment: environment)
        let vpc = try #require(try await ec2.defaultVPC())
        let subnets = try await ec2.subnets(vpc: vpc)
        #expect(!subnets.isEmpty)
        let name = MotoServer.uniqueTable("deployotron-web")
        #expect(try await ec2.securityGroup(named: name, vpc: vpc) == nil)
        let id = try await ec2.createSecurityGroup(name: name, description: "web app port", vpc: vpc, tags: ["deployotron:project": "guid-2"])
        try await ec2.allowIngress(group: id, port: 8080)
        try await ec2.allowIngress(group: id, port: 8080)
        let group = try #require(try await ec2.securityGroup(named: name, vpc: vpc))
        #expect(group.id == id)
        #expect(group.tags["deployotron:project"] == "guid-2")
        #expect(try await ec2.ingressPorts(group: id) == [8080])
        try await ec2.allowIngress(group: id, port: 9090)
        #expect(try await ec2.ingressPorts(group: id) == [8080, 9090])
        try await ec2.revokeIngress(group: id, port: 8080)
        #expect(try await ec2.ingressPorts(group: id) == [9090])
        try await ec2.deleteSecurityGroup(id: id)
        #expect(try await ec2.securityGroup(named: name, vpc: vpc) == nil)
    }

    @Test func iamExecutionRoleIsCreatedTaggedAndDeleted() async throws {
        let iam = try IAMClient.fromEnvironment(environment: environment)
        let name = MotoServer.uniqueTable("deployotron-exec")
        #expect(try await iam.role(named: name) == nil)
        let arn = try await iam.createRole(name: name, description: "ECS task execution", tags: ["deployotron:project": "guid-3"])
        #expect(arn.hasSuffix(":role/\(name)"))
        // moto loads AWS managed policies only when told at start; a policy of our own stands in.
        let policy = try await iam.createPolicy(name: name + "-logs", document: #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"logs:*","Resource":"*"}]}"#)
        try await iam.attachRolePolicy(role: name, policyArn: policy)
        let role = try #require(try await iam.role(named: name))
        #expect(role.arn == arn)
        #expect(role.tags["deployotron:project"] == "guid-3")
        #expect(try await iam.attachedPolicies(role: name) == [policy])
        try await iam.deleteRole(named: name)
        #expect(try await iam.role(named: name) == nil)
    }

    @Test func logGroupIsMadeOnceAndItsStreamsRead() async throws {
        let logs = try CloudWatchLogsClient.fromEnvironment(environment: environment)
        let group = "/deployotron/" + MotoServer.uniqueTable("web")
        try await logs.createLogGroup(group, tags: ["deployotron:project": "guid-4"], retentionDays: 30)
        try await logs.createLogGroup(group, tags: ["deployotron:project": "guid-4"], retentionDays: 30)
        #expect(try await logs.logGroupTags(group)?["deployotron:project"] == "guid-4")
        let start = Date(timeIntervalSince1970: Double(Int(Date().timeIntervalSince1970)))
        try await logs.putLogEvents(group: group, stream: "app/app/task1", messages: [(start, "listening on 8080"), (start.addingTimeInterval(1), "GET / 200")])
        #expect(try await logs.logStreams(group: group, prefix: "app/app/") == ["app/app/task1"])
        let events = try await logs.logEvents(group: group, stream: "app/app/task1")
        #expect(events.map(\.message) == ["listening on 8080", "GET / 200"])
        try await logs.putLogEvents(group: group, stream: "app/app/task2", messages: (2..<6).map { (start.addingTimeInterval(Double($0)), "line \($0)") })
        #expect(try await logs.latestEvents(group: group, limit: 3).map(\.message) == ["line 3", "line 4", "line 5"])
        try await logs.deleteLogGroup(group)
        try await logs.deleteLogGroup(group)
        #expect(try await logs.logGroupTags(group) == nil)
    }

    @Test func ecsClusterTaskDefinitionAndServiceRoundTrip() async throws {
        let ecs = try ECSClient.fromEnvironment(environment: environment)
        let ec2 = try EC2Client.fromEnvironment(environment: environment)
        let cluster = MotoServer.uniqueTable("cluster")
        #expect(try await ecs.cluster(named: cluster) == nil)
        let made = try await ecs.createCluster(name: cluster, tags: ["deployotron:project": "guid-5"])
        #expect(made.status == "ACTIVE")
        #expect(try await ecs.tags(of: made.arn)["deployotron:project"] == "guid-5")

        let definition = ECSClient.TaskDefinitionInput(
            family: "web-guid-5", cpu: 256, memory: 512, executionRoleArn: "arn:aws:iam::123456789012:role/exec", containerName: "app",
            image: "123456789012.dkr.ecr.us-east-1.amazonaws.com/web:deploy_abcdef12", port: 8080, environment: ["MODE": "production"],
            secrets: ["DB_PASSWORD": "arn:aws:secretsmanager:us-east-1:123456789012:secret:db"], logGroup: "/deployotron/web",
            logRegion: "us-east-1", logStreamPrefix: "app", tags: ["deployotron:project": "guid-5"])
        let first = try await ecs.registerTaskDefinition(definition)
        let second = try await ecs.registerTaskDefinition(definition)
        #expect(first.hasSuffix("web-guid-5:1") && second.hasSuffix("web-guid-5:2"))
        #expect(try await ecs.taskDefinitionImages(second) == [definition.image])
        #expect(try await ecs.taskDefinitions(family: "web-guid-5") == [second, first])

        let vpc = try #require(try await ec2.defaultVPC())
        let group = try await ec2.createSecurityGroup(name: MotoServer.uniqueTable("sg"), description: "app", vpc: vpc, tags: [:])
        let service = try await ecs.createService(ECSClient.ServiceInput(
            cluster: cluster, name: "web", taskDefinition: first, desiredCount: 1, subnets: try await ec2.subnets(vpc: vpc),
            securityGroups: [group], tags: ["deployotron:project": "guid-5"]))
        let primary = try #require(service.primaryDeployment)
        #expect(primary.taskDefinition == first)
        #expect(primary.rolloutState == "IN_PROGRESS")

        let updated = try await ecs.updateService(cluster: cluster, service: "web", taskDefinition: second)
        #expect(updated.taskDefinition == second)
        let described = try #require(try await ecs.service(cluster: cluster, name: "web"))
        #expect(described.taskDefinition == second)
        #expect(try await ecs.listTasks(cluster: cluster, startedBy: primary.id, desiredStatus: "STOPPED").isEmpty)

        try await ecs.deleteService(cluster: cluster, name: "web")
        #expect(try await ecs.service(cluster: cluster, name: "web") == nil)
        try await ecs.deleteCluster(name: cluster)
        #expect(try await ecs.cluster(named: cluster) == nil)
    }
}
