import Foundation
import JSON
import TestSupport
import Testing
@testable import AWS

/// BatchWriteItem: 25 items a call, and what DynamoDB leaves unprocessed is sent again.
@Suite struct DynamoDBBatchPutTests {
    static func client(_ url: String) throws -> DynamoDBClient {
        DynamoDBClient(transport: AWSServiceClient(
            service: .dynamoDB, displayName: "DynamoDB", endpoint: try AWSEndpoint(url: url), region: "us-east-1",
            credentials: AWSServiceClientTests.credentials, retryPolicy: AWSRetryPolicy(maxAttempts: 1, baseDelay: .zero), timeout: .seconds(15)))
    }

    static func items(_ count: Int) -> [DynamoDBItem] {
        (0..<count).map { ["pk": .string("p"), "sk": .number(String($0))] }
    }

    static func putKeys(_ body: String) throws -> [String] {
        let requests = try JSONValue(parsing: body)["RequestItems"]?["events"]?.arrayValue ?? []
        return requests.compactMap { $0["PutRequest"]?["Item"]?["sk"]?["N"]?.stringValue }
    }

    @Test func itemsGoTwentyFiveToACallAndUnprocessedOnesAreSentAgain() async throws {
        let unprocessed = #"{"UnprocessedItems":{"events":[{"PutRequest":{"Item":{"pk":{"S":"p"},"sk":{"N":"3"}}}}]}}"#
        let replies = [
            ScriptedServer.Reply(status: 200, body: unprocessed),
            ScriptedServer.Reply(status: 200, body: #"{"UnprocessedItems":{}}"#),
            ScriptedServer.Reply(status: 200, body: #"{"UnprocessedItems":{}}"#),
        ]
        try await ScriptedServer.with(replies) { server, url in
            try await Self.client(url).batchPut(table: "events", items: Self.items(30), firstPause: .zero)
            let received = await server.received
            #expect(received.map { $0.header("x-amz-target") } == Array(repeating: "DynamoDB_20120810.BatchWriteItem", count: 3))
            #expect(try Self.putKeys(received[0].body) == (0..<25).map(String.init))
            #expect(try Self.putKeys(received[1].body) == ["3"])
            #expect(try Self.putKeys(received[2].body) == (25..<30).map(String.init))
        }
    }

    @Test func itemsStillUnprocessedAfterTheLastAttemptFailTheCall() async throws {
        let unprocessed = #"{"UnprocessedItems":{"events":[{"PutRequest":{"Item":{"pk":{"S":"p"},"sk":{"N":"0"}}}}]}}"#
        try await ScriptedServer.with(Array(repeating: ScriptedServer.Reply(status: 200, body: unprocessed), count: 3)) { server, url in
            let error = try await #require(throws: AWSError.self) {
                try await Self.client(url).batchPut(table: "events", items: Self.items(1), attempts: 3, firstPause: .zero)
            }
            #expect(error.message.contains("unprocessed after 3 attempts"))
            #expect(await server.received.count == 3)
        }
    }
}
