import AWS
import Foundation
import JSON
import Testing
@testable import Ledger

/// The DynamoDB ledger over its wire protocol, against moto_server with signature checks on.
@Suite(.enabled(if: DynamoDBMoto.isAvailable, "needs moto_server: run scripts/test.sh"))
struct DynamoDBLedgerTests {
    static let t0 = Date(timeIntervalSince1970: 1_763_800_000)

    // MARK: - Resources and events

    @Test func eventsAreNumberedAndResourcesMergeKeepingCreatedAt() async throws {
        let ledger = try await DynamoDBMoto.ledger()
        try await ledger.registerProject(guid: "g1", userId: "alice", name: "Shop", at: Self.t0)
        let ack = try await ledger.record(NotifyEvent(guid: "g1", kind: .ack, message: "starting"), at: Self.t0)
        let first = try await ledger.record(NotifyEvent(guid: "g1", kind: .resources, data: ["s3Bucket": "b1", "region": "us-east-1"]), at: Self.t0.addingTimeInterval(10))
        let second = try await ledger.record(NotifyEvent(guid: "g1", kind: .resources, data: ["s3Bucket": "b2", "cloudFrontId": "E1"]), at: Self.t0.addingTimeInterval(20))
        #expect([ack.sequence, first.sequence, second.sequence] == [1, 2, 3])

        let record = try #require(try await ledger.resources(guid: "g1"))
        #expect(record.userId == "alice")
        #expect(record.projectName == "Shop")
        #expect(record.awsResources == ["s3Bucket": "b2", "region": "us-east-1", "cloudFrontId": "E1"])
        #expect(record.createdAt == Self.t0.addingTimeInterval(10))
        #expect(record.updatedAt == Self.t0.addingTimeInterval(20))

        let events = try await ledger.events(guid: "g1", after: nil, limit: nil)
        #expect(events.map(\.kind) == [.ack, .resources, .resources])
        #expect(events[0].message == "starting")
        #expect(events[2].data == ["s3Bucket": "b2", "cloudFrontId": "E1"])
        #expect(events[2].receivedAt == Self.t0.addingTimeInterval(20))
        #expect(try await ledger.events(guid: "g1", after: 1, limit: 1).map(\.sequence) == [2])
        #expect(try await ledger.events(guid: "nobody", after: nil, limit: nil).isEmpty)
    }

    @Test func anUnregisteredGuidIsRecordedUnderUnknown() async throws {
        let ledger = try await DynamoDBMoto.ledger()
        try await ledger.record(NotifyEvent(guid: "stray", kind: .resources, data: ["ecrRepo": "r"]), at: Self.t0)
        let record = try #require(try await ledger.resources(guid: "stray"))
        #expect(record.userId == ProjectRecord.unknownUser)
        #expect(record.projectName == ProjectRecord.unnamedProject)
        #expect(try await ledger.resources(userId: ProjectRecord.unknownUser).map(\.projectId) == ["stray"])
        #expect(try await ledger.project(guid: "stray")?.userId == ProjectRecord.unknownUser)
        #expect(try await ledger.resources(guid: "never-seen") == nil)
    }

    @Test func concurrentMergesLoseNoKeyAndNumbersStayUnique() async throws {
        let ledger = try await DynamoDBMoto.ledger()
        try await ledger.registerProject(guid: "busy", userId: "bob", name: "Busy", at: Self.t0)
        let sequences = try await withThrowingTaskGroup(of: Int64.self) { group in
            for index in 0..<16 {
                group.addTask {
                    try await ledger.record(NotifyEvent(guid: "busy", kind: .resources, data: ["key\(index)": .number(Double(index))]), at: Self.t0).sequence
                }
            }
            return try await group.reduce(into: [Int64]()) { $0.append($1) }
        }
        #expect(sequences.sorted() == Array(1...16))
        let record = try #require(try await ledger.resources(guid: "busy"))
        #expect(record.awsResources.count == 16)
        #expect(record.awsResources["key7"] == 7)
    }

