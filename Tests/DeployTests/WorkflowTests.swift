import Foundation
import Synchronization
import Testing
@testable import Deploy

@Suite struct WorkflowTests {
    @Test func fractionsFollowTheWeights() async throws {
        let log = ProgressLog()
        let workflow = DeployWorkflow<Int>(steps: [
            DeployStep("small", weight: 1) { state, _ in state += 1 },
            DeployStep("big", weight: 3) { state, report in
                report("half", fraction: 0.5)
                state += 10
            },
        ])
        var state = 0
        try await workflow.run(&state, progress: log.handler)
        #expect(state == 11)
        let half = try #require(log.all.first { $0.message == "half" })
        #expect(half.fraction == 0.25 + 0.75 * 0.5)
        #expect(half.stepWeight == 0.75)
        #expect(half.stepIndex == 2 && half.stepCount == 2)
        #expect(log.all.first { $0.step == "small" && $0.phase == .finished }?.fraction == 0.25)
        #expect(log.all.last?.fraction == 1)
        #expect(half.line == "[ 62%] big (2/2): half")
    }

    @Test func failingStepStopsTheRestAndIsNamed() async throws {
        let log = ProgressLog()
        let workflow = DeployWorkflow<[String]>(steps: [
            DeployStep("one", weight: 1) { state, _ in state.append("one") },
            DeployStep("two", weight: 1) { _, _ in throw DeployError(.docker, "engine unreachable") },
            DeployStep("three", weight: 1) { state, _ in state.append("three") },
        ])
        var state: [String] = []
        let error = try await #require(throws: DeployError.self) { try await workflow.run(&state, progress: log.handler) }
        #expect(error.step == "two")
        #expect(state == ["one"])
        #expect(log.all.last?.phase == .failed)
        #expect(log.all.last?.message == "engine unreachable")
        #expect(!log.all.contains { $0.step == "three" })
    }
}

@Suite struct StartupDiagnosisTests {
    @Test func loopbackBindIsSaidInPlainWords() {
        let state = ContainerState(status: "running", running: true, exitCode: 0, health: .init(status: "unhealthy", failingStreak: 3, log: [.init(exitCode: 1, output: "refused")]))
        let diagnosis = StartupDiagnosis(state: state, timedOut: false, logs: ["boot", "Uvicorn running on http://127.0.0.1:8000 (Press CTRL+C to quit)"], expectedPort: 8000)
        #expect(diagnosis.hints.contains { $0.contains("127.0.0.1:8000") && $0.contains("0.0.0.0") })
        #expect(!diagnosis.hints.contains { $0.contains("expects port") })
        #expect(diagnosis.message.contains("last health check said: refused"))
    }

    @Test func portMismatchAndExitCodeAreReported() {
        let state = ContainerState(status: "exited", running: false, exitCode: 137, oomKilled: true)
        let diagnosis = StartupDiagnosis(state: state, timedOut: false, logs: ["Started Application on port 9090"], expectedPort: 8080)
        #expect(diagnosis.exitCode == 137)
        #expect(diagnosis.summary == "the container exited with code 137")
        #expect(diagnosis.hints.contains { $0.contains("too much memory") })
        #expect(diagnosis.hints.contains { $0.contains("port 9090") && $0.contains("expects port 8080") })
    }

    @Test func quietLogsGiveNoAddressHints() {
        let diagnosis = StartupDiagnosis(state: nil, timedOut: true, logs: ["compiling..."], expectedPort: 3000)
        #expect(diagnosis.hints.isEmpty)
        #expect(diagnosis.summary == "no container was started")
    }
}

@Suite struct ProcessRunnerTests {
    @Test func capturesOutputAndExitCode() async throws {
        let output = try await ProcessRunner().run("sh", ["-c", "echo out; echo err >&2; exit 3"])
        #expect(output.exitCode == 3)
        #expect(output.stdout == "out\n")
        #expect(output.stderr == "err\n")
        #expect(!output.succeeded)
    }

    @Test func timeoutStopsTheProcess() async throws {
        // The instant clock's sleep returns at once, so the timeout fires before `sleep 30` ends.
        let output = try await ProcessRunner(clock: InstantClock()).run("sleep", ["30"], timeout: .seconds(1))
        #expect(output.timedOut)
        #expect(!output.succeeded)
    }

    @Test func missingExecutableIsAnActionableError() async throws {
        let error = try await #require(throws: DeployError.self) {
            try await ProcessRunner(environment: ["PATH": "/nonexistent"]).run("docker", ["version"])
        }
        #expect(error.message.contains("not found on PATH"))
    }

    @Test func linesAreStreamedAsTheyArrive() async throws {
        let log = LineLog()
        _ = try await ProcessRunner().run("sh", ["-c", "printf 'a\\nb\\nc'"], onLine: log.append)
        #expect(log.lines == ["a", "b", "c"])
    }
}

final class LineLog: Sendable {
    private let storage = Mutex<[String]>([])
    var append: @Sendable (String) -> Void { { line in self.storage.withLock { $0.append(line) } } }
    var lines: [String] { storage.withLock { $0 } }
}
