import Foundation
import JSON
import Ledger
import Testing
@testable import Deploy

/// Deploy environments: each with its own history, live version, lock, names and resources;
/// records from before environments are production's.
@Suite(.serialized) struct EnvironmentDeployTests {
    func deploy(_ harness: DeployHarness, _ app: URL, _ environment: String?, container: String) async throws -> DeployOutcome {
        try harness.scriptHealthyStart(container: container)
        return try await harness.service.deployLocal(DeployLocalInput(path: app.path, environmentName: environment))
    }

    @Test func twoEnvironmentsHaveTheirOwnLiveVersionNamesAndResources() async throws {
        let harness = try DeployHarness()
        let app = try harness.expressApp()
        let production = try await deploy(harness, app, nil, container: "aaaa0001")
        let staging = try await deploy(harness, app, "staging", container: "bbbb0002")
        #expect(production.deployment.environment == "production")
        #expect(staging.deployment.environment == "staging")
        #expect(production.deployment.name == "shop")
        #expect(staging.deployment.name == "shop-staging")
        #expect(production.deployment.port != staging.deployment.port)
        // A staging deploy replaces nothing of production's.
        #expect(staging.replaced == nil)
        #expect(try await harness.ledger.deployment(id: production.deployment.id)?.status == .running)
        #expect(staging.deployment.imageTag?.hasPrefix("shop-staging-") == true)

        let second = try await deploy(harness, app, "production", container: "aaaa0003")
        #expect(second.replaced == production.deployment.id)
        #expect(try await harness.ledger.deployment(id: staging.deployment.id)?.status == .running)
        #expect(try await harness.service.liveDeployment(projectId: DeployHarness.guid, environment: "staging")?.id == staging.deployment.id)
        #expect(try await harness.service.liveDeployment(projectId: DeployHarness.guid, environment: "production")?.id == second.deployment.id)

        let listed = try await harness.service.list(ListDeploymentsInput(projectId: DeployHarness.guid, environmentName: "staging"))
        #expect(listed.deployments.map(\.id) == [staging.deployment.id])
        #expect(try await harness.service.list(ListDeploymentsInput(projectId: DeployHarness.guid)).deployments.count == 3)

        // Each environment's resources under its own keys: production's as before, staging's prefixed.
        let resources = try #require(try await harness.ledger.resources(guid: DeployHarness.guid)).awsResources
        #expect(resources["localUrl"]?.stringValue == second.deployment.url)
        #expect(resources["staging.localUrl"]?.stringValue == staging.deployment.url)
    }

    @Test func eachEnvironmentRollsBackWithinItself() async throws {
        let harness = try DeployHarness()
        let app = try harness.expressApp()
        let p1 = try await deploy(harness, app, nil, container: "aaaa0001")
        let s1 = try await deploy(harness, app, "staging", container: "bbbb0001")
        let p2 = try await deploy(harness, app, nil, container: "aaaa0002")
        let s2 = try await deploy(harness, app, "staging", container: "bbbb0002")
        try harness.docker.respond("image-inspect", stdout: "[{}]\n")

        try harness.scriptHealthyStart(container: "bbbb0003")
        let back = try await harness.service.rollback(RollbackInput(projectId: DeployHarness.guid, environmentName: "staging"))
        #expect(back.deployment.rollbackOf == s1.deployment.id)
        #expect(back.deployment.environment == "staging")
        #expect(back.replaced == s2.deployment.id)
        #expect(try await harness.service.liveDeployment(projectId: DeployHarness.guid, environment: "production")?.id == p2.deployment.id)

        try harness.scriptHealthyStart(container: "aaaa0003")
        let productionBack = try await harness.service.rollback(RollbackInput(projectId: DeployHarness.guid))
        #expect(productionBack.deployment.rollbackOf == p1.deployment.id)
        #expect(try await harness.service.liveDeployment(projectId: DeployHarness.guid, environment: "staging")?.id == back.deployment.id)

        // A deployment named with another environment is refused, saying whose it is.
        let error = await #expect(throws: DeployError.self) {
            try await harness.service.rollback(RollbackInput(deploymentId: s1.deployment.id, environmentName: "production"))
        }
        #expect(error?.message.contains("is in staging, not production") == true)
    }

    @Test func theLockIsTheEnvironmentsOwn() async throws {
        let harness = try DeployHarness()
        let app = try harness.expressApp()
        let held = DeployLock(projectId: DeployHarness.guid, deploymentId: "other-deploy", holder: "pid 99 on host ci-7", since: Date())
        #expect(try await harness.ledger.acquireDeployLock(held) == nil)
        // Production is locked by another deploy; staging is not.
        let staging = try await deploy(harness, app, "staging", container: "bbbb0001")
        #expect(staging.deployment.status == "running")
        let error = await #expect(throws: DeployError.self) { _ = try await deploy(harness, app, nil, container: "aaaa0001") }
        #expect(error?.code == .locked)
        #expect(error?.message.contains("pid 99 on host ci-7") == true)
    }

    @Test func aBadEnvironmentNameIsOneLineAndNothingIsRecorded() async throws {
        let harness = try DeployHarness()
        let app = try harness.expressApp()
        for name in ["Prod Env", "-x", "a/b", "", String(repeating: "e", count: 21), "staging-"] {
            let error = await #expect(throws: DeployError.self) { _ = try await deploy(harness, app, name, container: "c") }
            #expect(error?.code == .invalidInput)
            #expect(error?.message.contains("is not an environment name") == true)
        }
        #expect(try await harness.ledger.allDeployments(limit: nil).isEmpty)
        #expect(try DeployEnvironment.validated("Staging") == "staging")
    }

    @Test func theProjectsDefaultEnvironmentIsUsedWhenNoneIsNamed() async throws {
        let harness = try DeployHarness()
        let app = try harness.expressApp()
        var service = harness.service
        service.defaultEnvironment = "preview"
        try harness.scriptHealthyStart()
        let outcome = try await service.deployLocal(DeployLocalInput(path: app.path))
        #expect(outcome.deployment.environment == "preview")
        #expect(outcome.deployment.name == "shop-preview")
    }

    @Test func staticSitesOfTwoEnvironmentsGetTheirOwnBucketAndDistribution() {
        let production = DeployProject(guid: DeployHarness.guid, name: "site")
        let staging = DeployProject(guid: DeployHarness.guid, name: "site-staging", environment: "staging")
        #expect(S3CloudFrontTarget.siteKey(production) == DeployHarness.guid)
        #expect(S3CloudFrontTarget.siteKey(staging) == DeployHarness.guid + "-staging")
        let record = DeploymentRecord(id: "d", projectId: DeployHarness.guid, name: "site", target: .s3CloudFront, status: .running, startedAt: Date())
        #expect(S3CloudFrontTarget.siteKey(record) == DeployHarness.guid)
        // ECS names follow the scoped app name, so no service, cluster or log group is shared.
        let settings = ECSTarget.Names(name: "site-staging", guid: DeployHarness.guid, cluster: nil)
        let base = ECSTarget.Names(name: "site", guid: DeployHarness.guid, cluster: nil)
        #expect(settings.cluster != base.cluster && settings.service != base.service && settings.logGroup != base.logGroup && settings.repository != base.repository)
    }
}
