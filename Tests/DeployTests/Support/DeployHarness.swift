import Foundation
import Ledger
import Synchronization
@testable import Deploy

/// A deploy service over a real SQLite ledger file and a fake docker, with an instant clock.
struct DeployHarness {
    let folder: TemporaryFolder
    let docker: FakeDocker
    let ledger: SQLiteLedger
    let clock = InstantClock()
    let target: LocalDockerTarget
    let service: DeployService
    let progress = ProgressLog()

    init(processId: Int32 = 4242, deadProcesses: Set<Int32> = []) throws {
        folder = try TemporaryFolder("deploy-service")
        docker = try FakeDocker(in: folder.url)
        ledger = try SQLiteLedger(path: folder.url.appendingPathComponent("ledger/deployotron.sqlite").path)
        let runner = ProcessRunner(clock: ContinuousClock())
        target = LocalDockerTarget(
            docker: DockerCLI(executable: docker.executable.path, runner: runner),
            workRoot: folder.url.appendingPathComponent("work", isDirectory: true),
            clock: clock, healthPolls: 5, pollInterval: .seconds(2)
        )
        service = DeployService(
            store: ledger, target: target, processId: processId, hostName: "test-host",
            isProcessAlive: { !deadProcesses.contains($0) }, git: nil
        )
    }

    /// An express app in the temporary folder.
    func expressApp(_ name: String = "shop") throws -> URL {
        try folder.project(name, [
            "package.json": ExampleProject.packageJSON(["express"]),
            "package-lock.json": "{}",
            "server.js": "require('express')().listen(process.env.PORT || 3000, '0.0.0.0')",
        ])
    }

    /// Scripts a healthy start: build output, a container id, starting then healthy.
    func scriptHealthyStart(container: String = "c0ffee00", logs: String = "Server listening on 0.0.0.0:3000") throws {
        for name in ["inspect", "compose-ps", "build"] {
            try? FileManager.default.removeItem(at: docker.folder.appendingPathComponent("\(name).count"))
            for call in 1...5 { for ext in ["out", "err", "code"] { try? FileManager.default.removeItem(at: docker.responses.appendingPathComponent("\(name).\(call).\(ext)")) } }
        }
        try docker.respond("build", stdout: FakeDocker.buildOutput(tag: "shop:deploy"))
        try docker.respond("compose-ps", stdout: container + "\n")
        try docker.respond("inspect", call: 1, stdout: FakeDocker.state(status: "running", running: true, health: "starting"))
        try docker.respond("inspect", stdout: FakeDocker.state(status: "running", running: true, health: "healthy"))
        try docker.respond("logs", stdout: logs + "\n")
    }
}

/// Collects progress events from any task.
final class ProgressLog: Sendable {
    private let events = Mutex<[DeployProgress]>([])

    var handler: ProgressHandler { { event in self.events.withLock { $0.append(event) } } }
    var all: [DeployProgress] { events.withLock { $0 } }
}
