import Foundation
import JSON
import Testing
@testable import Ledger

@Suite struct SQLiteLedgerResourceTests {
    let t0 = Date(timeIntervalSince1970: 1_700_000_000.25)
    let t1 = Date(timeIntervalSince1970: 1_700_000_100.5)

    @Test func resourcesEventsMergeKeysAndKeepCreatedAt() async throws {
        let dir = try TemporaryDirectory()
        let ledger = try SQLiteLedger(path: dir.path("ledger.sqlite"))
        try await ledger.registerProject(guid: "g1", userId: "alice", name: "shop", at: t0)
        try await ledger.record(NotifyEvent(guid: "g1", kind: .resources, data: ["s3Bucket": "tmux-builder-g1", "region": "us-east-1"]), at: t0)
        try await ledger.record(NotifyEvent(guid: "g1", kind: .resources, data: ["cloudFrontUrl": "https://d1.cloudfront.net", "region": "eu-west-1"]), at: t1)

        let record = try #require(try await ledger.resources(guid: "g1"))
        #expect(record.userId == "alice")
        #expect(record.projectName == "shop")
        #expect(record.awsResources == ["s3Bucket": "tmux-builder-g1", "cloudFrontUrl": "https://d1.cloudfront.net", "region": "eu-west-1"])
        #expect(record.createdAt == t0)
        #expect(record.updatedAt == t1)
    }

    @Test func theDatabaseAndItsJournalAreReadableByTheUserAlone() async throws {
        let dir = try TemporaryDirectory()
        let ledger = try SQLiteLedger(path: dir.path("ledger.sqlite"))
        try await ledger.record(NotifyEvent(guid: "g1", kind: .status, message: "building"), at: t0)
        for name in ["ledger.sqlite", "ledger.sqlite-wal"] {
            let mode = try FileManager.default.attributesOfItem(atPath: dir.path(name))[.posixPermissions] as? Int
            #expect(mode == 0o600, "\(name) has mode \(String(mode ?? 0, radix: 8))")
        }
    }

    @Test func anUnregisteredGuidIsRecordedUnderUnknownAndUnnamed() async throws {
        let dir = try TemporaryDirectory()
        let ledger = try SQLiteLedger(path: dir.path("ledger.sqlite"))
        try await ledger.record(NotifyEvent(guid: "stray", kind: .resources, data: ["s3Bucket": "b"]), at: t0)
        let record = try #require(try await ledger.resources(guid: "stray"))
        #expect(record.userId == ProjectRecord.unknownUser)
        #expect(record.projectName == ProjectRecord.unnamedProject)
        #expect(try await ledger.resources(userId: "unknown").map(\.projectId) == ["stray"])

        // Registering later ties the guid to its owner without losing what was reported.
        try await ledger.registerProject(guid: "stray", userId: "bob", name: "blog", at: t1)
        let after = try #require(try await ledger.resources(guid: "stray"))
        #expect(after.userId == "bob")
        #expect(after.projectName == "blog")
        #expect(after.awsResources == ["s3Bucket": "b"])
        #expect(try await ledger.resources(userId: "unknown").isEmpty)
    }

    @Test func registeringAgainKeepsCreatedAt() async throws {
        let ledger = try SQLiteLedger.inMemory()
        try await ledger.registerProject(guid: "g", userId: "a", name: "one", at: t0)
        let again = try await ledger.registerProject(guid: "g", userId: "b", name: "two", at: t1)
        #expect(again == ProjectRecord(guid: "g", userId: "b", name: "two", createdAt: t0, updatedAt: t1))
        #expect(try await ledger.project(guid: "g") == again)
        #expect(try await ledger.project(guid: "other") == nil)
    }

    @Test func aProjectWithoutResourcesHasNone() async throws {
        let ledger = try SQLiteLedger.inMemory()
        try await ledger.registerProject(guid: "g", userId: "a", name: "one", at: t0)
        try await ledger.record(NotifyEvent(guid: "g", kind: .status, message: "building"), at: t0)
        #expect(try await ledger.resources(guid: "g") == nil)
        #expect(try await ledger.resources(guid: "nobody") == nil)
        #expect(try await ledger.resources(userId: "a").isEmpty)
    }

    @Test func aUsersProjectsAreListedInFull() async throws {
        let ledger = try SQLiteLedger.inMemory()
        for index in 0..<150 {
            try await ledger.registerProject(guid: "p\(index)", userId: index.isMultiple(of: 3) ? "carol" : "dave", name: "n\(index)", at: t0)
            try await ledger.record(NotifyEvent(guid: "p\(index)", kind: .resources, data: ["index": .number(Double(index))]), at: t0)
        }
        let carol = try await ledger.resources(userId: "carol")
        #expect(carol.count == 50)
        #expect(Set(carol.map(\.projectId)) == Set(stride(from: 0, to: 150, by: 3).map { "p\($0)" }))
        #expect(carol.allSatisfy { $0.userId == "carol" })
    }

