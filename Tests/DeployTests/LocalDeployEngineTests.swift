import Foundation
import Ledger
import Testing
@testable import Deploy

/// Local deploys end to end on a real container engine (podman behind the docker CLI, started by
/// scripts/engine.sh): FROM-scratch busybox images, pages fetched over the published port.
@Suite(.serialized, .engineExclusive, .enabled(if: EngineFixture.engineAvailable, "needs a container engine: scripts/engine.sh starts podman and sets DEPLOYOTRON_TEST_ENGINE"))
struct LocalDeployEngineTests {
    static let httpd = """
        FROM scratch
        COPY bin/busybox /bin/busybox
        COPY www /www
        EXPOSE 8080
        CMD ["/bin/busybox", "httpd", "-f", "-p", "8080", "-h", "/www"]
        """

    /// A deploy service over a SQLite ledger file and the real engine, for a project of its own guid.
    struct Rig {
        let folder: TemporaryFolder
        let ledger: SQLiteLedger
        let target: LocalDockerTarget
        let service: DeployService
        let project: URL
        let guid = UUID().uuidString.lowercased()

        init(dockerfile: String, page: String = "v1") throws {
            folder = try TemporaryFolder("engine-deploy")
            ledger = try SQLiteLedger(path: folder.url.appendingPathComponent("ledger.sqlite").path)
            project = try folder.project("site", ["Dockerfile": dockerfile, "www/index.html": page, ".env": "SECRET_TOKEN=do-not-ship\n"])
            let bin = project.appendingPathComponent("bin", isDirectory: true)
            try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: try #require(EngineFixture.busybox), toPath: bin.appendingPathComponent("busybox").path)
            target = LocalDockerTarget(
                workRoot: folder.url.appendingPathComponent("work", isDirectory: true),
                probe: { port in await HTTPProbe().probe(port: port).isAnswering },
                healthPolls: 60, pollInterval: .milliseconds(500))
            let guid = self.guid
            service = DeployService(
                store: ledger, target: target,
                projects: { DeployProject(guid: guid, name: DeployService.containerName($0.lastPathComponent)) }, git: nil)
        }

        func page(_ outcome: DeployOutcome) async throws -> String {
            let port = try #require(outcome.deployment.port)
            let response = try await HTTPProbe().fetch(port: port, path: "/index.html")
            return String(decoding: response.body, as: UTF8.self)
        }

        func setPage(_ text: String) throws {
            try Data(text.utf8).write(to: project.appendingPathComponent("www/index.html"))
        }

        /// Removes whatever this rig's project left on the engine.
        func cleanUp() async {
            let docker = DockerCLI()
            for record in (try? await ledger.allDeployments(limit: nil)) ?? [] {
                try? await docker.removeContainer(name: target.containerName(of: record))
                if let tag = record.imageTag { try? await docker.removeImage(tag) }
            }
        }
    }

    /// Runs `body`, then removes what the rig's project left on the engine, also when it failed,
    /// before the test ends and the engine passes to the next one.
    static func cleaningUp(_ rig: Rig, _ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch {
            await rig.cleanUp()
            throw error
        }
        await rig.cleanUp()
    }

    @Test func deployChangeRollBackStopAndRemove() async throws {
        let rig = try Rig(dockerfile: Self.httpd, page: "v1")
        try await Self.cleaningUp(rig) {
            let v1 = try await rig.service.deployLocal(DeployLocalInput(path: rig.project.path))
            #expect(try await rig.page(v1) == "v1")

            try rig.setPage("v2")
            let v2 = try await rig.service.deployLocal(DeployLocalInput(path: rig.project.path))
            #expect(try await rig.page(v2) == "v2")
            let v1Record = try #require(try await rig.ledger.deployment(id: v1.deployment.id))
            #expect(try await rig.target.docker.containerState(name: rig.target.containerName(of: v1Record)) == nil)

            let back = try await rig.service.rollback(RollbackInput(deploymentId: v1.deployment.id))
            #expect(back.deployment.imageTag == v1.deployment.imageTag)
            #expect(try await rig.page(back) == "v1")

            _ = try await rig.service.stop(DeploymentReference(deploymentId: back.deployment.id))
            #expect(await HTTPProbe().probe(port: try #require(back.deployment.port)).isAnswering == false)
            _ = try await rig.service.remove(DeploymentReference(deploymentId: back.deployment.id))
            let backRecord = try #require(try await rig.ledger.deployment(id: back.deployment.id))
            #expect(backRecord.status == .removed)
            #expect(try await rig.target.docker.containerState(name: rig.target.containerName(of: backRecord)) == nil)
            #expect(try await rig.ledger.portAllocations().filter { $0.projectId == rig.guid }.isEmpty)
        }
    }

