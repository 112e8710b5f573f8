import Foundation
import Ledger
import Testing
@testable import Deploy

/// `logs` of a local deployment with since and a filter, and --follow stopped by cancellation, on
/// the fake docker.
@Suite struct LocalLogsTests {
    func liveDeployment(_ harness: DeployHarness) async throws -> DeploymentRecord {
        try harness.scriptHealthyStart(logs: "boot")
        let outcome = try await harness.service.deployLocal(DeployLocalInput(path: try harness.expressApp().path))
        return try #require(try await harness.ledger.deployment(id: outcome.deployment.id))
    }

    @Test func sinceGoesToDockerAndTheFilterKeepsTheLastMatchingLines() async throws {
        let harness = try DeployHarness()
        let record = try await liveDeployment(harness)
        try harness.docker.respond("logs", stdout: "GET / 200\nDEBUG cache\nGET /login 302 token=ghp_abcdefghijklmnopqrstuvwxyz0123\nGET /health 200\n")

        let output = try await harness.service.logs(LogsInput(deploymentId: record.id, tail: 2, since: "2026-12-03T21:00:00Z", filter: "GET -health"))
        #expect(output.source == "container")
        #expect(output.lines == ["GET / 200", "GET /login 302 token=[REDACTED]"])
        let call = try #require(harness.docker.calls("logs").last)
        #expect(call == ["logs", "--tail", "all", "--since", "2026-12-03T21:00:00.000Z", harness.target.containerName(of: record)])

        // Without a filter docker's own --tail does the counting.
        _ = try await harness.service.logs(LogsInput(deploymentId: record.id, tail: 5, since: "10m"))
        #expect(harness.docker.calls("logs").last?.prefix(4) == ["logs", "--tail", "5", "--since"])
    }

    @Test func aFilterOnTheExcerptOfAnEndedDeploymentAndASinceItCannotApply() async throws {
        let harness = try DeployHarness()
        let record = try await liveDeployment(harness)
        _ = try await harness.service.remove(DeploymentReference(deploymentId: record.id))
        let kept = try await harness.service.logs(LogsInput(deploymentId: record.id, since: "1h", filter: "boot"))
        #expect(kept.source == "ledger")
        #expect(kept.lines.allSatisfy { $0.contains("boot") } && !kept.lines.isEmpty)
        #expect(kept.note == "the excerpt kept in the ledger has no times: since was not applied")
    }

    @Test func cancellingAFollowStopsTheDockerProcessGroup() async throws {
        let harness = try DeployHarness()
        let record = try await liveDeployment(harness)
        // The fake docker's pause is a child process: only stopping its group ends it.
        try harness.docker.pause("logs", seconds: 47)
        let follow = Task { try await harness.service.followLogs(LogsInput(deploymentId: record.id, filter: "GET")) { _ in } }
        for _ in 0..<400 where !FakeDocker.isSleeping(seconds: 47) { try await Task.sleep(for: .milliseconds(25)) }
        #expect(FakeDocker.isSleeping(seconds: 47))
        follow.cancel()
        await #expect(throws: CancellationError.self) { try await follow.value }
        #expect(!FakeDocker.isSleeping(seconds: 47))
        let call = try #require(harness.docker.calls("logs").last)
        #expect(call == ["logs", "--follow", "--tail", "5000", harness.target.containerName(of: record)])
    }
}
