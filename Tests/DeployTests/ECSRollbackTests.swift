import AWS
import Foundation
import JSON
import Ledger
import TestSupport
import Testing
@testable import Deploy

/// Rolling an ECS deployment back when its local plan file is gone: what the ledger recorded (the
/// task definition revision, the image digest) and what ECS still knows are enough. On moto.
@Suite(.enabled(if: MotoServer.isAvailable, "needs moto_server: source scripts/moto.sh; moto_start"))
struct ECSRollbackWithoutFilesTests {
    let base: ECSTargetMotoTests
    let secret = "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf"

    init() throws {
        base = try ECSTargetMotoTests()
    }

    /// What a push would have left in ECR: moto has no registry, so the image is put through the API.
    func putImage(_ clients: ECSClients, artifact: String) async throws {
        let (repository, tag) = try #require(ECSTarget.split(artifact))
        let manifest = #"{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json","config":{"mediaType":"application/vnd.docker.container.image.v1+json","size":7023,"digest":"sha256:\#(String(repeating: "b", count: 64))"},"layers":[]}"#
        try await clients.ecr.client.call("PutImage", ["repositoryName": .string(repository), "imageManifest": .string(manifest), "imageTag": .string(tag)])
    }

    /// Two deploys, the first's image in ECR and its files removed; returns the first's record.
    func twoDeploysWithTheFirstsFilesGone(_ service: DeployService, _ target: ECSTarget) async throws -> DeploymentRecord {
        let first = try await service.deploy(
            DeployLocalInput(path: try base.app().path, environment: ["MODE": "production", "DATABASE_PASSWORD": secret]), to: .ecs)
        _ = try await service.deploy(DeployLocalInput(path: try base.app().path), to: .ecs)
        let record = try #require(try await base.ledger.deployment(id: first.deployment.id))
        try await putImage(try target.clients(), artifact: try #require(record.imageTag))
        try FileManager.default.removeItem(at: target.folder(of: record))
        #expect(target.details(of: record) == nil)
        return record
    }

    @Test func theRecordedRevisionIsPutBackWithoutThePlanFile() async throws {
        let (service, target) = try await base.service()
        let first = try await twoDeploysWithTheFirstsFilesGone(service, target)
        let revision = try #require(first.taskDefinition)

        let outcome = try await service.rollback(RollbackInput(deploymentId: first.id))
        let record = try #require(try await base.ledger.deployment(id: outcome.deployment.id))
        #expect(record.status == .running)
        #expect(record.rollbackOf == first.id)
        #expect(record.taskDefinition == revision)
        #expect(record.imageDigest == first.imageDigest && record.imageDigest != nil)
        let names = target.names(of: record)
        #expect(try await target.clients().ecs.service(cluster: names.cluster, name: "shop")?.taskDefinition == revision)
        // Nothing was built or pushed again, and the rollback keeps files of its own for what comes next.
        #expect(base.docker.calls().filter { $0.first == "build" }.count == 2)
        #expect(base.docker.calls().filter { $0.first == "push" }.count == 2)
        #expect(target.details(of: record)?.taskDefinitionArn == revision)
        #expect(base.recorder.watches.count == 3)
    }

    @Test func aDeregisteredRevisionIsRegisteredAgainFromWhatECSDescribes() async throws {
        let (service, target) = try await base.service()
        let first = try await twoDeploysWithTheFirstsFilesGone(service, target)
        let revision = try #require(first.taskDefinition)
        let clients = try target.clients()
        try await clients.ecs.deregisterTaskDefinition(revision)
        let image = try #require(try await clients.ecs.describeTaskDefinition(revision)?.containers.first?.image)

        let outcome = try await service.rollback(RollbackInput(deploymentId: first.id))
        let record = try #require(try await base.ledger.deployment(id: outcome.deployment.id))
        let again = try #require(record.taskDefinition)
        #expect(again != revision)
        let definition = try #require(try await clients.ecs.describeTaskDefinition(again))
        #expect(definition.status == "ACTIVE")
        let container = try #require(definition.containers.first)
        #expect(container.image == image)
        #expect(container.ports == [3000])
        #expect(container.environment["MODE"] == "production")
        // The secret went back as the reference it was, never as a value.
        #expect(container.secrets == ["DATABASE_PASSWORD": secret])
        #expect(container.environment["DATABASE_PASSWORD"] == nil)
        #expect(try await clients.ecs.service(cluster: target.names(of: record).cluster, name: "shop")?.taskDefinition == again)
    }

    @Test func withoutFilesOrARecordedRevisionTheRollbackSaysWhatToDoAndRecordsNothing() async throws {
        let (service, _) = try await base.service()
        let old = DeploymentRecord(
            id: "0ld0ld00-1111-2222-3333-444455556666", projectId: base.guid, name: "shop", target: .ecs, status: .stopped,
            imageTag: "shop-\(base.guid):deploy_0ld0ld00", startedAt: Date().addingTimeInterval(-3600))
        try await base.ledger.save(old)
        let error = try await #require(throws: DeployError.self) { try await service.rollback(RollbackInput(deploymentId: old.id)) }
        #expect(error.code == .notFound)
        #expect(error.message.hasSuffix("its record names no task definition; deploy that version again instead"))
        #expect(!error.message.contains("\n"))
        #expect(try await base.ledger.deployments(projectId: base.guid, limit: nil).map(\.id) == [old.id])
    }
}
