import AWS
import Foundation

/// Follows one ECS deployment until it is live, has failed, or the wait runs out, reporting what
/// ECS is doing on the way. Success is only the deployment itself COMPLETED with as many tasks
/// running as desired; a rollback, a FAILED rollout, or another deployment taking its place is a
/// failure that says so, with the failure events and what each stopped task left behind (its
/// stopped reason, each container's exit code and reason, the last lines of its log stream).
public struct ECSDeploymentWatcher: Sendable {
    public var ecs: ECSClient
    /// Reads stopped tasks' last log lines; nil leaves them out.
    public var logs: CloudWatchLogsClient?
    /// Polling pauses and the bound are measured on this clock.
    public var clock: any Clock<Duration>
    public var pollInterval: Duration
    /// How long the wait may last in all.
    public var timeout: Duration
    /// How many log lines of each stopped task are shown.
    public var logLines: Int

    public init(
        ecs: ECSClient, logs: CloudWatchLogsClient?, clock: any Clock<Duration> = ContinuousClock(), pollInterval: Duration = .seconds(5),
        timeout: Duration = .seconds(600), logLines: Int = 10
    ) {
        self.ecs = ecs
        self.logs = logs
        self.clock = clock
        self.pollInterval = pollInterval
        self.timeout = timeout
        self.logLines = logLines
    }

    /// Which deployment to follow, and where its tasks log.
    public struct Watch: Sendable, Equatable {
        public var cluster: String
        public var service: String
        /// The id ECS gave the new deployment (`ecs-svc/...`), from CreateService or UpdateService.
        public var deploymentId: String
        /// The awslogs group and stream prefix of the task definition: streams are `prefix/container/task-id`.
        public var logGroup: String?
        public var logStreamPrefix: String?
        /// Events older than this are not this deployment's.
        public var since: Date

        public init(cluster: String, service: String, deploymentId: String, logGroup: String? = nil, logStreamPrefix: String? = nil, since: Date) {
            self.cluster = cluster
            self.service = service
            self.deploymentId = deploymentId
            self.logGroup = logGroup
            self.logStreamPrefix = logStreamPrefix
            self.since = since
        }
    }

    /// A task of the deployment that stopped, and what it left behind.
    public struct StoppedTask: Sendable, Equatable {
        public var id: String
        public var stoppedReason: String?
        public var containers: [ECSClient.Container]
        public var lastLogLines: [String]

        /// `task 1a2b: Essential container in task exited; app exited 1 (...)` and the log lines.
        public var lines: [String] {
            var head = "task \(id.prefix(12)) stopped: \(stoppedReason ?? "no reason given")"
            let containerText = containers.map { container in
                "\(container.name) exited \(container.exitCode.map(String.init) ?? "without a code")" + (container.reason.map { " (\($0))" } ?? "")
            }
            if !containerText.isEmpty { head += "; " + containerText.joined(separator: "; ") }
            return [head] + lastLogLines.map { "  | \($0)" }
        }
    }

    /// What the wait saw, for the record.
    public struct Observation: Sendable, Equatable {
        public var deployment: ECSClient.Deployment?
        public var failureEvents: [String] = []
        public var stoppedTasks: [StoppedTask] = []

        /// The rollout in one line: `IN_PROGRESS: 1/2 running, 1 pending, 0 failed`.
        public var summary: String {
            guard let deployment else { return "the deployment was not seen yet" }
            return "\(deployment.rolloutState ?? deployment.status): \(deployment.runningCount)/\(deployment.desiredCount) running, \(deployment.pendingCount) pending, \(deployment.failedTasks) failed"
        }

        /// The failure events and stopped tasks, for an error message.
        public var details: [String] {
            failureEvents.map { "event: \($0)" } + stoppedTasks.flatMap(\.lines)
        }
    }

    /// Words in a service event that mean something went wrong (as AWS Copilot reads them).
    static let failureWords = ["fail", "unhealthy", "error", "throttle", "unable", "missing"]

    static func isFailureEvent(_ message: String) -> Bool {
        let lowered = message.lowercased()
        return failureWords.contains { lowered.contains($0) }
    }

