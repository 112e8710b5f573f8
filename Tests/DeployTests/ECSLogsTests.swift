import AWS
import Foundation
import JSON
import Ledger
import Synchronization
import TestSupport
import Testing
@testable import Deploy

/// A clock whose first `instant` sleeps return at once and whose later ones last until the task is
/// cancelled: a follow loop polls a scripted number of times, then waits for Ctrl-C.
final class ParkingClock: Clock, Sendable {
    typealias Instant = InstantClock.Instant
    private let remaining: Mutex<Int>
    private let parked = Mutex(false)

    init(instant: Int) { remaining = Mutex(instant) }

    var now: Instant { Instant(offset: .zero) }
    var minimumResolution: Duration { .zero }
    /// Whether a sleep is waiting for cancellation.
    var isParked: Bool { parked.withLock { $0 } }

    func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        try Task.checkCancellation()
        let instant = remaining.withLock { left -> Bool in
            defer { left -= 1 }
            return left > 0
        }
        if instant { return await Task.yield() }
        parked.withLock { $0 = true }
        defer { parked.withLock { $0 = false } }
        try await Task.sleep(for: .seconds(86_400))
    }
}

/// Following an ECS deployment's CloudWatch logs against a scripted endpoint: FilterLogEvents paged
/// by nextToken, then polled from the newest event's time, each event shown once.
@Suite struct ECSLogsFollowTests {
    static let guid = "g-1"
    let record = DeploymentRecord(
        id: "5e1f0c2a-aaaa-bbbb-cccc-000000000001", projectId: ECSLogsFollowTests.guid, name: "shop", target: .ecs, status: .running,
        imageTag: "shop-g-1:deploy_5e1f0c2a", startedAt: Date(timeIntervalSince1970: 1_764_000_000),
        taskDefinition: "arn:aws:ecs:us-east-1:123456789012:task-definition/shop-g1:4")

    static func page(_ events: [(id: String, millis: Double, message: String)], next: String? = nil) -> FakeResponse {
        var answer: [String: JSONValue] = [
            "events": .array(events.map { ["eventId": .string($0.id), "timestamp": .number($0.millis), "message": .string($0.message), "logStreamName": "app/app/t1"] }),
            "searchedLogStreams": [],
        ]
        if let next { answer["nextToken"] = .string(next) }
        return ECSScript.json(.object(answer))
    }

    @Test func followPagesThenPollsFromTheNewestEventShowingEachOnce() async throws {
        let since = Date(timeIntervalSince1970: 1_764_000_100)
        let replies = [
            // The backlog since --since, in two pages.
            Self.page([("e1", 1_764_000_100_000, "boot"), ("e2", 1_764_000_101_000, "GET / 200")], next: "n1"),
            Self.page([("e3", 1_764_000_102_000, "ERROR login failed password=hunter2")]),
            // First poll: e3 again (same millisecond, already shown), e4 of that millisecond, then a page with e5.
            Self.page([("e3", 1_764_000_102_000, "ERROR login failed password=hunter2"), ("e4", 1_764_000_102_000, "same millisecond")], next: "n2"),
            Self.page([("e5", 1_764_000_103_000, "GET /b 200"), ("e6", 1_764_000_103_000, "DEBUG cache warm")]),
            // Second poll: nothing new.
            Self.page([("e5", 1_764_000_103_000, "GET /b 200")]),
        ]
        try await FakeMessagesServer.with(replies) { server in
            let clock = ParkingClock(instant: 2)
            let target = ECSTarget(
                settings: ECSSettings(pollInterval: .seconds(5)), docker: DockerCLI(executable: "/nonexistent/docker"),
                workRoot: URL(fileURLWithPath: "/nonexistent/ecs"),
                environment: [
                    "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                    "AWS_REGION": "us-east-1", "AWS_ENDPOINT_URL": server.baseURL + "/aws", "HOME": "/nonexistent",
                ],
                clock: clock)
            let ledger = try SQLiteLedger.inMemory()
            try await ledger.save(record)
            let service = DeployService(store: ledger, target: target, projects: { _ in DeployProject(guid: Self.guid, name: "shop") }, git: nil)
            let lines = Mutex<[String]>([])
            let input = LogsInput(deploymentId: String(record.id.prefix(8)), since: "2025-11-24T16:01:40Z", filter: "-DEBUG")
            #expect(try service.logQuery(input).since == since)
            let follow = Task { try await service.followLogs(input) { line in lines.withLock { $0.append(line) } } }
            // Wait until the loop has polled twice and sleeps again (not a timing assertion: it bounds a hang).
            for _ in 0..<400 where !(clock.isParked && lines.withLock { $0.count } >= 5) { try await Task.sleep(for: .milliseconds(25)) }
            follow.cancel()
            await #expect(throws: CancellationError.self) { try await follow.value }

            #expect(lines.withLock { $0 } == ["boot", "GET / 200", "ERROR login failed password=[REDACTED]", "same millisecond", "GET /b 200"])
            let requests = await server.requests()
            #expect(await ECSScript.operations(server) == Array(repeating: "FilterLogEvents", count: 5))
            let bodies = requests.compactMap(\.body)
            #expect(bodies.allSatisfy { $0["logGroupName"]?.stringValue == "/deployotron/shop-g-1" && $0["filterPattern"]?.stringValue == "-DEBUG" })
            #expect(bodies.map { $0["startTime"]?.doubleValue } == [1_764_000_100_000, 1_764_000_100_000, 1_764_000_102_000, 1_764_000_102_000, 1_764_000_103_000])
            #expect(bodies.map { $0["nextToken"]?.stringValue } == [nil, "n1", nil, "n2", nil])
            #expect(requests.allSatisfy { $0.header("authorization")?.hasPrefix("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/") == true })
        }
    }

