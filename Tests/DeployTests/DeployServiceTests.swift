import Foundation
import Ledger
import Testing
@testable import Deploy

@Suite struct DeployServiceTests {
    @Test func deployBuildsTagsStartsAndRecords() async throws {
        let harness = try DeployHarness()
        let app = try harness.expressApp()
        try harness.scriptHealthyStart()

        let outcome = try await harness.service.deployLocal(DeployLocalInput(path: app.path), progress: harness.progress.handler)

        let record = try #require(try await harness.ledger.deployment(id: outcome.deployment.id))
        #expect(record.status == .running)
        #expect(record.name == "shop")
        #expect(record.projectId == app.standardizedFileURL.path)
        #expect(UUID(uuidString: record.id) != nil)
        let tag = "shop:deploy_" + record.id.replacingOccurrences(of: "-", with: "").prefix(8)
        #expect(record.imageTag == tag)
        let port = try #require(record.port)
        #expect(PortAllocator.defaultRange.contains(port))
        #expect(record.url == "http://localhost:\(port)")
        #expect(record.finishedAt != nil)
        #expect(record.error == nil)
        #expect(record.logExcerpt?.contains("listening on 0.0.0.0:3000") == true)
        #expect(try await harness.ledger.portAllocations().map(\.deploymentId) == [record.id])

        // docker was driven as a real engine would be.
        let build = try #require(harness.docker.calls("build").first)
        #expect(build[build.index(after: try #require(build.firstIndex(of: "-t")))] == tag)
        #expect(build.last == app.standardizedFileURL.path)
        #expect(build.contains("deployotron.deployment=\(record.id)"))
        let up = try #require(harness.docker.calls("compose", containing: "up").first)
        #expect(up.contains("deployotron-shop"))
        #expect(harness.docker.calls("inspect").count == 2)
        #expect(harness.clock.sleepCount == 1)

        // The compose file publishes the allocated port to the container's.
        let composeFile = harness.target.composeProject(of: record).file
        let compose = try String(contentsOf: composeFile, encoding: .utf8)
        #expect(compose.contains("\"\(port):3000\""))
        #expect(compose.contains("image: \"\(tag)\""))
        #expect(FileManager.default.fileExists(atPath: harness.target.folder(of: record).appendingPathComponent("Dockerfile").path))

        // The lock is free again.
        #expect(try await harness.ledger.acquireDeployLock(DeployLock(projectId: record.projectId, deploymentId: "next", holder: "t", since: Date())) == nil)

        // Progress: every step started and finished, fractions only grow and end at 1.
        let events = harness.progress.all
        let names = events.filter { $0.phase == .finished }.map(\.step)
        #expect(names == ["take deploy lock", "detect stack", "allocate port", "prepare files", "build image", "start containers", "wait until healthy", "record"])
        let fractions = events.map(\.fraction)
        #expect(zip(fractions, fractions.dropFirst()).allSatisfy { $0 <= $1 })
        #expect(fractions.last == 1)
        #expect(events.contains { $0.step == "build image" && $0.phase == .running && $0.message.contains("npm ci") })
    }

    @Test func unhealthyDeployIsRecordedAsFailedWithTheBindAddressExplained() async throws {
        let harness = try DeployHarness()
        let app = try harness.expressApp()
        try harness.scriptHealthyStart()
        try harness.docker.respond("inspect", stdout: FakeDocker.state(status: "running", running: true, health: "unhealthy", probe: "connect ECONNREFUSED 127.0.0.1:3000"))
        try harness.docker.respond("logs", stdout: "> shop@1.0.0 start\nServer listening on http://127.0.0.1:3000\n")

        let error = try await #require(throws: DeployError.self) {
            try await harness.service.deployLocal(DeployLocalInput(path: app.path), progress: harness.progress.handler)
        }
        #expect(error.code == .unhealthy)
        #expect(error.step == "wait until healthy")
        #expect(error.message.contains("health check fails"))
        #expect(error.message.contains("127.0.0.1:3000"))
        #expect(error.message.contains("0.0.0.0"))
        #expect(error.message.contains("Server listening on http://127.0.0.1:3000"))