    @Test func batchesFromTwoLedgersKeepEveryEventAtTheNumberItWasGiven() async throws {
        let first = try await DynamoDBMoto.ledger()
        // A second ledger on the same tables, as a second server process would be.
        let second = DynamoDBLedger(table: first.tables.resources, client: first.client)
        let guids = ["a", "b", "c"]
        let acknowledged = try await withThrowingTaskGroup(of: (String, Int64, String).self) { group in
            for (which, ledger) in [first, second].enumerated() {
                for index in 0..<30 {
                    group.addTask {
                        let guid = guids[index % guids.count]
                        let label = "l\(which)-\(index)"
                        let event = index.isMultiple(of: 2)
                            ? NotifyEvent(guid: guid, kind: .status, message: label)
                            : NotifyEvent(guid: guid, kind: .resources, data: [label: .string(label)])
                        return (guid, try await ledger.record(event, at: Self.t0).sequence, label)
                    }
                }
            }
            return try await group.reduce(into: [(String, Int64, String)]()) { $0.append($1) }
        }
        #expect(acknowledged.count == 60)
        for guid in guids {
            let events = try await first.events(guid: guid, after: nil, limit: nil)
            #expect(events.map(\.sequence) == Array(1...Int64(events.count)), "numbers of \(guid)")
            // Each acknowledged number holds the event that was acknowledged with it.
            for (_, sequence, label) in acknowledged.filter({ $0.0 == guid }) {
                let stored = events.first { $0.sequence == sequence }
                #expect(stored?.message == label || stored?.data?[label] == .string(label), "\(guid) #\(sequence)")
            }
            let keys = try #require(try await first.resources(guid: guid)).awsResources.keys
            #expect(Set(keys) == Set(acknowledged.filter { $0.0 == guid }.map(\.2).filter { label in
                Int(label.split(separator: "-")[1])!.isMultiple(of: 2) == false
            }))
        }
    }

    @Test func anEventDynamoDBCannotHoldFailsAloneInItsBatch() async throws {
        let ledger = try await DynamoDBMoto.ledger()
        let huge = String(repeating: "x", count: 420_000)
        let outcomes = await withTaskGroup(of: (Bool, Result<Int64, any Error>).self) { group in
            for index in 0..<12 {
                group.addTask {
                    let tooLarge = index == 5
                    let event = NotifyEvent(guid: "mixed", kind: .status, message: tooLarge ? huge : "step \(index)")
                    do { return (tooLarge, .success(try await ledger.record(event, at: Self.t0).sequence)) } catch { return (tooLarge, .failure(error)) }
                }
            }
            return await group.reduce(into: [(Bool, Result<Int64, any Error>)]()) { $0.append($1) }
        }
        for (tooLarge, outcome) in outcomes {
            switch outcome {
            case .success: #expect(!tooLarge)
            case .failure(let error):
                #expect(tooLarge)
                #expect((error as? LedgerError)?.code == .invalidInput)
                #expect((error as? LedgerError)?.message.contains("400 KB") == true)
            }
        }
        #expect(try await ledger.events(guid: "mixed", after: nil, limit: nil).count == 11)
    }

    @Test func aReportNamingHundredsOfResourcesKeepsThemAll() async throws {
        let ledger = try await DynamoDBMoto.ledger()
        let many = Dictionary(uniqueKeysWithValues: (0..<230).map { ("resource-with-a-longish-name-\($0)", JSONValue.string("arn:aws:s3:::bucket-\($0)")) })
        try await ledger.record(NotifyEvent(guid: "wide", kind: .resources, data: many), at: Self.t0)
        try await ledger.record(NotifyEvent(guid: "wide", kind: .resources, data: ["late": "x"]), at: Self.t0.addingTimeInterval(1))
        let record = try #require(try await ledger.resources(guid: "wide"))
        #expect(record.awsResources.count == 231)
        #expect(record.awsResources["resource-with-a-longish-name-229"] == "arn:aws:s3:::bucket-229")
        #expect(record.updatedAt == Self.t0.addingTimeInterval(1))
    }

    @Test func mergesStayUnderDynamoDBsExpressionLimit() {
        // DynamoDB refuses update expressions over 4 KB; moto does not check, so this is checked here.
        let many = Dictionary(uniqueKeysWithValues: (0..<230).map { ("r\($0)", JSONValue.number(Double($0))) })
        let chunks = DynamoDBLedger.mergeChunks(many)
        #expect(chunks.count == 5)
        #expect(chunks.reduce(into: [String: JSONValue]()) { $0.merge($1) { a, _ in a } } == many)
        #expect(chunks.allSatisfy { DynamoDBLedger.mergeExpression(keyCount: $0.count).utf8.count < 4096 })
        #expect(DynamoDBLedger.mergeExpression(keyCount: many.count).utf8.count > 4096, "230 keys in one expression would be refused")
        #expect(DynamoDBLedger.mergeChunks([:]) == [[:]])
    }

    @Test func dataNestedDeeperThanDynamoDBAllowsIsRefusedBeforeAnyCall() throws {
        var deep: JSONValue = "bottom"
        for _ in 0..<40 { deep = ["next": deep] }
        let error = try #require(throws: LedgerError.self) {
            try DynamoDBLedger.validate(NotifyEvent(guid: "g", kind: .resources, data: ["deep": deep]))
        }
        #expect(error.code == .invalidInput)
        #expect(error.message.contains("32 levels"))
        try DynamoDBLedger.validate(NotifyEvent(guid: "g", kind: .resources, data: ["shallow": ["a": ["b": 1]]]))
    }

    @Test func aUsersProjectsComeFromEveryPage() async throws {
        let ledger = try await DynamoDBMoto.ledger(pageSize: 2)
        for index in 0..<5 {
            try await ledger.registerProject(guid: "p\(index)", userId: "carol", name: "Project \(index)", at: Self.t0)
            try await ledger.record(NotifyEvent(guid: "p\(index)", kind: .resources, data: ["n": .number(Double(index))]), at: Self.t0.addingTimeInterval(Double(index)))
        }
        try await ledger.registerProject(guid: "other", userId: "dave", name: "Other", at: Self.t0)
        try await ledger.record(NotifyEvent(guid: "other", kind: .resources, data: ["n": 9]), at: Self.t0)
        let records = try await ledger.resources(userId: "carol")
        #expect(records.map(\.projectId) == ["p0", "p1", "p2", "p3", "p4"])
        #expect(records.map(\.projectName) == (0..<5).map { "Project \($0)" })
        #expect(try await ledger.events(guid: "p0", after: nil, limit: nil).count == 1)
    }

    @Test func registeringAgainMovesTheResourcesToTheNewOwner() async throws {
        let ledger = try await DynamoDBMoto.ledger()
        try await ledger.registerProject(guid: "moving", userId: "erin", name: "Old", at: Self.t0)
        try await ledger.record(NotifyEvent(guid: "moving", kind: .resources, data: ["s3Bucket": "b"]), at: Self.t0)
        let project = try await ledger.registerProject(guid: "moving", userId: "frank", name: "New", at: Self.t0.addingTimeInterval(60))
        #expect(project.createdAt == Self.t0)
        #expect(project.updatedAt == Self.t0.addingTimeInterval(60))
        let record = try #require(try await ledger.resources(guid: "moving"))
        #expect(record.userId == "frank")
        #expect(record.projectName == "New")
        #expect(record.awsResources == ["s3Bucket": "b"])
        #expect(try await ledger.resources(userId: "erin").isEmpty)
        let stored = try #require(try await ledger.project(guid: "moving"))
        #expect(stored == ProjectRecord(guid: "moving", userId: "frank", name: "New", createdAt: Self.t0, updatedAt: Self.t0.addingTimeInterval(60)))
    }

    @Test func whatDynamoDBCannotHoldIsTheCallersMistake() async throws {
        let ledger = try await DynamoDBMoto.ledger()
        let noGuid = try await #require(throws: LedgerError.self) { try await ledger.record(NotifyEvent(guid: "", kind: .status, message: "x"), at: Self.t0) }
        #expect(noGuid.code == .invalidInput)
        let emptyKey = try await #require(throws: LedgerError.self) {
            try await ledger.record(NotifyEvent(guid: "g", kind: .resources, data: ["": "x"]), at: Self.t0)
        }
        #expect(emptyKey.code == .invalidInput)
        let huge = String(repeating: "x", count: 500_000)
        let tooLarge = try await #require(throws: LedgerError.self) {
            try await ledger.record(NotifyEvent(guid: "g", kind: .resources, data: ["blob": .string(huge)]), at: Self.t0)
        }
        #expect(tooLarge.code == .invalidInput)
        #expect(!tooLarge.description.contains(huge.prefix(100)))
    }

    // MARK: - Deployments

    static func deployment(_ id: String, project: String, at offset: TimeInterval, status: DeploymentStatus = .running) -> DeploymentRecord {
        DeploymentRecord(
            id: id, projectId: project, name: "app", target: .local, status: status, imageTag: "app:deploy_\(id)", commit: "abc123",
            port: 8000, url: "http://127.0.0.1:8000", startedAt: t0.addingTimeInterval(offset), finishedAt: t0.addingTimeInterval(offset + 5),
            error: nil, logExcerpt: "built\nran", rollbackOf: nil, ownerPID: 4242)
    }

    @Test func deploymentsAreSavedReplacedAndListedNewestFirst() async throws {
        let ledger = try await DynamoDBMoto.ledger(pageSize: 2)
        let a1 = Self.deployment("a1", project: "/src/a", at: 0)
        var a2 = Self.deployment("a2", project: "/src/a", at: 100, status: .inProgress)
        let b1 = Self.deployment("b1", project: "/src/b", at: 50)
        for record in [a1, a2, b1] { try await ledger.save(record) }
        #expect(try await ledger.deployment(id: "a1") == a1)
        #expect(try await ledger.deployment(id: "missing") == nil)

        a2.status = .failed
        a2.error = "exit 1"
        a2.finishedAt = nil
        a2.port = nil
        try await ledger.save(a2)
        #expect(try await ledger.deployment(id: "a2") == a2)

        #expect(try await ledger.deployments(projectId: "/src/a", limit: nil).map(\.id) == ["a2", "a1"])
        #expect(try await ledger.deployments(projectId: "/src/a", limit: 1).map(\.id) == ["a2"])
        #expect(try await ledger.allDeployments(limit: nil).map(\.id) == ["a2", "b1", "a1"])
        #expect(try await ledger.allDeployments(limit: 2).map(\.id) == ["a2", "b1"])
    }

    @Test func concurrentPortAllocationsNeverShareAPort() async throws {
        let ledger = try await DynamoDBMoto.ledger()
        let ports = try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<6 {
                group.addTask {
                    try await ledger.allocatePort(in: 9000...9010, deploymentId: "d\(index)", projectId: "p", at: Self.t0) { $0 != 9001 }.port
                }
            }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(Set(ports).count == 6)
        #expect(!ports.contains(9001))
        #expect(ports.allSatisfy { (9000...9010).contains($0) })

        let again = try await ledger.allocatePort(in: 9000...9010, deploymentId: "d0", projectId: "p", at: Self.t0) { _ in true }
        #expect(again.port == ports[0] || ports.contains(again.port))
        #expect(try await ledger.portAllocations().count == 6)

        try await ledger.releasePort(deploymentId: "d0")
        #expect(try await ledger.portAllocations().map(\.deploymentId).contains("d0") == false)
    }

    @Test func anExhaustedRangeSaysSo() async throws {
        let ledger = try await DynamoDBMoto.ledger()
        let first = try await ledger.allocatePort(in: 9100...9101, deploymentId: "x", projectId: "p", at: Self.t0) { _ in true }
        #expect(first == PortAllocation(port: 9100, deploymentId: "x", projectId: "p", allocatedAt: Self.t0))
        _ = try await ledger.allocatePort(in: 9100...9101, deploymentId: "y", projectId: "p", at: Self.t0) { _ in true }
        let error = try await #require(throws: LedgerError.self) {
            try await ledger.allocatePort(in: 9100...9101, deploymentId: "z", projectId: "p", at: Self.t0) { _ in true }
        }
        #expect(error.code == .noFreePort)
    }

    @Test func deployLocksHaveOneHolder() async throws {
        let ledger = try await DynamoDBMoto.ledger()
        let mine = DeployLock(projectId: "p", deploymentId: "d1", holder: "pid 1 on host a", since: Self.t0)
        let theirs = DeployLock(projectId: "p", deploymentId: "d2", holder: "pid 2 on host b", since: Self.t0.addingTimeInterval(1))
        #expect(try await ledger.acquireDeployLock(mine) == nil)
        #expect(try await ledger.acquireDeployLock(theirs) == mine)
        #expect(try await ledger.acquireDeployLock(mine) == nil)
        try await ledger.releaseDeployLock(projectId: "p", deploymentId: "d2")
        #expect(try await ledger.acquireDeployLock(theirs) == mine)
        try await ledger.releaseDeployLock(projectId: "p", deploymentId: "d1")
        #expect(try await ledger.acquireDeployLock(theirs) == nil)
    }

    // MARK: - Tables

    @Test func aStoreURLInitializesAndOpensTheLedger() async throws {
        let table = "url-\(UUID().uuidString.prefix(8).lowercased())"
        let location = try LedgerLocation(parsing: "dynamodb:\(table)?region=us-east-1")
        try await location.initialize(environment: DynamoDBMoto.awsEnvironment)
        try await location.initialize(environment: DynamoDBMoto.awsEnvironment)
        let store = try await location.open(environment: DynamoDBMoto.awsEnvironment)
        try await store.registerProject(guid: "u1", userId: "judy", name: "Via URL", at: Self.t0)
        try await store.record(NotifyEvent(guid: "u1", kind: .resources, data: ["s3Bucket": "b"]), at: Self.t0)
        #expect(try await store.resources(userId: "judy").map(\.awsResources) == [["s3Bucket": "b"]])
    }

    @Test func createTablesIsIdempotent() async throws {
        let ledger = try await DynamoDBMoto.ledger()
        #expect(try await ledger.createTables().isEmpty)
        for name in ledger.tables.all {
            #expect(try await ledger.client.describeTable(name)?.status == "ACTIVE")
        }
    }

    @Test func missingTablesPointAtStoreInit() async throws {
        let ledger = try DynamoDBLedger(table: "never-created-\(UUID().uuidString.prefix(6))", region: "us-east-1", environment: DynamoDBMoto.awsEnvironment)
        let error = try await #require(throws: LedgerError.self) { try await ledger.resources(guid: "g") }
        #expect(error.code == .unavailable)
        #expect(error.description.contains("deployotron store init"))
    }
}