    @Test func followingADeploymentThatIsNotLiveSaysWhatToDoInstead() async throws {
        let ledger = try SQLiteLedger.inMemory()
        var old = record
        old.status = .rolledBack
        try await ledger.save(old)
        let target = ECSTarget(docker: DockerCLI(executable: "/nonexistent/docker"), workRoot: URL(fileURLWithPath: "/nonexistent/ecs"), environment: [:])
        let service = DeployService(store: ledger, target: target, projects: { _ in DeployProject(guid: Self.guid, name: "shop") }, git: nil)
        let error = try await #require(throws: DeployError.self) { try await service.followLogs(LogsInput(deploymentId: record.id)) { _ in } }
        #expect(error.message == "deployment 5e1f0c2a is rolled_back and not the project's current one, so there is nothing to follow; `deployotron logs 5e1f0c2a` shows what was kept")
    }
}

/// Reading an ECS deployment's CloudWatch logs on moto (signatures checked): since, filter, tail,
/// secrets masked; and the ledger's revision and digest shown by `deployments --json`.
@Suite(.enabled(if: MotoServer.isAvailable, "needs moto_server: source scripts/moto.sh; moto_start"))
struct ECSLogsMotoTests {
    let base: ECSTargetMotoTests

    init() throws {
        base = try ECSTargetMotoTests()
    }

    @Test func logsSinceAndFilteredComeFromCloudWatchWithSecretsMasked() async throws {
        let (service, target) = try await base.service()
        let outcome = try await service.deploy(DeployLocalInput(path: try base.app().path), to: .ecs)
        let record = try #require(try await base.ledger.deployment(id: outcome.deployment.id))
        let clients = try target.clients()
        let group = target.names(of: record).logGroup
        let start = Date().addingTimeInterval(-30).rounded()
        try await clients.logs.putLogEvents(group: group, stream: "app/app/task-a", messages: [
            (start, "listening on 3000"),
            (start.addingTimeInterval(10), "ERROR db timeout DATABASE_PASSWORD=s3cr3t-Value-9"),
        ])
        try await clients.logs.putLogEvents(group: group, stream: "app/app/task-b", messages: [
            (start.addingTimeInterval(20), "GET /health 200"),
            (start.addingTimeInterval(25), "ERROR db timeout again"),
        ])

        let all = try await service.logs(LogsInput(deploymentId: record.id, since: "10m"))
        #expect(all.source == "cloudwatch")
        #expect(all.lines == ["listening on 3000", "ERROR db timeout DATABASE_PASSWORD=[REDACTED]", "GET /health 200", "ERROR db timeout again"])

        let errors = try await service.logs(LogsInput(deploymentId: record.id, filter: "ERROR timeout"))
        #expect(errors.lines == ["ERROR db timeout DATABASE_PASSWORD=[REDACTED]", "ERROR db timeout again"])
        let last = try await service.logs(LogsInput(deploymentId: record.id, tail: 1, filter: "ERROR"))
        #expect(last.lines == ["ERROR db timeout again"])

        let later = start.addingTimeInterval(15).formatted(Date.ISO8601FormatStyle())
        let since = try await service.logs(LogsInput(deploymentId: record.id, since: later))
        #expect(since.lines == ["GET /health 200", "ERROR db timeout again"])
        let none = try await service.logs(LogsInput(deploymentId: record.id, since: later, filter: "nothing-like-this"))
        #expect(none.lines.isEmpty && none.source == "cloudwatch")

        let bad = try await #require(throws: DeployError.self) { try await service.logs(LogsInput(deploymentId: record.id, since: "last week")) }
        #expect(bad.code == .invalidInput)
    }

    @Test func theRecordKeepsTheRevisionAndDigestAndTheListShowsThem() async throws {
        let (service, target) = try await base.service()
        let outcome = try await service.deploy(DeployLocalInput(path: try base.app().path), to: .ecs)
        let record = try #require(try await base.ledger.deployment(id: outcome.deployment.id))
        let details = try #require(target.details(of: record))
        #expect(record.taskDefinition == details.taskDefinitionArn && record.taskDefinition != nil)
        #expect(record.imageDigest == "sha256:0123abcd")
        let list = try await service.list(ListDeploymentsInput(projectId: base.guid))
        let json = try JSONValue(parsing: try DeployJSON.string(list))
        let first = try #require(json["deployments"]?.arrayValue?.first)
        #expect(first["task_definition"]?.stringValue == details.taskDefinitionArn)
        #expect(first["image_digest"]?.stringValue == "sha256:0123abcd")
    }
}

extension Date {
    /// Whole seconds: CloudWatch keeps milliseconds, and a test compares what it wrote.
    func rounded() -> Date { Date(timeIntervalSince1970: timeIntervalSince1970.rounded(.down)) }
}
