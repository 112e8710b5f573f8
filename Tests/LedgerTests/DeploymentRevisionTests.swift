import AWS
import Foundation
import GRDB
import Testing
@testable import Ledger

/// The ECS task definition revision and image digest a deployment record keeps, in both stores, and
/// a ledger file written before they existed opening with them.
@Suite struct DeploymentRevisionSQLiteTests {
    static let arn = "arn:aws:ecs:us-east-1:123456789012:task-definition/shop-7f3c2a1e:7"
    static let digest = "sha256:" + String(repeating: "ab", count: 32)
    static let t0 = Date(timeIntervalSince1970: 1_764_700_000)

    static func record(_ id: String, taskDefinition: String? = arn, imageDigest: String? = digest) -> DeploymentRecord {
        DeploymentRecord(
            id: id, projectId: "g-1", name: "shop", target: .ecs, status: .running, imageTag: "shop-g-1:deploy_\(id.prefix(8))",
            startedAt: t0, finishedAt: t0.addingTimeInterval(90), taskDefinition: taskDefinition, imageDigest: imageDigest)
    }

    @Test func theRevisionAndDigestRoundTrip() async throws {
        let dir = try TemporaryDirectory()
        let ledger = try SQLiteLedger(path: dir.path("ledger.sqlite"))
        try await ledger.save(Self.record("d1"))
        try await ledger.save(Self.record("d2", taskDefinition: nil, imageDigest: nil))
        let first = try #require(try await ledger.deployment(id: "d1"))
        #expect(first.taskDefinition == Self.arn)
        #expect(first.imageDigest == Self.digest)
        #expect(try await ledger.deployment(id: "d2")?.taskDefinition == nil)
        // A second handle on the same file reads what the first wrote.
        let again = try SQLiteLedger(path: dir.path("ledger.sqlite"))
        #expect(try await again.deployments(projectId: "g-1", limit: nil).first { $0.id == "d1" } == Self.record("d1"))
    }

    @Test func aLedgerFileFromBeforeTheColumnsUpgradesKeepingItsRows() async throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("old.sqlite")
        // The file as the first schema left it, with a deployment in it.
        do {
            let queue = try DatabaseQueue(path: path)
            try SQLiteLedger.migrator.migrate(queue, upTo: "v1: projects, resources, events, deployments, ports, locks")
            try await queue.write { db in
                try db.execute(sql: """
                    INSERT INTO deployment (id, projectId, name, target, status, imageTag, startedAt, logExcerpt)
                    VALUES ('old-1', 'g-1', 'shop', 'ecs', 'running', 'shop-g-1:deploy_old1', 1764000000, 'task definition arn:aws:ecs:...:3')
                    """)
            }
            let columns = try await queue.read { db in try db.columns(in: "deployment").map(\.name) }
            #expect(!columns.contains("taskDefinition"))
        }

        let ledger = try SQLiteLedger(path: path)
        let old = try #require(try await ledger.deployment(id: "old-1"))
        #expect(old.status == .running)
        #expect(old.logExcerpt == "task definition arn:aws:ecs:...:3")
        #expect(old.taskDefinition == nil && old.imageDigest == nil)
        var updated = old
        updated.taskDefinition = Self.arn
        updated.imageDigest = Self.digest
        try await ledger.save(updated)
        #expect(try await ledger.deployment(id: "old-1") == updated)
        let applied = try await ledger.writer.read { db in try SQLiteLedger.migrator.appliedIdentifiers(db) }
        #expect(applied.contains("v2: deployment taskDefinition and imageDigest"))
    }
}

@Suite(.enabled(if: DynamoDBMoto.isAvailable, "needs moto_server: run scripts/test.sh"))
struct DeploymentRevisionDynamoDBTests {
    @Test func theRevisionAndDigestAreAttributesOfTheItem() async throws {
        let ledger = try await DynamoDBMoto.ledger()
        let record = DeploymentRevisionSQLiteTests.record("d1")
        try await ledger.save(record)
        try await ledger.save(DeploymentRevisionSQLiteTests.record("d2", taskDefinition: nil, imageDigest: nil))
        #expect(try await ledger.deployment(id: "d1") == record)
        #expect(try await ledger.deployments(projectId: "g-1", limit: nil).first { $0.id == "d2" }?.taskDefinition == nil)
        // Stored as plain string attributes another client can read.
        let item = try #require(try await ledger.client.getItem(table: ledger.tables.deployments, key: ["id": .string("d1")]))
        #expect(item["taskDefinition"]?.stringValue == DeploymentRevisionSQLiteTests.arn)
        #expect(item["imageDigest"]?.stringValue == DeploymentRevisionSQLiteTests.digest)
        #expect(try await ledger.client.getItem(table: ledger.tables.deployments, key: ["id": .string("d2")])?["taskDefinition"] == nil)
    }
}