    @Test func twoEnvironmentsDeployAndRollBackIndependently() async throws {
        let rig = try Rig(dockerfile: Self.httpd, page: "p1")
        try await Self.cleaningUp(rig) {
            let path = rig.project.path
            let p1 = try await rig.service.deployLocal(DeployLocalInput(path: path))
            try rig.setPage("s1")
            let s1 = try await rig.service.deployLocal(DeployLocalInput(path: path, environmentName: "staging"))
            try rig.setPage("s2")
            let s2 = try await rig.service.deployLocal(DeployLocalInput(path: path, environmentName: "staging"))
            try rig.setPage("p2")
            let p2 = try await rig.service.deployLocal(DeployLocalInput(path: path))
            // Both environments serve at once, each its own version, from containers of their own.
            #expect(try await rig.page(p2) == "p2")
            #expect(try await rig.page(s2) == "s2")
            let p2Record = try #require(try await rig.ledger.deployment(id: p2.deployment.id))
            let s2Record = try #require(try await rig.ledger.deployment(id: s2.deployment.id))
            #expect(rig.target.containerName(of: p2Record) != rig.target.containerName(of: s2Record))

            // Staging goes back to s1; production keeps serving p2.
            let stagingBack = try await rig.service.rollback(RollbackInput(projectId: rig.guid, environmentName: "staging"))
            #expect(stagingBack.deployment.rollbackOf == s1.deployment.id)
            #expect(try await rig.page(stagingBack) == "s1")
            #expect(try await rig.page(p2) == "p2")

            // Production goes back to p1; staging keeps serving s1.
            let productionBack = try await rig.service.rollback(RollbackInput(projectId: rig.guid))
            #expect(productionBack.deployment.rollbackOf == p1.deployment.id)
            #expect(try await rig.page(productionBack) == "p1")
            #expect(try await rig.page(stagingBack) == "s1")
            let live = try await rig.service.list(ListDeploymentsInput(projectId: rig.guid)).deployments.filter { $0.status == "running" }
            #expect(Set(live.map(\.environment)) == ["production", "staging"])
        }
    }

    @Test func aContainerThatExitsAtOnceIsReportedWithItsCodeAndLastLines() async throws {
        let rig = try Rig(dockerfile: """
            FROM scratch
            COPY bin/busybox /bin/busybox
            EXPOSE 8080
            CMD ["/bin/busybox", "sh", "-c", "echo boom: cannot open config; exit 3"]
            """)
        try await Self.cleaningUp(rig) {
            let error = try await #require(throws: DeployError.self) {
                try await rig.service.deployLocal(DeployLocalInput(path: rig.project.path))
            }
            #expect(error.code == .unhealthy)
            #expect(error.message.contains("exited with code 3"))
            #expect(error.message.contains("boom: cannot open config"))
            let record = try #require(try await rig.ledger.allDeployments(limit: nil).first)
            #expect(record.status == .failed)
            #expect(try await rig.target.docker.containerState(name: rig.target.containerName(of: record)) == nil)
            #expect(try await rig.ledger.portAllocations().filter { $0.projectId == rig.guid }.isEmpty)
        }
    }

    @Test func cancellingASlowBuildLeavesNoLockPortOrContainer() async throws {
        let rig = try Rig(dockerfile: """
            FROM scratch
            COPY bin/busybox /bin/busybox
            RUN ["/bin/busybox", "sleep", "30"]
            COPY www /www
            CMD ["/bin/busybox", "httpd", "-f", "-p", "8080", "-h", "/www"]
            """)
        try await Self.cleaningUp(rig) {
            let lines = ProgressLog()
            let service = rig.service
            let project = rig.project
            let deploy = Task { try await service.deployLocal(DeployLocalInput(path: project.path), progress: lines.handler) }
            let building = await EngineFixture.eventually { lines.all.contains { $0.step == "build image" && $0.phase == .running } }
            #expect(building)
            deploy.cancel()
            let error = try await #require(throws: DeployError.self) { try await deploy.value }

            #expect(error.code == .cancelled)
            let record = try #require(try await rig.ledger.allDeployments(limit: nil).first)
            #expect(record.status == .cancelled)
            #expect(try await rig.ledger.portAllocations().filter { $0.projectId == rig.guid }.isEmpty)
            #expect(try await rig.ledger.acquireDeployLock(DeployLock(projectId: rig.guid, deploymentId: "next", holder: "t", since: Date())) == nil)
            #expect(try await rig.target.docker.containerState(name: rig.target.containerName(of: record)) == nil)
        }
    }
}

