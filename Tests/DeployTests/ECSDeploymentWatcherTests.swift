import AWS
import Foundation
import JSON
import Synchronization
import TestSupport
import Testing
@testable import Deploy

/// The wait for an ECS deployment, against a scripted ECS: success only when the new deployment is
/// COMPLETED with every task running; anything else fails saying what ECS did.
@Suite struct ECSDeploymentWatcherTests {
    let since = Date(timeIntervalSince1970: 1_700_000_000)
    var watch: ECSDeploymentWatcher.Watch {
        .init(cluster: "deployotron", service: "web", deploymentId: "ecs-svc/new", logGroup: "/deployotron/web", logStreamPrefix: "app", since: since)
    }

    func watcher(_ url: String, clock: any Clock<Duration> = InstantClock(), timeout: Duration = .seconds(600)) throws -> ECSDeploymentWatcher {
        ECSDeploymentWatcher(
            ecs: ECSClient(transport: try ECSScript.transport(url, .ecs, clock: clock)),
            logs: CloudWatchLogsClient(transport: try ECSScript.transport(url, .cloudWatchLogs, clock: clock)),
            clock: clock, pollInterval: .seconds(10), timeout: timeout, logLines: 2)
    }

    @Test func inProgressThenCompletedSucceedsReportingTheCounts() async throws {
        let replies = [
            ECSScript.service([ECSScript.deployment("ecs-svc/new", revision: 2, rollout: "IN_PROGRESS", pending: 2)]), ECSScript.taskList(),
            ECSScript.service([ECSScript.deployment("ecs-svc/new", revision: 2, rollout: "IN_PROGRESS", running: 1, pending: 1)]), ECSScript.taskList(),
            ECSScript.service([ECSScript.deployment("ecs-svc/new", revision: 2, rollout: "COMPLETED", running: 2)]), ECSScript.taskList(),
        ]
        try await FakeMessagesServer.with(replies) { server in
            let reports = Mutex<[String]>([])
            let observation = try await watcher(server.baseURL).wait(for: watch) { line, _ in reports.withLock { $0.append(line) } }
            #expect(observation.deployment?.rolloutState == "COMPLETED")
            #expect(reports.withLock { $0 } == [
                "IN_PROGRESS: 0/2 running, 2 pending, 0 failed", "IN_PROGRESS: 1/2 running, 1 pending, 0 failed", "COMPLETED: 2/2 running, 0 pending, 0 failed",
            ])
            #expect(await ECSScript.operations(server) == ["DescribeServices", "ListTasks", "DescribeServices", "ListTasks", "DescribeServices", "ListTasks"])
            let list = try #require(await server.requests()[1].body)
            #expect(list["startedBy"]?.stringValue == "ecs-svc/new" && list["desiredStatus"]?.stringValue == "STOPPED")
        }
    }

    @Test func completedWithFewerTasksRunningIsNotYetSuccess() async throws {
        let replies = [
            ECSScript.service([ECSScript.deployment("ecs-svc/new", revision: 2, rollout: "COMPLETED", running: 1)]), ECSScript.taskList(),
            ECSScript.service([ECSScript.deployment("ecs-svc/new", revision: 2, rollout: "COMPLETED", running: 2)]), ECSScript.taskList(),
        ]
        try await FakeMessagesServer.with(replies) { server in
            try await watcher(server.baseURL).wait(for: watch)
            #expect(await ECSScript.operations(server).filter { $0 == "DescribeServices" }.count == 2)
        }
    }

    @Test func circuitBreakerFailureShowsStoppedTasksExitCodesAndLogLines() async throws {
        let tasks = ["arn:aws:ecs:us-east-1:1:task/deployotron/aaaa1111", "arn:aws:ecs:us-east-1:1:task/deployotron/bbbb2222"]
        let replies = [
            ECSScript.service(
                [ECSScript.deployment("ecs-svc/new", revision: 2, rollout: "IN_PROGRESS", failed: 2),
                 ECSScript.deployment("ecs-svc/old", status: "ACTIVE", revision: 1, rollout: "COMPLETED", running: 2)],
                events: [("e2", since.addingTimeInterval(20), "(service web) has started 2 tasks: (task aaaa1111)."),
                         ("e1", since.addingTimeInterval(30), "(service web) (task aaaa1111) failed container health checks."),
                         ("e0", since.addingTimeInterval(-60), "(service web) was unable to place a task long ago.")]),
            ECSScript.taskList(tasks),
            ECSScript.stoppedTasks([
                (tasks[0], "Essential container in task exited", 1, nil),
                (tasks[1], "Task failed container health checks", 137, "OutOfMemoryError: Container killed due to memory usage"),
            ]),
            ECSScript.logEvents(["starting", "Error: DATABASE_URL is not set", "exiting"]), ECSScript.logEvents([]),
            ECSScript.logEvents(["listening on 3000"]), ECSScript.logEvents([]),
            ECSScript.service([
                ECSScript.deployment("ecs-svc/rollback", revision: 1, rollout: "IN_PROGRESS"),
                ECSScript.deployment("ecs-svc/new", status: "ACTIVE", revision: 2, rollout: "FAILED", failed: 2, reason: "ECS deployment circuit breaker: tasks failed to start."),
            ]),
            ECSScript.taskList(tasks),
        ]
        try await FakeMessagesServer.with(replies) { server in
            let error = try await #require(throws: DeployError.self) { try await watcher(server.baseURL).wait(for: watch) }
            #expect(error.code == .unhealthy)
            #expect(error.message.contains("ECS marked the deployment FAILED: ECS deployment circuit breaker: tasks failed to start."))
            #expect(error.message.contains("rolled the service back to web:1"))
            #expect(error.message.contains("event: (service web) (task aaaa1111) failed container health checks."))
            #expect(!error.message.contains("long ago"))
            #expect(error.message.contains("task aaaa1111 stopped: Essential container in task exited; app exited 1"))
            #expect(error.message.contains("app exited 137 (OutOfMemoryError: Container killed due to memory usage)"))
            #expect(error.message.contains("  | Error: DATABASE_URL is not set\n  | exiting"))
            #expect(!error.message.contains("| starting"))
            let streams = await server.requests().compactMap { $0.body?["logStreamName"]?.stringValue }
            #expect(streams == ["app/app/aaaa1111", "app/app/aaaa1111", "app/app/bbbb2222", "app/app/bbbb2222"])
            #expect(await ECSScript.operations(server).last == "ListTasks")
        }
    }

    @Test func aDeploymentReplacedByARollbackIsAFailure() async throws {
        let replies = [
            ECSScript.service([
                ECSScript.deployment("ecs-svc/rollback", revision: 1, rollout: "IN_PROGRESS", running: 1),
                ECSScript.deployment("ecs-svc/new", status: "ACTIVE", revision: 2, rollout: "IN_PROGRESS"),
            ]),
            ECSScript.taskList(),
        ]
        try await FakeMessagesServer.with(replies) { server in
            let error = try await #require(throws: DeployError.self) { try await watcher(server.baseURL).wait(for: watch) }
            #expect(error.code == .unhealthy)
            #expect(error.message.hasPrefix("the primary deployment is no longer ours: ECS is rolling web:1 (ecs-svc/rollback) instead, a rollback"))
        }
    }

    @Test func aDeploymentThatVanishedIsAFailure() async throws {
        let replies = [ECSScript.service([ECSScript.deployment("ecs-svc/other", revision: 1, rollout: "COMPLETED", running: 2)]), ECSScript.taskList()]
        try await FakeMessagesServer.with(replies) { server in
            let error = try await #require(throws: DeployError.self) { try await watcher(server.baseURL).wait(for: watch) }
            #expect(error.message.hasPrefix("ECS no longer has deployment ecs-svc/new; the service now runs web:1 (ecs-svc/other)"))
        }
    }

    @Test func aWaitPastItsBoundStopsWithTheLastState() async throws {
        let poll = [ECSScript.service([ECSScript.deployment("ecs-svc/new", revision: 2, rollout: "IN_PROGRESS", running: 1, pending: 1)]), ECSScript.taskList()]
        try await FakeMessagesServer.with(Array(repeating: poll, count: 4).flatMap { $0 }) { server in
            let clock = InstantClock()
            let error = try await #require(throws: DeployError.self) {
                try await watcher(server.baseURL, clock: clock, timeout: .seconds(30)).wait(for: watch)
            }
            #expect(error.code == .timeout)
            #expect(error.message.hasPrefix("ECS did not finish deployment ecs-svc/new within 30 s (IN_PROGRESS: 1/2 running, 1 pending, 0 failed)"))
            #expect(clock.sleepCount == 3)
            #expect(await ECSScript.operations(server).count == 8)
        }
    }

    @Test func cancellingStopsTheWaitSayingWhatECSWasDoing() async throws {
        let replies = [ECSScript.service([ECSScript.deployment("ecs-svc/new", revision: 2, rollout: "IN_PROGRESS", desired: 1, pending: 1)]), ECSScript.taskList()]
        try await FakeMessagesServer.with(replies) { server in
            let clock = CancelGateClock()
            let watcher = try watcher(server.baseURL, clock: clock)
            let watch = self.watch
            let finished = Flag()
            let task = Task {
                defer { finished.set() }
                return try await watcher.wait(for: watch)
            }
            await clock.waitUntilSleeping(or: finished)
            task.cancel()
            let error = try await #require(throws: DeployError.self) { try await task.value }
            #expect(error.code == .cancelled)
            #expect(error.message.contains("ECS was at IN_PROGRESS: 0/1 running, 1 pending, 0 failed"))
        }
    }

    @Test func throttledCallsAreRetried() async throws {
        let replies = [
            ECSScript.throttled(), ECSScript.throttled(),
            ECSScript.service([ECSScript.deployment("ecs-svc/new", revision: 2, rollout: "COMPLETED", running: 2)]),
            ECSScript.throttled(), ECSScript.taskList(),
        ]
        try await FakeMessagesServer.with(replies) { server in
            let observation = try await watcher(server.baseURL).wait(for: watch)
            #expect(observation.deployment?.runningCount == 2)
            #expect(await ECSScript.operations(server) == ["DescribeServices", "DescribeServices", "DescribeServices", "ListTasks", "ListTasks"])
        }
    }
}

/// A clock whose sleeps last until the task is cancelled, and which says when one has begun.
final class CancelGateClock: Clock, Sendable {
    struct Instant: InstantProtocol {
        var offset: Duration
        func advanced(by duration: Duration) -> Instant { Instant(offset: offset + duration) }
        func duration(to other: Instant) -> Duration { other.offset - offset }
        static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.offset < rhs.offset }
    }

    private let sleeping = Mutex(false)
    var now: Instant { Instant(offset: .zero) }
    var minimumResolution: Duration { .zero }

    func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        sleeping.withLock { $0 = true }
        while true {
            try Task.checkCancellation()
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    /// Returns once a sleep has begun, or `finished` says the sleeper ended without one.
    func waitUntilSleeping(or finished: Flag) async {
        while !sleeping.withLock({ $0 }) && !finished.isSet { try? await Task.sleep(for: .milliseconds(5)) }
    }
}

final class Flag: Sendable {
    private let value = Mutex(false)
    var isSet: Bool { value.withLock { $0 } }
    func set() { value.withLock { $0 = true } }
}
