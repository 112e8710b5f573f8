import AsyncHTTPClient
import Foundation
import JSON
import TestSupport
import Testing
@testable import AWS

/// The signed JSON client against a scripted server on 127.0.0.1: retries, error parsing, request shape.
@Suite struct AWSServiceClientTests {
    static let credentials = AWSCredentials(accessKeyId: "AKIDTEST", secretAccessKey: "test-secret-never-shown", sessionToken: "test-token-never-shown")

    /// A client with a deadline long enough for a loaded test machine; the unreachable-endpoint
    /// test passes a short one (the HTTP client keeps retrying a refused connection until it passes).
    static func client(_ baseURL: String, attempts: Int = 4, timeout: Duration = .seconds(15)) throws -> AWSJSONClient {
        let transport = AWSServiceClient(
            service: .dynamoDB, displayName: "DynamoDB", endpoint: try AWSEndpoint(url: baseURL), region: "us-east-1",
            credentials: credentials, retryPolicy: AWSRetryPolicy(maxAttempts: attempts, baseDelay: .zero), timeout: timeout)
        return AWSJSONClient(transport: transport, targetPrefix: "DynamoDB_20120810", jsonVersion: "1.0")
    }

    static let throttled = ScriptedServer.Reply(status: 400, body: #"{"__type":"com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException","message":"slow down"}"#)
    static let unavailable = ScriptedServer.Reply(status: 503, body: "")

    @Test func throttlingAnd5xxAreRetriedUntilTheyPass() async throws {
        let replies = [Self.throttled, Self.unavailable, ScriptedServer.Reply(status: 200, body: #"{"TableNames":["a"]}"#)]
        try await ScriptedServer.with(replies) { server, url in
            let answer = try await Self.client(url).call("ListTables", [:])
            #expect(answer["TableNames"] == ["a"])
            #expect(await server.received.count == 3)
        }
    }

    @Test func retriesPauseWithGrowingBackoff() async throws {
        let replies = [Self.throttled, Self.throttled, Self.unavailable, ScriptedServer.Reply(status: 200, body: "{}")]
        try await ScriptedServer.with(replies) { server, url in
            let clock = RecordingClock()
            var transport = try Self.client(url).transport
            transport.retryPolicy = AWSRetryPolicy(maxAttempts: 5, baseDelay: .milliseconds(100), maxDelay: .seconds(10))
            transport.clock = clock
            try await AWSJSONClient(transport: transport, targetPrefix: "DynamoDB_20120810", jsonVersion: "1.0").call("ListTables", [:])
            #expect(await server.received.count == 4)
            let sleeps = clock.sleeps
            #expect(sleeps.count == 3)
            // Full jitter: each pause is at most base·2^retry.
            for (retry, pause) in sleeps.enumerated() {
                #expect(pause >= .zero && pause <= .milliseconds(100) * (1 << retry))
            }
        }
    }

    @Test func retriesStopAtTheLimitWithTheLastError() async throws {
        let replies = Array(repeating: ScriptedServer.Reply(status: 500, headers: ["x-amzn-RequestId": "req-500"], body: #"{"__type":"InternalServerError","message":"boom"}"#), count: 5)
        try await ScriptedServer.with(replies) { server, url in
            let error = try await #require(throws: AWSError.self) { try await Self.client(url, attempts: 3).call("PutItem", [:]) }
            #expect(error.status == 500)
            #expect(error.type == "InternalServerError")
            #expect(error.requestId == "req-500")
            #expect(await server.received.count == 3)
        }
    }

    @Test func clientMistakesAreNotRetriedAndSayWhatAWSSaid() async throws {
        let reply = ScriptedServer.Reply(
            status: 400, headers: ["x-amzn-RequestId": "req-1"],
            body: #"{"__type":"com.amazonaws.dynamodb.v20120810#ValidationException","message":"One or more parameter values were invalid"}"#)
        try await ScriptedServer.with([reply]) { server, url in
            let error = try await #require(throws: AWSError.self) { try await Self.client(url).call("PutItem", [:]) }
            #expect(error.kind == .service)
            #expect(error.type == "ValidationException")
            #expect(error.description == "DynamoDB PutItem: ValidationException: One or more parameter values were invalid (HTTP 400, request id req-1)")
            #expect(!error.description.contains("never-shown"))
            #expect(await server.received.count == 1)
        }
    }

    @Test func xmlErrorsAreReadToo() async throws {
        let reply = ScriptedServer.Reply(
            status: 403, body: "<ErrorResponse><Error><Code>SignatureDoesNotMatch</Code><Message>bad signature</Message></Error><RequestId>req-x</RequestId></ErrorResponse>")
        try await ScriptedServer.with([reply]) { _, url in
            let error = try await #require(throws: AWSError.self) { try await Self.client(url).call("GetItem", [:]) }
            #expect(error.type == "SignatureDoesNotMatch")
            #expect(error.message == "bad signature")
            #expect(error.requestId == "req-x")
            #expect(!error.isRetryable)
        }
    }

    @Test func requestsCarryTheTargetTheJSONBodyAndASignature() async throws {
        try await ScriptedServer.with([]) { server, url in
            try await Self.client(url).call("GetItem", ["TableName": "t"])
            let request = try #require(await server.received.first)
            #expect(request.method == "POST")
            #expect(request.path == "/")
            #expect(request.header("x-amz-target") == "DynamoDB_20120810.GetItem")
            #expect(request.header("content-type") == "application/x-amz-json-1.0")
            #expect(try JSONValue(parsing: request.body) == ["TableName": "t"])
            #expect(request.header("x-amz-security-token") == Self.credentials.sessionToken)
            let authorization = try #require(request.header("authorization"))
            #expect(authorization.hasPrefix("AWS4-HMAC-SHA256 Credential=AKIDTEST/"))
            #expect(authorization.contains("/us-east-1/dynamodb/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-amz-target, Signature="))

            // What the server received, signed again with the same key and time, gives the same signature.
            let date = try #require(request.header("x-amz-date"))
            let signed = request.headers.filter { ["content-type", "host", "x-amz-security-token", "x-amz-target"].contains($0.name.lowercased()) }
            let signer = SigV4Signer(credentials: Self.credentials, region: "us-east-1", service: "dynamodb")
            let parsedDate = try #require(Self.parse(amzDate: date))
            let again = signer.sign(SigV4Request(method: "POST", path: "/", headers: signed), payload: .bytes(Array(request.body.utf8)), date: parsedDate)
            #expect(again.authorization == authorization)
        }
    }

    @Test func anUnreachableEndpointFailsOnceItsDeadlineIsSpent() async throws {
        // A port that was free a moment ago: nothing listens there. The HTTP client retries the
        // connection until the deadline, so the signed client does not start over.
        let port = try await ScriptedServer.with([]) { _, url in url }
        let error = try await #require(throws: AWSError.self) { try await Self.client(port, attempts: 3, timeout: .seconds(2)).call("ListTables", [:]) }
        #expect(error.kind == .timedOut)
        #expect(!error.isRetryable)
        #expect(error.description.contains("check the network and the endpoint"))
    }

    static func parse(amzDate: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        return formatter.date(from: amzDate)
    }
}
