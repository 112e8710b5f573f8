import Foundation
import JSON
import Ledger
import Testing
@testable import Deploy

@Suite struct DeployServiceTests {
    static let stem = "shop-7f3c2a1e"

    @Test func deployBuildsRunsAndRecordsUnderTheProjectGuid() async throws {
        let harness = try DeployHarness()
        let app = try harness.expressApp()
        try harness.scriptHealthyStart()

        let outcome = try await harness.service.deployLocal(DeployLocalInput(path: app.path), progress: harness.progress.handler)

        let record = try #require(try await harness.ledger.deployment(id: outcome.deployment.id))
        #expect(record.status == .running)
        #expect(record.name == "shop")
        #expect(record.projectId == DeployHarness.guid)
        #expect(UUID(uuidString: record.id) != nil)
        let short = record.id.replacingOccurrences(of: "-", with: "").prefix(8)
        let tag = "\(Self.stem):deploy_\(short)"
        #expect(record.imageTag == tag)
        let port = try #require(record.port)
        #expect(PortAllocator.defaultRange.contains(port))
        #expect(record.url == "http://localhost:\(port)")
        #expect(record.finishedAt != nil)
        #expect(record.error == nil)
        #expect(record.logExcerpt?.contains("listening on 0.0.0.0:3000") == true)
        #expect(try await harness.ledger.portAllocations().map(\.deploymentId) == [record.id])

        // One container of its own, named and labelled with the project's guid, on loopback.
        let run = try #require(harness.docker.calls("run").first)
        #expect(run.contains("\(Self.stem)-\(short)"))
        #expect(run.contains(tag))
        #expect(run.joined(separator: " ").contains("127.0.0.1:\(port):3000"))
        #expect(run.contains("deployotron.project=\(DeployHarness.guid)"))
        #expect(harness.docker.calls("compose", containing: "up").isEmpty)
        let build = try #require(harness.docker.calls("build").first)
        #expect(build.contains(tag))
        #expect(build.contains("deployotron.deployment=\(record.id)"))
        #expect(FileManager.default.fileExists(atPath: harness.target.folder(of: record).appendingPathComponent("Dockerfile").path))

        // The lock is free again, and the project's resources say where it runs.
        #expect(try await harness.ledger.acquireDeployLock(DeployLock(projectId: record.projectId, deploymentId: "next", holder: "t", since: Date())) == nil)
        let resources = try #require(try await harness.ledger.resources(guid: DeployHarness.guid))
        #expect(resources.awsResources["localUrl"]?.stringValue == "http://localhost:\(port)")

        // Progress: every step started and finished, fractions only grow and end at 1.
        let events = harness.progress.all
        let names = events.filter { $0.phase == .finished }.map(\.step)
        #expect(names == ["take deploy lock", "detect stack", "allocate port", "prepare files", "build image", "start container", "wait until healthy", "record"])
        let fractions = events.map(\.fraction)
        #expect(zip(fractions, fractions.dropFirst()).allSatisfy { $0 <= $1 })
        #expect(fractions.last == 1)
        #expect(events.contains { $0.step == "build image" && $0.phase == .running && $0.message.contains("npm ci") })
    }

    @Test func anAppThatNeverAnswersIsTakenDownAndRecordedAsFailed() async throws {
        let harness = try DeployHarness()
        let app = try harness.expressApp()
        try harness.scriptHealthyStart(logs: "> shop@1.0.0 start\nServer listening on http://127.0.0.1:3000")
        harness.answering.withLock { $0 = false }

        let error = try await #require(throws: DeployError.self) {
            try await harness.service.deployLocal(DeployLocalInput(path: app.path), progress: harness.progress.handler)
        }
        #expect(error.code == .unhealthy)
        #expect(error.step == "wait until healthy")
        #expect(error.message.contains("127.0.0.1:3000"))
        #expect(error.message.contains("0.0.0.0"))

