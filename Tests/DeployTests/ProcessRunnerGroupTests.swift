import Foundation
import Synchronization
import Testing
@testable import Deploy

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// How `ProcessRunner` stops a program and everything it started, and what it feeds and reads.
@Suite struct ProcessRunnerGroupTests {
    /// A shell that starts two background sleeps, which inherit (and so hold open) its output pipes,
    /// prints its pid (its group's id: the runner makes it a group leader), and waits.
    static let family = ["-c", "sleep 30 & sleep 30 & echo $$; wait"]

    @Test(.timeLimit(.minutes(1)))
    func cancellationStopsTheWholeGroup() async throws {
        let lines = LineLog()
        let task = Task { try await ProcessRunner().run("sh", Self.family, onLine: lines.append) }
        let pgid = try await #require(Self.firstLine(of: lines).flatMap { Int32($0) })
        #expect(ProcessTable.livingMembers(of: pgid).count == 3)

        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
        #expect(ProcessTable.livingMembers(of: pgid).isEmpty)
        #expect(!ProcessRunner.groupIsAlive(pgid))
    }

    @Test(.timeLimit(.minutes(1)))
    func timeoutStopsTheWholeGroup() async throws {
        let lines = LineLog()
        let gate = GateClock()
        let task = Task { try await ProcessRunner(clock: gate).run("sh", Self.family, timeout: .seconds(5), onLine: lines.append) }
        let pgid = try await #require(Self.firstLine(of: lines).flatMap { Int32($0) })
        #expect(ProcessTable.livingMembers(of: pgid).count == 3)

        gate.open()
        let output = try await task.value
        #expect(output.timedOut)
        #expect(output.exitCode == 128 + SIGTERM)
        #expect(output.stdout == "\(pgid)\n")
        #expect(ProcessTable.livingMembers(of: pgid).isEmpty)
    }

    @Test(.timeLimit(.minutes(1)))
    func aProcessIgnoringSIGTERMIsKilled() async throws {
        let lines = LineLog()
        let runner = ProcessRunner(terminationGrace: .milliseconds(200))
        let task = Task { try await runner.run("sh", ["-c", "trap '' TERM; sleep 30 & echo $$; wait"], onLine: lines.append) }
        let pgid = try await #require(Self.firstLine(of: lines).flatMap { Int32($0) })
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
        #expect(ProcessTable.livingMembers(of: pgid).isEmpty)
    }

    /// A background process that outlives the program keeps the pipes open; `run` must not wait for it.
    /// Were it to, this test would run into its time limit (the sleep lasts longer).
    @Test(.timeLimit(.minutes(1)))
    func aBackgroundProcessHoldingThePipesDoesNotHoldRun() async throws {
        let output = try await ProcessRunner().run("sh", ["-c", "sleep 120 & echo $!"])
        let leftover = try #require(Int32(output.stdout.trimmingCharacters(in: .whitespacesAndNewlines)))
        defer { kill(leftover, SIGKILL) }
        #expect(output.exitCode == 0)
        #expect(!output.timedOut)
        #expect(kill(leftover, 0) == 0, "a normal exit leaves what the program started in the background alone")
    }

    @Test func cancelledBeforeStartingStartsNothing() async throws {
        let marker = FileManager.default.temporaryDirectory.appendingPathComponent("runner-\(UUID().uuidString)")
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await ProcessRunner().run("touch", [marker.path])
        }
        await #expect(throws: CancellationError.self) { try await task.value }
        #expect(!FileManager.default.fileExists(atPath: marker.path))
    }

    @Test func stdinReachesTheProgram() async throws {
        let output = try await ProcessRunner().run("cat", [], stdin: Data("s3cret-password\n".utf8))
        #expect(output.stdout == "s3cret-password\n")
        #expect(output.exitCode == 0)
    }

    @Test func largeStdinIsWrittenWhileOutputIsRead() async throws {
        // More than a pipe or socket buffer holds each way: writing all first would deadlock.
        let payload = Data(repeating: UInt8(ascii: "x"), count: 1 << 20)
        let output = try await ProcessRunner().run("cat", [], stdin: payload)
        #expect(output.stdout.utf8.count == 1 << 20)
    }

    @Test func aProgramThatDoesNotReadStdinStillEnds() async throws {
        let output = try await ProcessRunner().run("sh", ["-c", "exit 4"], stdin: Data(repeating: 0, count: 1 << 20))
        #expect(output.exitCode == 4)
    }

    @Test func withoutStdinTheProgramReadsEndOfFile() async throws {
        let output = try await ProcessRunner().run("wc", ["-c"])
        #expect(output.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "0")
    }

    @Test func workingDirectoryAndEnvironmentAreApplied() async throws {
        let folder = try TemporaryFolder("runner")
        let runner = ProcessRunner(environment: ["PATH": "/usr/bin:/bin", "GREETING": "hello there"])
        let output = try await runner.run("sh", ["-c", "pwd; printf '%s\\n' \"$GREETING\""], workingDirectory: folder.url)
        let lines = output.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 2)
        #expect(URL(fileURLWithPath: lines[0]).resolvingSymlinksInPath() == folder.url.resolvingSymlinksInPath())
        #expect(lines[1] == "hello there")
    }

    @Test func aSignalEndingTheProgramReadsAsAShellReportsIt() async throws {
        let output = try await ProcessRunner().run("sh", ["-c", "kill -KILL $$"])
        #expect(output.exitCode == 128 + SIGKILL)
    }

    @Test func linesOfBothStreamsAreReportedSeparately() async throws {
        let lines = LineLog()
        let output = try await ProcessRunner().run("sh", ["-c", "printf 'out1\\nout'; printf 'err1\\n' >&2; printf '2\\n'"], onLine: lines.append)
        #expect(Set(lines.lines) == ["out1", "out2", "err1"])
        #expect(output.stdout == "out1\nout2\n")
        #expect(output.stderr == "err1\n")
    }

    @Test(.enabled(if: ProcessRunner.closesInheritedDescriptors, "needs glibc 2.34's posix_spawn_file_actions_addclosefrom_np"))
    func theChildInheritsOnlyItsStandardStreams() async throws {
        let folder = try TemporaryFolder("runner")
        // Opened without O_CLOEXEC, as a file another thread is writing may be.
        let fd = open(folder.url.appendingPathComponent("held").path, O_WRONLY | O_CREAT, 0o600)
        try #require(fd >= 0)
        defer { close(fd) }
        let output = try await ProcessRunner().run("sh", ["-c", "ls /proc/$$/fd"])
        #expect(output.stdout.split(separator: "\n") == ["0", "1", "2"])
    }

    /// Waits (boundedly) for the first line the program prints.
    static func firstLine(of lines: LineLog) async -> String? {
        for _ in 0..<500 {
            if let first = lines.lines.first { return first }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return nil
    }
}

/// A clock whose sleeps end when the test opens it: a timeout that fires exactly when the test says.
final class GateClock: Clock, Sendable {
    typealias Instant = ContinuousClock.Instant
    private let opened = Mutex(false)

    var now: Instant { ContinuousClock.now }
    var minimumResolution: Duration { .milliseconds(1) }

    func open() { opened.withLock { $0 = true } }

    func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        while !opened.withLock({ $0 }) {
            try await Task.sleep(for: .milliseconds(10))
        }
    }
}
