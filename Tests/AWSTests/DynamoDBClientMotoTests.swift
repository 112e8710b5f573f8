import Foundation
import JSON
import TestSupport
import Testing
@testable import AWS

/// The DynamoDB client over its wire protocol against moto_server, which checks every signature.
@Suite(.enabled(if: MotoServer.isAvailable, "needs moto_server: run scripts/test.sh"))
struct DynamoDBClientMotoTests {
    static func client(secret: String? = nil) throws -> DynamoDBClient {
        try DynamoDBClient.fromEnvironment(environment: MotoServer.awsEnvironment(secret: secret))
    }

    static func makeTable(_ client: DynamoDBClient) async throws -> String {
        let table = MotoServer.uniqueTable("client")
        try await client.createTable(table, partitionKey: .init("pk", .string), sortKey: .init("sk", .number))
        try await client.waitUntilActive(table, interval: .milliseconds(50))
        return table
    }

    @Test func aWronglySignedRequestIsRefused() async throws {
        let wrongSecret = try Self.client(secret: "not-the-secret")
        let error = try await #require(throws: AWSError.self) { try await wrongSecret.describeTable("anything") }
        #expect(error.status == 403)
        #expect(error.type == "SignatureDoesNotMatch")
        #expect(!error.description.contains("not-the-secret"))

        var unknownKey = MotoServer.awsEnvironment()
        unknownKey["AWS_ACCESS_KEY_ID"] = "AKIAUNKNOWNKEY000000"
        let stranger = try DynamoDBClient.fromEnvironment(environment: unknownKey)
        let refused = try await #require(throws: AWSError.self) { try await stranger.describeTable("anything") }
        #expect(refused.status == 403)
    }

    @Test func createTableIsIdempotentAndDescribeSeesIt() async throws {
        let client = try Self.client()
        let table = try await Self.makeTable(client)
        #expect(try await client.createTable(table, partitionKey: .init("pk", .string), sortKey: .init("sk", .number)) == false)
        let description = try #require(try await client.describeTable(table))
        #expect(description.status == "ACTIVE")
        #expect(description.keySchema == ["pk": "HASH", "sk": "RANGE"])
        #expect(try await client.describeTable(table + "-missing") == nil)
    }

    @Test func itemsRoundTripAndConditionsHold() async throws {
        let client = try Self.client()
        let table = try await Self.makeTable(client)
        let key: DynamoDBItem = ["pk": .string("p"), "sk": .number("1")]
        let item = key.merging(["doc": DynamoDBValue(["a": 1, "b": ["c", true]]), "name": .string("first")]) { a, _ in a }
        try await client.putItem(table: table, item: item, condition: "attribute_not_exists(pk)")
        #expect(try await client.getItem(table: table, key: key) == item)

        let again = try await #require(throws: AWSError.self) {
            try await client.putItem(table: table, item: item, condition: "attribute_not_exists(pk)")
        }
        #expect(again.isConditionalCheckFailed)

        let updated = try await client.updateItem(
            table: table, key: key, update: "SET #doc.#new = :v ADD #count :one",
            names: ["#doc": "doc", "#new": "new.key", "#count": "count"], values: [":v": .string("x"), ":one": .number("1")])
        #expect(updated?["doc"]?.json == ["a": 1, "b": ["c", true], "new.key": "x"])
        #expect(updated?["count"] == .number("1"))

        try await client.deleteItem(table: table, key: key)
        #expect(try await client.getItem(table: table, key: key) == nil)
    }

    @Test func batchPutWritesEveryItem() async throws {
        let client = try Self.client()
        let table = try await Self.makeTable(client)
        let items: [DynamoDBItem] = (1...60).map { ["pk": .string("batch"), "sk": .number(String($0)), "doc": DynamoDBValue(["n": .number(Double($0))])] }
        try await client.batchPut(table: table, items: items)
        let stored = try await client.queryAll(table: table, keyCondition: "pk = :pk", values: [":pk": .string("batch")])
        #expect(stored == items)
    }

    @Test func queryAllFollowsEveryPage() async throws {
        let client = try Self.client()
        let table = try await Self.makeTable(client)
        for index in 1...7 {
            try await client.putItem(table: table, item: ["pk": .string("p"), "sk": .number(String(index))])
        }
        try await client.putItem(table: table, item: ["pk": .string("other"), "sk": .number("1")])
        let first = try await client.query(table: table, keyCondition: "pk = :p", values: [":p": .string("p")], limit: 3)
        #expect(first.items.count == 3)
        #expect(first.lastEvaluatedKey != nil)

        let all = try await client.queryAll(table: table, keyCondition: "pk = :p", values: [":p": .string("p")], pageSize: 3)
        #expect(all.compactMap { $0["sk"]?.int64Value } == [1, 2, 3, 4, 5, 6, 7])
        let newest = try await client.queryAll(table: table, keyCondition: "pk = :p", values: [":p": .string("p")], scanIndexForward: false, limit: 4, pageSize: 3)
        #expect(newest.compactMap { $0["sk"]?.int64Value } == [7, 6, 5, 4])
        #expect(try await client.scanAll(table: table, pageSize: 2).count == 8)
    }
}
