import AWS
import Foundation
import GRDB
import Testing
@testable import Ledger

/// Where a deployment's code came from (address or folder, commit subject, dirty tree) and its
/// environment, in both stores, and a ledger file from before those columns upgrading.
@Suite struct DeploymentSourceSQLiteTests {
    static let t0 = Date(timeIntervalSince1970: 1_764_800_000)

    static func record(_ id: String, source: String?, subject: String?, dirty: Bool?) -> DeploymentRecord {
        DeploymentRecord(
            id: id, projectId: "g-2", name: "shop", target: .local, status: .running, imageTag: "shop:deploy_\(id)",
            commit: "0123456789abcdef0123456789abcdef01234567", startedAt: t0, source: source, commitSubject: subject, dirty: dirty)
    }

    @Test func sourceSubjectAndDirtyRoundTrip() async throws {
        let dir = try TemporaryDirectory()
        let ledger = try SQLiteLedger(path: dir.path("ledger.sqlite"))
        let fetched = Self.record("a", source: "https://git.example.com/team/shop.git", subject: "Fix the checkout", dirty: nil)
        let local = Self.record("b", source: "/home/me/shop", subject: "WIP", dirty: true)
        let clean = Self.record("c", source: "/home/me/shop", subject: "WIP", dirty: false)
        var staging = Self.record("d", source: nil, subject: nil, dirty: nil)
        staging.environment = "staging"
        for record in [fetched, local, clean, staging] { try await ledger.save(record) }
        #expect(try await ledger.deployment(id: "a") == fetched)
        #expect(try await ledger.deployment(id: "a")?.environmentName == "production")
        #expect(try await ledger.deployment(id: "d")?.environment == "staging")
        #expect(try await ledger.deployment(id: "b")?.dirty == true)
        #expect(try await ledger.deployment(id: "c")?.dirty == false)
    }

    @Test func aFileFromBeforeTheColumnsKeepsItsRows() async throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("old.sqlite")
        do {
            let queue = try DatabaseQueue(path: path)
            try SQLiteLedger.migrator.migrate(queue, upTo: "v2: deployment taskDefinition and imageDigest")
            try await queue.write { db in
                try db.execute(sql: """
                    INSERT INTO deployment (id, projectId, name, target, status, "commit", startedAt)
                    VALUES ('old-1', 'g-2', 'shop', 'local', 'stopped', 'abc123', 1764000000)
                    """)
            }
        }
        let ledger = try SQLiteLedger(path: path)
        let old = try #require(try await ledger.deployment(id: "old-1"))
        #expect(old.commit == "abc123")
        #expect(old.source == nil && old.commitSubject == nil && old.dirty == nil)
        // Records from before environments are the default environment's.
        #expect(old.environment == nil)
        #expect(old.environmentName == DeploymentRecord.defaultEnvironment)
    }
}

@Suite(.enabled(if: DynamoDBMoto.isAvailable, "needs moto_server: run scripts/test.sh"))
struct DeploymentSourceDynamoDBTests {
    @Test func sourceSubjectAndDirtyAreAttributesOfTheItem() async throws {
        let ledger = try await DynamoDBMoto.ledger()
        var record = DeploymentSourceSQLiteTests.record("s1", source: "git://127.0.0.1/shop.git", subject: "first version", dirty: false)
        record.environment = "staging"
        try await ledger.save(record)
        #expect(try await ledger.deployment(id: "s1") == record)
        let item = try #require(try await ledger.client.getItem(table: ledger.tables.deployments, key: ["id": .string("s1")]))
        #expect(item["source"]?.stringValue == "git://127.0.0.1/shop.git")
        #expect(item["dirty"] == .bool(false))
        #expect(item["environment"]?.stringValue == "staging")
        // An item written before environments has none: the default environment's.
        let old = DeploymentSourceSQLiteTests.record("s2", source: nil, subject: nil, dirty: nil)
        try await ledger.save(old)
        #expect(try await ledger.client.getItem(table: ledger.tables.deployments, key: ["id": .string("s2")])?["environment"] == nil)
        #expect(try await ledger.deployment(id: "s2")?.environmentName == "production")
    }
}