        let record = try #require(try await harness.newest())
        #expect(record.status == .failed)
        #expect(record.error?.contains("127.0.0.1:3000") == true)
        #expect(record.logExcerpt?.contains("Server listening on http://127.0.0.1:3000") == true)
        #expect(record.finishedAt != nil)
        #expect(try await harness.ledger.portAllocations().isEmpty)
        #expect(try await harness.ledger.acquireDeployLock(DeployLock(projectId: record.projectId, deploymentId: "x", holder: "t", since: Date())) == nil)
        // Its container is removed; nothing of it is live.
        let removed = harness.docker.calls("rm").compactMap(\.last)
        #expect(removed == [harness.target.containerName(of: record)])
        #expect(harness.progress.all.last?.phase == .failed)
        #expect(try await harness.service.liveDeployment(projectId: record.projectId) == nil)
        #expect(!FileManager.default.fileExists(atPath: harness.target.folder(of: record).path))
    }

    @Test func anExitedContainerIsReportedWithItsCodeAndLastLines() async throws {
        let harness = try DeployHarness()
        let app = try harness.expressApp()
        try harness.scriptHealthyStart()
        try harness.docker.respond("inspect", stdout: FakeDocker.state(status: "exited", running: false, exitCode: 1, health: nil))
        try harness.docker.respond("logs", stdout: "Listening on port 5000\nError: connect ECONNREFUSED db:5432\n")

        let error = try await #require(throws: DeployError.self) {
            try await harness.service.deployLocal(DeployLocalInput(path: app.path))
        }
        #expect(error.message.contains("exited with code 1"))
        #expect(error.message.contains("ECONNREFUSED db:5432"))
        #expect(error.message.contains("port 5000"))
        #expect(error.message.contains("expects port 3000"))
        let record = try #require(try await harness.newest())
        #expect(record.status == .failed)
        #expect(record.error?.contains("exited with code 1") == true)
    }

    @Test func failedBuildNeverStartsAContainer() async throws {
        let harness = try DeployHarness()
        let app = try harness.expressApp()
        try harness.docker.respond("build", stdout: "#8 [deps 4/4] RUN npm ci\n", stderr: "npm ERR! code ERESOLVE\nERROR: failed to solve: process \"/bin/sh -c npm ci\" did not complete successfully: exit code: 1\n", exitCode: 1)

        let error = try await #require(throws: DeployError.self) { try await harness.service.deployLocal(DeployLocalInput(path: app.path)) }
        #expect(error.step == "build image")
        #expect(error.message.contains("ERESOLVE"))
        #expect(harness.docker.calls("run").isEmpty)
        #expect(try await harness.newest()?.status == .failed)
    }

    @Test func aFailedDeployLeavesThePreviousVersionServing() async throws {
        let harness = try DeployHarness()
        let app = try harness.expressApp()
        try harness.scriptHealthyStart()
        let first = try await harness.service.deployLocal(DeployLocalInput(path: app.path))
        let firstRecord = try #require(try await harness.ledger.deployment(id: first.deployment.id))

        try harness.docker.respond("inspect", stdout: FakeDocker.state(status: "exited", running: false, exitCode: 127, health: nil))
        try harness.docker.respond("logs", stdout: "sh: 1: exec: node: not found\n")
        let error = try await #require(throws: DeployError.self) { try await harness.service.deployLocal(DeployLocalInput(path: app.path)) }
        #expect(error.message.contains("code 127"))
        #expect(error.message.contains("\(first.deployment.id.prefix(8))"))
        #expect(error.message.contains("still the live one"))

        // Only the new container was removed; the first one was never touched.
        let removed = harness.docker.calls("rm").compactMap(\.last)
        #expect(!removed.contains(harness.target.containerName(of: firstRecord)))
        #expect(removed.count == 1)
        let live = try await harness.service.liveDeployment(projectId: DeployHarness.guid)
        #expect(live?.id == first.deployment.id)
        #expect(live?.status == .running)
        #expect(try await harness.ledger.portAllocations().map(\.deploymentId) == [first.deployment.id])
    }

    @Test func aNewVersionReplacesTheOldOneOnlyOnceItAnswers() async throws {
        let harness = try DeployHarness()
        let app = try harness.expressApp()
        try harness.scriptHealthyStart()
        let v1 = try await harness.service.deployLocal(DeployLocalInput(path: app.path))
        try harness.scriptHealthyStart()
        let v2 = try await harness.service.deployLocal(DeployLocalInput(path: app.path))

        let v1Record = try #require(try await harness.ledger.deployment(id: v1.deployment.id))
        #expect(v1Record.status == .stopped)
        #expect(v2.replaced == v1.deployment.id)
        // v1's container goes only after v2's was started.
        let calls = harness.docker.calls().map { $0.first ?? "" }
        let secondRun = try #require(calls.lastIndex(of: "run"))
        let removal = try #require(calls.lastIndex(of: "rm"))
        #expect(secondRun < removal)
        #expect(harness.docker.calls("rm").last?.last == harness.target.containerName(of: v1Record))
        #expect(try await harness.ledger.portAllocations().map(\.deploymentId) == [v2.deployment.id])
    }

    @Test func rollbackRunsTheEarlierImageWithoutBuilding() async throws {
        let harness = try DeployHarness()
        let app = try harness.expressApp()
        try harness.scriptHealthyStart()
        let v1 = try await harness.service.deployLocal(DeployLocalInput(path: app.path))
        try harness.scriptHealthyStart()
        let v2 = try await harness.service.deployLocal(DeployLocalInput(path: app.path))
        try harness.scriptHealthyStart()
        try harness.docker.respond("image-inspect", stdout: "sha256:1234\n")

        let outcome = try await harness.service.rollback(RollbackInput(projectId: DeployHarness.guid), progress: harness.progress.handler)

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
        #expect(harness.docker.calls("run").last?.contains(try #require(v1.deployment.imageTag)) == true)
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
        #expect(harness.docker.calls("run").count == 2)
    }

    @Test func aSecondDeployWhileOneRunsIsRefusedNamingTheHolderAndTheAttemptIsRecorded() async throws {
        let harness = try DeployHarness()
        let app = try harness.expressApp()
        let since = Date(timeIntervalSince1970: 1_800_000_000)
        _ = try await harness.ledger.acquireDeployLock(DeployLock(projectId: DeployHarness.guid, deploymentId: "other-deploy", holder: "pid 777 on host build-1", since: since))

        let error = try await #require(throws: DeployError.self) { try await harness.service.deployLocal(DeployLocalInput(path: app.path)) }
        #expect(error.code == .locked)
        #expect(error.message.contains("pid 777 on host build-1"))
        #expect(error.message.contains(since.formatted(Date.ISO8601FormatStyle())))
        #expect(harness.docker.calls().allSatisfy { $0.first == "version" })
        // The record was written before the first step, so the refused attempt is in the history.
        let attempt = try #require(try await harness.newest())
        #expect(attempt.status == .failed)
        #expect(attempt.error?.contains("pid 777") == true)
        #expect(try await harness.ledger.portAllocations().isEmpty)
    }

    @Test func noEngineAnsweringIsSaidBeforeAnythingIsLockedOrWritten() async throws {
        let harness = try DeployHarness()
        let app = try harness.expressApp()
        try harness.docker.respond("version", stderr: "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\n", exitCode: 1)

        let error = try await #require(throws: DeployError.self) { try await harness.service.deployLocal(DeployLocalInput(path: app.path)) }
        #expect(error.code == .preflight)
        #expect(!error.message.contains("\n"))
        #expect(error.message.lowercased().contains("engine"))
        #expect(try await harness.ledger.allDeployments(limit: nil).isEmpty)
        #expect(try await harness.ledger.portAllocations().isEmpty)
        #expect(harness.docker.calls().allSatisfy { $0.first == "version" })
        #expect(!FileManager.default.fileExists(atPath: harness.folder.url.appendingPathComponent("work").path))
    }

    @Test func aDatabaseWithoutComposeIsSaidBeforeAnythingIsLockedOrWritten() async throws {
        let harness = try DeployHarness()
        let app = try harness.expressApp()
        try harness.docker.respond("compose", stderr: "docker: 'compose' is not a docker command.\n", exitCode: 1)
        // A PATH without docker-compose (the fake docker needs only cat): docker is called by its full path.
        let tools = harness.folder.url.appendingPathComponent("bin-without-compose", isDirectory: true)
        try FileManager.default.createDirectory(at: tools, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: tools.appendingPathComponent("cat").path, withDestinationPath: "/bin/cat")
        var target = harness.target
        target.docker.runner = ProcessRunner(environment: ["PATH": tools.path])
        let service = DeployService(
            store: harness.ledger, target: target, projects: { _ in DeployProject(guid: DeployHarness.guid, name: "shop") }, git: nil)

        let error = try await #require(throws: DeployError.self) {
            try await service.deployLocal(DeployLocalInput(path: app.path, databases: [.postgres]))
        }
        #expect(error.code == .preflight)
        #expect(error.message.contains("postgres"))
        #expect(error.message.contains("docker-compose"))
        #expect(!error.message.contains("\n"))
        #expect(try await harness.ledger.allDeployments(limit: nil).isEmpty)
        #expect(harness.docker.calls("run").isEmpty && harness.docker.calls("build").isEmpty)
    }

    @Test func cancellingDuringTheBuildUndoesTheAttemptAndKeepsThePreviousVersion() async throws {
        let harness = try DeployHarness()
        let app = try harness.expressApp()
        try harness.scriptHealthyStart()
        let first = try await harness.service.deployLocal(DeployLocalInput(path: app.path))
        try harness.docker.pause("build", seconds: 37)

        let service = harness.service
        let progress = harness.progress
        let deploy = Task { try await service.deployLocal(DeployLocalInput(path: app.path), progress: progress.handler) }
        while !progress.all.contains(where: { $0.step == "build image" && $0.phase == .started }) {
            try await Task.sleep(for: .milliseconds(20))
        }
        try await Task.sleep(for: .milliseconds(200))
        deploy.cancel()
        let error = try await #require(throws: DeployError.self) { try await deploy.value }

        #expect(error.code == .cancelled)
        #expect(error.message.contains("cancelled"))
        let record = try #require(try await harness.newest())
        #expect(record.id != first.deployment.id)
        #expect(record.status == .cancelled)
        #expect(record.finishedAt != nil)
        #expect(try await harness.ledger.portAllocations().map(\.deploymentId) == [first.deployment.id])
        #expect(try await harness.ledger.acquireDeployLock(DeployLock(projectId: DeployHarness.guid, deploymentId: "x", holder: "t", since: Date())) == nil)
        #expect(try await harness.service.liveDeployment(projectId: DeployHarness.guid)?.id == first.deployment.id)
        #expect(harness.docker.calls("run").count == 1)
        // The build's process (a sleeping child of the fake docker) is gone.
        #expect(!FakeDocker.isSleeping(seconds: 37))
    }

    @Test func deploymentsRecordedUnderTheFolderPathAreAdoptedByTheGuid() async throws {
        let harness = try DeployHarness()
        let app = try harness.expressApp()
        let path = app.standardizedFileURL.path
        let old = DeploymentRecord(id: UUID().uuidString.lowercased(), projectId: path, name: "shop", target: .local, status: .stopped, imageTag: "shop:deploy_11111111", startedAt: Date(timeIntervalSince1970: 1_700_000_000))
        try await harness.ledger.save(old)
        try await harness.ledger.save(DeploymentRecord(id: UUID().uuidString.lowercased(), projectId: "/elsewhere", name: "blog", target: .local, status: .stopped, startedAt: Date()))

        #expect(try await harness.service.adoptLegacyDeployments(of: app, into: DeployHarness.guid) == 1)
        let listed = try await harness.service.list(ListDeploymentsInput(projectId: DeployHarness.guid)).deployments.map(\.id)
        #expect(listed == [old.id])
        #expect(try await harness.ledger.deployments(projectId: path, limit: nil).isEmpty)
        #expect(try await harness.ledger.deployments(projectId: "/elsewhere", limit: nil).count == 1)
    }

    @Test func deployInterruptedByACrashIsMarkedOnTheNextStart() async throws {
        let harness = try DeployHarness(deadProcesses: [31337])
        let started = Date(timeIntervalSince1970: 1_800_000_000)
        let crashed = DeploymentRecord(id: UUID().uuidString.lowercased(), projectId: "guid-shop", name: "shop", target: .local, status: .inProgress, imageTag: "shop:deploy_1", port: 20000, startedAt: started, ownerPID: 31337)
        try await harness.ledger.save(crashed)
        _ = try await harness.ledger.allocatePort(in: 20000...20000, deploymentId: crashed.id, projectId: crashed.projectId, at: started) { _ in true }
        _ = try await harness.ledger.acquireDeployLock(DeployLock(projectId: crashed.projectId, deploymentId: crashed.id, holder: "pid 31337 on host test-host", since: started))
        let alive = DeploymentRecord(id: UUID().uuidString.lowercased(), projectId: "guid-blog", name: "blog", target: .local, status: .inProgress, startedAt: started, ownerPID: 999)
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
        let name = harness.target.containerName(of: try #require(try await harness.ledger.deployment(id: id)))

        let logs = try await harness.service.logs(LogsInput(deploymentId: id, tail: 10))
        #expect(logs.source == "container")
        #expect(logs.lines == ["GET / 200", "GET /health 200"])

        #expect(try await harness.service.stop(DeploymentReference(deploymentId: id)).status == "stopped")
        #expect(harness.docker.calls("stop").last?.last == name)
        #expect(try await harness.ledger.portAllocations().count == 1)

        try harness.scriptHealthyStart()
        #expect(try await harness.service.restart(DeploymentReference(deploymentId: String(id.prefix(8)))).status == "running")
        #expect(harness.docker.calls("start").last?.last == name)

        let status = try await harness.service.status(DeploymentReference(deploymentId: id))
        #expect(status.live)
        #expect(status.container == "running")

        #expect(try await harness.service.remove(DeploymentReference(deploymentId: id)).status == "removed")
        #expect(harness.docker.calls("rm").last?.last == name)
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
        #expect(try await harness.service.list(ListDeploymentsInput(projectId: DeployHarness.guid)).deployments.count == 6)
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
