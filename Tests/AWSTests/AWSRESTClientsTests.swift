import Foundation
import JSON
import TestSupport
import Testing
@testable import AWS

/// CloudWatch Logs paging and CloudFront's XML, against a scripted server on 127.0.0.1.
@Suite struct AWSRESTClientsTests {
    static func transport(_ service: AWSService, _ url: String) throws -> AWSServiceClient {
        AWSServiceClient(
            service: service, displayName: service.signingName, endpoint: try AWSEndpoint(url: url), region: "us-east-1",
            credentials: AWSCredentials(accessKeyId: "AKIDTEST", secretAccessKey: "secret"), retryPolicy: .none, timeout: .seconds(5))
    }

    @Test func logEventsFollowTheForwardTokenUntilItRepeats() async throws {
        let replies = [
            ScriptedServer.Reply(status: 200, body: #"{"events":[{"timestamp":1000,"message":"one"},{"timestamp":2000,"message":"two"}],"nextForwardToken":"f/1"}"#),
            ScriptedServer.Reply(status: 200, body: #"{"events":[{"timestamp":3000,"message":"three"}],"nextForwardToken":"f/2"}"#),
            ScriptedServer.Reply(status: 200, body: #"{"events":[],"nextForwardToken":"f/2"}"#),
        ]
        try await ScriptedServer.with(replies) { server, url in
            let logs = CloudWatchLogsClient(transport: try Self.transport(.cloudWatchLogs, url))
            let events = try await logs.logEvents(group: "/ecs/web", stream: "web/abc")
            #expect(events.map(\.message) == ["one", "two", "three"])
            #expect(events.last?.timestamp == Date(timeIntervalSince1970: 3))
            let received = await server.received
            #expect(received.count == 3)
            #expect(received.first?.header("x-amz-target") == "Logs_20140328.GetLogEvents")
            #expect(received.first?.header("content-type") == "application/x-amz-json-1.1")
            #expect(try JSONValue(parsing: received[1].body)["nextToken"] == "f/1")
        }
    }

    @Test func cloudFrontInvalidationSendsXMLAndReturnsTheId() async throws {
        let reply = ScriptedServer.Reply(status: 201, body: "<Invalidation><Id>I2J0I21PCUYOIK</Id><Status>InProgress</Status></Invalidation>")
        try await ScriptedServer.with([reply]) { server, url in
            let cloudFront = CloudFrontClient(transport: try Self.transport(.cloudFront, url))
            let id = try await cloudFront.createInvalidation(distributionId: "E123", paths: ["/*", "/a&b"], callerReference: "ref-1")
            #expect(id == "I2J0I21PCUYOIK")
            let request = try #require(await server.received.first)
            #expect(request.path == "/2020-05-31/distribution/E123/invalidation")
            #expect(request.body.contains("<Quantity>2</Quantity><Items><Path>/*</Path><Path>/a&amp;b</Path></Items>"))
            #expect(request.body.contains("<CallerReference>ref-1</CallerReference>"))
            #expect(request.header("authorization")?.contains("/us-east-1/cloudfront/aws4_request") == true)
        }
    }
}
