import Foundation
import Testing
@testable import AWS

@Suite struct AWSEndpointTests {
    @Test func serviceVariableBeatsTheGeneralOneWhichBeatsAWS() throws {
        let both = ["AWS_ENDPOINT_URL_DYNAMODB": "http://127.0.0.1:5000", "AWS_ENDPOINT_URL": "http://localhost:4566"]
        #expect(try AWSEndpoint.resolve(.dynamoDB, region: "eu-west-1", environment: both).host == "127.0.0.1:5000")
        #expect(try AWSEndpoint.resolve(.ecs, region: "eu-west-1", environment: both).host == "localhost:4566")
        let aws = try AWSEndpoint.resolve(.dynamoDB, region: "eu-west-1", environment: [:])
        #expect(aws.url.absoluteString == "https://dynamodb.eu-west-1.amazonaws.com")
        #expect(aws.host == "dynamodb.eu-west-1.amazonaws.com")
        #expect(try AWSEndpoint.resolve(.ecr, region: "us-east-2", environment: [:]).host == "api.ecr.us-east-2.amazonaws.com")
        #expect(try AWSEndpoint.resolve(.cloudWatchLogs, region: "us-east-2", environment: ["AWS_ENDPOINT_URL_CLOUDWATCH_LOGS": "http://[::1]:9000"]).host == "[::1]:9000")
        #expect(try AWSEndpoint.resolve(.cloudFront, region: "eu-west-1", environment: [:]).host == "cloudfront.amazonaws.com")
    }

    @Test func defaultPortsAreLeftOutOfTheHostHeader() throws {
        #expect(try AWSEndpoint(url: "https://example.com:443").host == "example.com")
        #expect(try AWSEndpoint(url: "http://example.com:80/").host == "example.com")
        #expect(try AWSEndpoint(url: "http://example.com:8080").host == "example.com:8080")
    }

    @Test func aBasePathPrefixesEveryRequest() throws {
        let endpoint = try AWSEndpoint(url: "http://127.0.0.1:4566/proxy/")
        #expect(endpoint.basePath == "/proxy")
        #expect(endpoint.requestURL(path: "/", query: "a=b") == "http://127.0.0.1:4566/proxy/?a=b")
    }

    @Test func badURLsAndRegionsAreRefusedWithTheVariableNamed() throws {
        let error = try #require(throws: AWSError.self) {
            try AWSEndpoint.resolve(.dynamoDB, region: "us-east-1", environment: ["AWS_ENDPOINT_URL": "localhost:8000"])
        }
        #expect(error.description.contains("AWS_ENDPOINT_URL"))
        #expect(throws: AWSError.self) { try AWSEndpoint.resolve(.dynamoDB, region: "evil.com/x", environment: [:]) }
    }

    @Test func retryDelaysGrowThenStopAtTheCap() {
        let policy = AWSRetryPolicy(maxAttempts: 10, baseDelay: .milliseconds(100), maxDelay: .seconds(1))
        #expect(policy.delay(beforeRetry: 0, random: 1) == .milliseconds(100))
        #expect(policy.delay(beforeRetry: 2, random: 1) == .milliseconds(400))
        #expect(policy.delay(beforeRetry: 8, random: 1) == .seconds(1))
        #expect(policy.delay(beforeRetry: 3, random: 0.5) == .milliseconds(400))
        #expect(policy.delay(beforeRetry: 3, random: 0) == .zero)
    }
}