        let record = try #require(try await harness.ledger.allDeployments(limit: nil).first)
        #expect(record.status == .failed)
        #expect(record.error?.contains("127.0.0.1:3000") == true)
        #expect(record.logExcerpt?.contains("Server listening on http://127.0.0.1:3000") == true)
        #expect(record.finishedAt != nil)
        #expect(try await harness.ledger.portAllocations().isEmpty)
        #expect(try await harness.ledger.acquireDeployLock(DeployLock(projectId: record.projectId, deploymentId: "x", holder: "t", since: Date())) == nil)
        // No earlier version to go back to: the failed containers are taken down.
        #expect(harness.docker.calls("compose", containing: "down").count == 1)
        #expect(harness.progress.all.last?.phase == .failed)
        #expect(try await harness.service.liveDeployment(projectId: record.projectId) == nil)
    }

    @Test func exitedContainerOnTheWrongPortIsExplained() async throws {
        let harness = try DeployHarness()
        let app = try harness.expressApp()
        try harness.scriptHealthyStart()
        try harness.docker.respond("inspect", stdout: FakeDocker.state(status: "exited", running: false, exitCode: 1, health: nil))
        try harness.docker.respond("logs", stdout: "Listening on port 5000\nError: connect ECONNREFUSED db:5432\n")

        let error = try await #require(throws: DeployError.self) {
            try await harness.service.deployLocal(DeployLocalInput(path: app.path))
        }
        #expect(error.message.contains("exited with code 1"))
        #expect(error.message.contains("port 5000"))
        #expect(error.message.contains("expects port 3000"))
        let record = try #require(try await harness.ledger.allDeployments(limit: nil).first)
        #expect(record.status == .failed)
        #expect(record.error?.contains("exited with code 1") == true)
    }

    @Test func failedBuildNeverStartsContainers() async throws {
        let harness = try DeployHarness()
        let app = try harness.expressApp()
        try harness.docker.respond("build", stdout: "#8 [deps 4/4] RUN npm ci\n", stderr: "npm ERR! code ERESOLVE\nERROR: failed to solve: process \"/bin/sh -c npm ci\" did not complete successfully: exit code: 1\n", exitCode: 1)

        let error = try await #require(throws: DeployError.self) { try await harness.service.deployLocal(DeployLocalInput(path: app.path)) }
        #expect(error.step == "build image")
        #expect(error.message.contains("ERESOLVE"))
        #expect(harness.docker.calls("compose").isEmpty)
        #expect(try await harness.ledger.allDeployments(limit: nil).first?.status == .failed)
    }

    @Test func failedDeployBringsThePreviousVersionBack() async throws {
        let harness = try DeployHarness()
        let app = try harness.expressApp()
        try harness.scriptHealthyStart()
        let first = try await harness.service.deployLocal(DeployLocalInput(path: app.path))

        try harness.docker.respond("inspect", stdout: FakeDocker.state(status: "exited", running: false, exitCode: 127, health: nil))
        try harness.docker.respond("logs", stdout: "sh: 1: exec: node: not found\n")
        let error = try await #require(throws: DeployError.self) { try await harness.service.deployLocal(DeployLocalInput(path: app.path)) }
        #expect(error.message.contains("code 127"))
        #expect(error.message.contains("\(first.deployment.id)"))
        #expect(error.message.contains("running again"))

        let ups = harness.docker.calls("compose", containing: "up")
        let firstFile = harness.target.composeProject(of: try #require(try await harness.ledger.deployment(id: first.deployment.id))).file.path
        #expect(ups.last?.contains(firstFile) == true)
        let live = try await harness.service.liveDeployment(projectId: app.standardizedFileURL.path)
        #expect(live?.id == first.deployment.id)
        #expect(live?.status == .running)
        #expect(try await harness.ledger.portAllocations().map(\.deploymentId) == [first.deployment.id])
    }

    @Test func rollbackRedeploysTheEarlierImageWithoutBuilding() async throws {
        let harness = try DeployHarness()
        let app = try harness.expressApp()
        try harness.scriptHealthyStart()
        let v1 = try await harness.service.deployLocal(DeployLocalInput(path: app.path))
        try harness.scriptHealthyStart()
        let v2 = try await harness.service.deployLocal(DeployLocalInput(path: app.path))
        #expect(try await harness.ledger.deployment(id: v1.deployment.id)?.status == .stopped)
        try harness.scriptHealthyStart()
        try harness.docker.respond("image-inspect", stdout: "sha256:1234\n")

        let outcome = try await harness.service.rollback(RollbackInput(path: app.path), progress: harness.progress.handler)

        #expect(outcome.deployment.rollbackOf == v1.deployment.id)
        #expect(outcome.deployment.imageTag == v1.deployment.imageTag)
        #expect(outcome.replaced == v2.deployment.id)
        let record = try #require(try await harness.ledger.deployment(id: outcome.deployment.id))
        #expect(record.status == .running)
        #expect(try await harness.ledger.deployment(id: v2.deployment.id)?.status == .rolledBack)
        #expect(try await harness.ledger.portAllocations().map(\.deploymentId) == [record.id])
        #expect(harness.docker.calls("build").count == 2)
        let inspect = try #require(harness.docker.calls("image", containing: "inspect").first)
        #expect(inspect.contains(try #require(v1.deployment.imageTag)))
        let compose = try String(contentsOf: harness.target.composeProject(of: record).file, encoding: .utf8)
        #expect(compose.contains("image: \"\(v1.deployment.imageTag ?? "")\""))
        #expect(harness.progress.all.contains { $0.step == "build image" && $0.message.hasPrefix("skipped") })
    }

    @Test func rollbackToAPrunedImageIsRefused() async throws {
        let harness = try DeployHarness()
        let app = try harness.expressApp()
        try harness.scriptHealthyStart()
        let v1 = try await harness.service.deployLocal(DeployLocalInput(path: app.path))
        try harness.scriptHealthyStart()
        _ = try await harness.service.deployLocal(DeployLocalInput(path: app.path))
        try harness.docker.respond("image-inspect", stderr: "Error: No such image: \(v1.deployment.imageTag ?? "")\n", exitCode: 1)

        let error = try await #require(throws: DeployError.self) {
            try await harness.service.rollback(RollbackInput(deploymentId: String(v1.deployment.id.prefix(8))))
        }
        #expect(error.code == .imageMissing)
        #expect(error.message.contains("no longer exists"))
        #expect(harness.docker.calls("compose", containing: "up").count == 2)
    }

    @Test func secondDeployWhileOneRunsIsRefusedNamingTheHolder() async throws {
        let harness = try DeployHarness()
        let app = try harness.expressApp()
        let since = Date(timeIntervalSince1970: 1_800_000_000)
        _ = try await harness.ledger.acquireDeployLock(DeployLock(projectId: app.standardizedFileURL.path, deploymentId: "other-deploy", holder: "pid 777 on host build-1", since: since))

        let error = try await #require(throws: DeployError.self) { try await harness.service.deployLocal(DeployLocalInput(path: app.path)) }
        #expect(error.code == .locked)
        #expect(error.message.contains("pid 777 on host build-1"))
        #expect(error.message.contains(since.formatted(Date.ISO8601FormatStyle())))
        #expect(harness.docker.calls().isEmpty)
        #expect(try await harness.ledger.allDeployments(limit: nil).isEmpty)
    }

    @Test func deployInterruptedByACrashIsMarkedOnTheNextStart() async throws {
        let harness = try DeployHarness(deadProcesses: [31337])
        let started = Date(timeIntervalSince1970: 1_800_000_000)
        let crashed = DeploymentRecord(id: UUID().uuidString.lowercased(), projectId: "/srv/shop", name: "shop", target: .local, status: .inProgress, imageTag: "shop:deploy_1", port: 20000, startedAt: started, ownerPID: 31337)
        try await harness.ledger.save(crashed)
        _ = try await harness.ledger.allocatePort(in: 20000...20000, deploymentId: crashed.id, projectId: crashed.projectId, at: started) { _ in true }
        _ = try await harness.ledger.acquireDeployLock(DeployLock(projectId: crashed.projectId, deploymentId: crashed.id, holder: "pid 31337 on host test-host", since: started))
        let alive = DeploymentRecord(id: UUID().uuidString.lowercased(), projectId: "/srv/blog", name: "blog", target: .local, status: .inProgress, startedAt: started, ownerPID: 999)
        try await harness.ledger.save(alive)

        let marked = try await harness.service.recoverInterrupted()

        #expect(marked == [crashed.id])
        let record = try #require(try await harness.ledger.deployment(id: crashed.id))
        #expect(record.status == .interrupted)
        #expect(record.error?.contains("31337") == true)
        #expect(try await harness.ledger.deployment(id: alive.id)?.status == .inProgress)
        #expect(try await harness.ledger.portAllocations().isEmpty)
        #expect(try await harness.ledger.acquireDeployLock(DeployLock(projectId: crashed.projectId, deploymentId: "new", holder: "t", since: Date())) == nil)
    }

    @Test func stopRestartRemoveAndLogs() async throws {
        let harness = try DeployHarness()
        let app = try harness.expressApp()
        try harness.scriptHealthyStart(logs: "GET / 200\nGET /health 200")
        let outcome = try await harness.service.deployLocal(DeployLocalInput(path: app.path))
        let id = outcome.deployment.id

        let logs = try await harness.service.logs(LogsInput(deploymentId: id, tail: 10))
        #expect(logs.source == "container")
        #expect(logs.lines == ["GET / 200", "GET /health 200"])

        #expect(try await harness.service.stop(DeploymentReference(deploymentId: id)).status == "stopped")
        #expect(harness.docker.calls("compose", containing: "stop").count == 1)
        #expect(try await harness.ledger.portAllocations().count == 1)

        try harness.scriptHealthyStart()
        #expect(try await harness.service.restart(DeploymentReference(deploymentId: String(id.prefix(8)))).status == "running")

        let status = try await harness.service.status(DeploymentReference(deploymentId: id))
        #expect(status.live)
        #expect(status.health == "healthy")

        #expect(try await harness.service.remove(DeploymentReference(deploymentId: id)).status == "removed")
        #expect(harness.docker.calls("compose", containing: "down").count == 1)
        #expect(try await harness.ledger.portAllocations().isEmpty)
        #expect(try await harness.ledger.deployment(id: id)?.status == .removed)
        let kept = try await harness.service.logs(LogsInput(deploymentId: id))
        #expect(kept.source == "ledger")
        #expect(kept.lines.contains("GET /health 200"))

        let error = try await #require(throws: DeployError.self) { try await harness.service.stop(DeploymentReference(deploymentId: id)) }
        #expect(error.code == .invalidState)
    }

    @Test func pruningKeepsTheLastFiveDeploymentsImages() async throws {
        let harness = try DeployHarness()
        let app = try harness.expressApp()
        var tags: [String] = []
        for _ in 0..<6 {
            try harness.scriptHealthyStart()
            try harness.docker.respond("image-ls", stdout: (["latest"] + tags.map { String($0.split(separator: ":")[1]) }).joined(separator: "\n") + "\n")
            let outcome = try await harness.service.deployLocal(DeployLocalInput(path: app.path))
            tags.append(try #require(outcome.deployment.imageTag))
        }
        // image ls ran before the 6th tag existed in the fake's list: tags[0] is the one beyond the last five.
        let removed = harness.docker.calls("rmi").compactMap(\.last)
        #expect(removed == [tags[0]])
        #expect(try await harness.service.list(ListDeploymentsInput(path: app.path)).deployments.count == 6)
    }

    @Test func portsAreUniqueUnderConcurrencyAndSkipBusyHostPorts() async throws {
        let folder = try TemporaryFolder()
        let ledger = try SQLiteLedger(path: folder.url.appendingPathComponent("ports.sqlite").path)
        let listener = try #require(TCPListener())
        let busy = listener.port
        let allocator = PortAllocator(store: ledger, range: busy...(busy + 60))
        let ports = try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<24 {
                group.addTask { try await allocator.allocate(deploymentId: "d\(index)", projectId: "p\(index % 3)", at: Date()).port }
            }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(Set(ports).count == 24)
        #expect(!ports.contains(busy))
        #expect(ports.allSatisfy { (busy...(busy + 60)).contains($0) })
        #expect(try await ledger.portAllocations().count == 24)

        try await allocator.release(deploymentId: "d0")
        #expect(try await ledger.portAllocations().count == 23)
        _ = listener
    }

    @Test func exhaustedRangeSaysWhatToDo() async throws {
        let folder = try TemporaryFolder()
        let ledger = try SQLiteLedger(path: folder.url.appendingPathComponent("ports.sqlite").path)
        struct NothingFree: PortAvailability { func isFree(_ port: Int) async -> Bool { false } }
        let allocator = PortAllocator(store: ledger, availability: NothingFree(), range: 30000...30003)
        let error = try await #require(throws: DeployError.self) { try await allocator.allocate(deploymentId: "d", projectId: "p", at: Date()) }
        #expect(error.message.contains("remove"))
    }
}
