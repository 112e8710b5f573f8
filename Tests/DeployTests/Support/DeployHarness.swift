import Foundation
import Ledger
import Synchronization
@testable import Deploy

/// A deploy service over a real SQLite ledger file and a fake docker, with an instant clock and a
/// scripted port probe.
struct DeployHarness {
    static let guid = "7f3c2a1e-5b6d-4c8e-9a0f-123456789abc"

    let folder: TemporaryFolder
    let docker: FakeDocker
    let ledger: SQLiteLedger
    let clock = InstantClock()
    let target: LocalDockerTarget
    let service: DeployService
    let progress = ProgressLog()
    /// Whether the app answers on its published port; tests flip it.
    let answering = Switch(true)

    init(processId: Int32 = 4242, deadProcesses: Set<Int32> = []) throws {
        folder = try TemporaryFolder("deploy-service")
        docker = try FakeDocker(in: folder.url)
        ledger = try SQLiteLedger(path: folder.url.appendingPathComponent("ledger/deployotron.sqlite").path)
        let runner = ProcessRunner(clock: ContinuousClock())
        let answering = self.answering
        target = LocalDockerTarget(
            docker: DockerCLI(executable: docker.executable.path, runner: runner),
            workRoot: folder.url.appendingPathComponent("work", isDirectory: true),
            probe: { _ in answering.withLock { $0 } },
            clock: clock, healthPolls: 5, pollInterval: .seconds(2)
        )
        service = DeployService(
            store: ledger, target: target,
            projects: { DeployProject(guid: Self.guid, name: DeployService.containerName($0.lastPathComponent)) },
            processId: processId, hostName: "test-host",
            isProcessAlive: { !deadProcesses.contains($0) }, git: nil
        )
        try docker.respond("version", stdout: "5.4.2\n")
    }

    /// An express app in the temporary folder.
    func expressApp(_ name: String = "shop") throws -> URL {
        try folder.project(name, [
            "package.json": ExampleProject.packageJSON(["express"]),
            "package-lock.json": "{}",
            "server.js": "require('express')().listen(process.env.PORT || 3000, '0.0.0.0')",
        ])
    }

    /// Scripts a healthy start: build output, a container id, created then running, answering.
    func scriptHealthyStart(container: String = "c0ffee00", logs: String = "Server listening on 0.0.0.0:3000") throws {
        for name in ["inspect", "compose-ps", "build", "run"] {
            try? FileManager.default.removeItem(at: docker.folder.appendingPathComponent("\(name).count"))
            for call in 1...5 { for ext in ["out", "err", "code"] { try? FileManager.default.removeItem(at: docker.responses.appendingPathComponent("\(name).\(call).\(ext)")) } }
        }
        answering.withLock { $0 = true }
        try docker.respond("build", stdout: FakeDocker.buildOutput(tag: "shop:deploy"))
        try docker.respond("run", stdout: container + "\n")
        try docker.respond("compose-ps", stdout: container + "\n")
        try docker.respond("inspect", stdout: FakeDocker.state(status: "running", running: true, health: nil))
        try docker.respond("logs", stdout: logs + "\n")
    }

    /// The record of the only deployment, or the newest.
    func newest() async throws -> DeploymentRecord? {
        try await ledger.allDeployments(limit: 1).first
    }
}

/// A flag any task can read and flip.
final class Switch: Sendable {
    private let value: Mutex<Bool>

    init(_ value: Bool) { self.value = Mutex(value) }

    func withLock<T>(_ body: (inout Bool) -> T) -> T { value.withLock { body(&$0) } }
}

/// Collects progress events from any task.
final class ProgressLog: Sendable {
    private let events = Mutex<[DeployProgress]>([])

    var handler: ProgressHandler { { event in self.events.withLock { $0.append(event) } } }
    var all: [DeployProgress] { events.withLock { $0 } }
}
