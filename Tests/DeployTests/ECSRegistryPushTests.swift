import AWS
import Foundation
import Ledger
import TestSupport
import Testing
@testable import Deploy

/// An ECS deploy's build and push with a real engine to a real registry (Debian's docker-registry on
/// loopback, scripts/registry.sh), the AWS side on moto: moto has no registry, so ECR is stood in for
/// by DEPLOYOTRON_ECR_REGISTRY. The digest recorded is the one the registry serves.
@Suite(
    .serialized, .engineExclusive,
    .enabled(
        if: EngineFixture.engineAvailable && MotoServer.isAvailable && TestRegistry.address != nil,
        "needs a container engine, moto and a registry (scripts/engine.sh, moto.sh, registry.sh)")
)
struct ECSRegistryPushTests {
    @Test(.timeLimit(.minutes(5)))
    func theImageIsBuiltPushedAndItsDigestRecorded() async throws {
        let registry = try #require(TestRegistry.address)
        let folder = try TemporaryFolder("ecs-registry")
        let guid = UUID().uuidString.lowercased()
        let app = try folder.project("pushed", [
            "Dockerfile": "FROM scratch\nCOPY bin/busybox /bin/busybox\nEXPOSE 8080\nCMD [\"/bin/busybox\", \"httpd\", \"-f\", \"-p\", \"8080\"]\n",
        ])
        let bin = app.appendingPathComponent("bin", isDirectory: true)
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: try #require(EngineFixture.busybox), toPath: bin.appendingPathComponent("busybox").path)

        let iam = try IAMClient.fromEnvironment(environment: MotoServer.awsEnvironment())
        var settings = ECSSettings(registryHost: registry)
        settings.executionPolicyArn = try await iam.createPolicy(
            name: "push-\(guid.prefix(8))", document: #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ecr:*"],"Resource":"*"}]}"#)
        let target = ECSTarget(
            settings: settings, docker: DockerCLI(commandTimeout: .seconds(120)), workRoot: folder.url.appendingPathComponent("ecs", isDirectory: true),
            environment: MotoServer.awsEnvironment().merging(ProcessInfo.processInfo.environment.filter { $0.key == "DOCKER_HOST" || $0.key == "PATH" }) { a, _ in a },
            waitOverride: { _ in })
        let ledger = try SQLiteLedger(path: folder.url.appendingPathComponent("ledger.sqlite").path)
        let service = DeployService(
            store: ledger, target: target, projects: { _ in DeployProject(guid: guid, name: "pushed") }, processId: 4242, hostName: "test-host",
            isProcessAlive: { _ in true }, git: nil)

        let outcome = try await service.deploy(DeployLocalInput(path: app.path), to: .ecs)
        let record = try #require(try await ledger.deployment(id: outcome.deployment.id))
        let details = try #require(target.details(of: record))
        #expect(details.image.hasPrefix("\(registry)/pushed-\(guid):deploy_"))

        // The registry has the tag, and serves the digest the record kept.
        let repository = "pushed-\(guid)"
        let tag = try #require(ECSTarget.split(details.image)?.tag)
        let runner = ProcessRunner()
        let tags = try await runner.run("curl", ["-fsS", "http://\(registry)/v2/\(repository)/tags/list"], timeout: .seconds(30))
        #expect(tags.stdout.contains("\"\(tag)\""), "\(tags.stdout) \(tags.stderr)")
        let head = try await runner.run("curl", [
            "-fsSI", "-H", "Accept: application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json",
            "http://\(registry)/v2/\(repository)/manifests/\(tag)",
        ], timeout: .seconds(30))
        let served = head.stdout.split(separator: "\r\n").first { $0.lowercased().hasPrefix("docker-content-digest:") }
            .map { $0.split(separator: ":", maxSplits: 1)[1].trimmingCharacters(in: .whitespaces) }
        #expect(served != nil && record.imageDigest == served, "served \(served ?? "none"), recorded \(record.imageDigest ?? "none")")
        #expect(record.taskDefinition == details.taskDefinitionArn && record.taskDefinition != nil)
        try? await DockerCLI().removeImage(details.image)
    }
}

/// The registry scripts/registry.sh started: DEPLOYOTRON_TEST_REGISTRY (host:port).
enum TestRegistry {
    static let address = ProcessInfo.processInfo.environment["DEPLOYOTRON_TEST_REGISTRY"].flatMap { $0.isEmpty ? nil : $0 }
}