    @Test func eventsComeBackInOrderAndAfterASequence() async throws {
        let ledger = try SQLiteLedger.inMemory()
        let kinds: [EventKind] = [.ack, .status, .error, .done, .summary, .deployed]
        for (index, kind) in kinds.enumerated() {
            let stored = try await ledger.record(NotifyEvent(guid: "g", kind: kind, message: "m\(index) \"quoted\" ünïcode"), at: t0)
            #expect(stored.sequence == Int64(index + 1))
        }
        try await ledger.record(NotifyEvent(guid: "g", kind: .resources, data: ["nested": ["a": [1, 2, true, nil]]]), at: t1)
        try await ledger.record(NotifyEvent(guid: "other", kind: .ack, message: "x"), at: t0)

        let all = try await ledger.events(guid: "g", after: nil, limit: nil)
        #expect(all.map(\.kind) == kinds + [.resources])
        #expect(all.map(\.sequence) == Array(1...7))
        #expect(all[1].message == "m1 \"quoted\" ünïcode")
        #expect(all[6].data == ["nested": ["a": [1, 2, true, nil]]])
        #expect(all[6].receivedAt == t1)

        let later = try await ledger.events(guid: "g", after: 5, limit: nil)
        #expect(later.map(\.sequence) == [6, 7])
        let page = try await ledger.events(guid: "g", after: 1, limit: 2)
        #expect(page.map(\.sequence) == [2, 3])
        #expect(try await ledger.events(guid: "other", after: nil, limit: nil).count == 1)
    }

    @Test func concurrentRecordsAreAllKeptWithDistinctSequences() async throws {
        let dir = try TemporaryDirectory()
        let ledger = try SQLiteLedger(path: dir.path("ledger.sqlite"))
        let count = 600
        let sequences = try await withThrowingTaskGroup(of: Int64.self) { group in
            for index in 0..<count {
                group.addTask {
                    try await ledger.record(NotifyEvent(guid: "busy", kind: .resources, data: ["key\(index)": .number(Double(index))]), at: Date(timeIntervalSince1970: 1_700_000_000))
                        .sequence
                }
            }
            return try await group.reduce(into: [Int64]()) { $0.append($1) }
        }
        #expect(Set(sequences) == Set(1...Int64(count)))
        #expect(try await ledger.eventCount() == count)
        let record = try #require(try await ledger.resources(guid: "busy"))
        #expect(record.awsResources.count == count)
    }

    @Test func whatWasAcknowledgedSurvivesReopening() async throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("nested/folder/ledger.sqlite")
        do {
            let ledger = try SQLiteLedger(path: path)
            try await ledger.registerProject(guid: "g", userId: "erin", name: "api", at: t0)
            try await ledger.record(NotifyEvent(guid: "g", kind: .resources, data: ["ecsCluster": "c1"]), at: t1)
        }
        let reopened = try SQLiteLedger(path: path)
        #expect(try await reopened.resources(guid: "g")?.awsResources == ["ecsCluster": "c1"])
        #expect(try await reopened.events(guid: "g", after: nil, limit: nil).count == 1)
        let next = try await reopened.record(NotifyEvent(guid: "g", kind: .done, message: "ok"), at: t1)
        #expect(next.sequence == 2)
    }

    @Test func anEmptyGuidIsRefused() async throws {
        let ledger = try SQLiteLedger.inMemory()
        let error = await #expect(throws: LedgerError.self) {
            try await ledger.record(NotifyEvent(guid: "", kind: .ack, message: "x"), at: t0)
        }
        #expect(error?.code == .invalidInput)
    }

    @Test func anUnopenableFileGivesAClearError() throws {
        let dir = try TemporaryDirectory()
        let blocker = dir.path("file")
        _ = FileManager.default.createFile(atPath: blocker, contents: Data("x".utf8))
        let error = #expect(throws: LedgerError.self) {
            _ = try SQLiteLedger(path: blocker + "/ledger.sqlite")
        }
        #expect(error?.code == .unavailable)
        #expect(error?.description.contains(blocker) == true)
    }

    @Test func resourceJSONUsesSeedFieldsAndISOTimes() throws {
        let record = ResourceRecord(userId: "u", projectId: "p", projectName: "n", awsResources: ["s3Bucket": "b"], createdAt: t0, updatedAt: t1)
        let json = record.jsonValue
        #expect(json["createdAt"] == "2023-11-14T22:13:20.250Z")
        #expect(json["updatedAt"] == "2023-11-14T22:15:00.500Z")
        #expect(json["awsResources"] == ["s3Bucket": "b"])
        #expect(json["projectId"] == "p")
    }
}