    /// Waits until the deployment is COMPLETED with running = desired; throws a `DeployError` saying
    /// what ECS did otherwise (`.unhealthy`), that the bound passed (`.timeout`) or that the wait was
    /// cancelled (`.cancelled`), each with the rollout's last state.
    @discardableResult
    public func wait(for watch: Watch, report: @Sendable (String, Double?) -> Void = { _, _ in }) async throws -> Observation {
        var observation = Observation()
        var seenEvents = Set<String>()
        var seenTasks = Set<String>()
        var lastSummary = ""
        let elapsed = Self.stopwatch(clock)
        while true {
            do {
                try Task.checkCancellation()
                guard let service = try await ecs.service(cluster: watch.cluster, name: watch.service) else {
                    throw DeployError(.unhealthy, "the ECS service \(watch.service) in cluster \(watch.cluster) no longer exists")
                }
                for event in service.events.reversed() where event.createdAt >= watch.since && !seenEvents.contains(event.id + event.message) {
                    seenEvents.insert(event.id + event.message)
                    guard Self.isFailureEvent(event.message) else { continue }
                    observation.failureEvents.append(event.message)
                    report("ECS: \(event.message)", nil)
                }
                let ours = service.deployments.first { $0.id == watch.deploymentId }
                if let ours { observation.deployment = ours }
                try await collectStoppedTasks(watch, into: &observation, seen: &seenTasks, report: report)

                guard let ours else {
                    let primary = service.primaryDeployment
                    throw failure(
                        "ECS no longer has deployment \(watch.deploymentId)" + (primary.map { "; the service now runs \(Self.revision($0.taskDefinition)) (\($0.id))" } ?? ""),
                        observation)
                }
                if ours.rolloutState == "FAILED" {
                    let rolledBack = service.primaryDeployment.flatMap { $0.id == ours.id ? nil : $0 }
                    var message = "ECS marked the deployment FAILED" + (ours.rolloutStateReason.map { ": \($0)" } ?? "")
                    if let rolledBack { message += "; the circuit breaker rolled the service back to \(Self.revision(rolledBack.taskDefinition))" }
                    throw failure(message, observation)
                }
                if ours.status != "PRIMARY", let primary = service.primaryDeployment {
                    throw failure(
                        "the primary deployment is no longer ours: ECS is rolling \(Self.revision(primary.taskDefinition)) (\(primary.id)) instead"
                            + (primary.taskDefinition == ours.taskDefinition ? "" : ", a rollback"),
                        observation)
                }
                if ours.rolloutState == "COMPLETED" && ours.runningCount == ours.desiredCount && ours.status == "PRIMARY" {
                    report("\(observation.summary)", 1)
                    return observation
                }
                if observation.summary != lastSummary {
                    lastSummary = observation.summary
                    let fraction = ours.desiredCount > 0 ? min(0.95, Double(ours.runningCount) / Double(ours.desiredCount)) : nil
                    report(lastSummary, fraction)
                }
                if elapsed() >= timeout {
                    throw DeployError(
                        .timeout,
                        (["ECS did not finish deployment \(watch.deploymentId) within \(Self.text(timeout)) (\(observation.summary)); ECS keeps trying, and its circuit breaker rolls back if tasks keep failing: `deployotron status` shows where it stands"]
                            + observation.details).joined(separator: "\n"))
                }
                try await clock.sleep(for: pollInterval, tolerance: nil)
            } catch let error as DeployError {
                throw error
            } catch is CancellationError {
                throw DeployError(.cancelled, "the deploy was cancelled while waiting for ECS; ECS was at \(observation.summary) and goes on with the rollout unless it is rolled back")
            } catch let error as AWSError {
                if Task.isCancelled {
                    throw DeployError(.cancelled, "the deploy was cancelled while waiting for ECS; ECS was at \(observation.summary)")
                }
                throw DeployError(.aws, "waiting for the ECS deployment failed: \(error)")
            }
        }
    }

    func failure(_ message: String, _ observation: Observation) -> DeployError {
        DeployError(.unhealthy, ([message + " (\(observation.summary))"] + observation.details).joined(separator: "\n"))
    }

    /// Reads the tasks of the deployment that stopped since the last look.
    func collectStoppedTasks(_ watch: Watch, into observation: inout Observation, seen: inout Set<String>, report: @Sendable (String, Double?) -> Void) async throws {
        let arns = try await ecs.listTasks(cluster: watch.cluster, startedBy: watch.deploymentId, desiredStatus: "STOPPED").filter { !seen.contains($0) }
        guard !arns.isEmpty else { return }
        for task in try await ecs.describeTasks(cluster: watch.cluster, tasks: arns) where task.lastStatus == "STOPPED" {
            seen.insert(task.arn)
            var stopped = StoppedTask(id: task.id, stoppedReason: task.stoppedReason, containers: task.containers, lastLogLines: [])
            if let logs, let group = watch.logGroup, let prefix = watch.logStreamPrefix {
                for container in task.containers {
                    let stream = "\(prefix)/\(container.name)/\(task.id)"
                    if let events = try? await logs.logEvents(group: group, stream: stream, limit: 10_000) {
                        stopped.lastLogLines += events.suffix(logLines).map(\.message)
                    }
                }
            }
            observation.stoppedTasks.append(stopped)
            for line in stopped.lines { report(line, nil) }
        }
    }

    /// Time passed on `clock` since this call.
    static func stopwatch(_ clock: any Clock<Duration>) -> () -> Duration {
        let start = clock.now
        return { between(start, clock.now) }
    }

    private static func between<I: InstantProtocol<Duration>>(_ start: I, _ end: any InstantProtocol<Duration>) -> Duration {
        (end as? I).map { start.duration(to: $0) } ?? .zero
    }

    /// `web:7` from a task definition ARN.
    static func revision(_ taskDefinition: String) -> String {
        taskDefinition.split(separator: "/").last.map(String.init) ?? taskDefinition
    }

    static func text(_ duration: Duration) -> String {
        let seconds = duration.components.seconds
        return seconds % 60 == 0 && seconds >= 60 ? "\(seconds / 60) min" : "\(seconds) s"
    }
}
