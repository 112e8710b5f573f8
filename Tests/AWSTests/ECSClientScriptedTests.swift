import Foundation
import JSON
import TestSupport
import Testing
@testable import AWS

/// What moto does not show: the exact bodies sent, and answers it never gives.
@Suite struct ECSClientScriptedTests {
    func client(_ url: String, _ service: AWSService) throws -> AWSServiceClient {
        AWSServiceClient(
            service: service, displayName: service.signingName, endpoint: try AWSEndpoint(url: url), region: "eu-west-1",
            credentials: AWSCredentials(accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
            retryPolicy: AWSRetryPolicy(maxAttempts: 3, baseDelay: .zero), clock: RecordingClock())
    }

    @Test func taskDefinitionSendsSecretsOnlyAsReferencesAndLogsToAwslogs() throws {
        let input = ECSClient.TaskDefinitionInput(
            family: "f", cpu: 512, memory: 1024, executionRoleArn: "arn:role", containerName: "app", image: "repo:tag", port: 3000,
            environment: ["B": "2", "A": "1"], secrets: ["TOKEN": "arn:aws:ssm:eu-west-1:1:parameter/token"], logGroup: "/g",
            logRegion: "eu-west-1", logStreamPrefix: "app", tags: [:])
        let json = input.json
        #expect(json["cpu"]?.stringValue == "512" && json["memory"]?.stringValue == "1024")
        #expect(json["requiresCompatibilities"]?.arrayValue == ["FARGATE"])
        let container = try #require(json["containerDefinitions"]?.arrayValue?.first)
        #expect(container["environment"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["A", "B"])
        #expect(container["secrets"]?.arrayValue?.first?["valueFrom"]?.stringValue == "arn:aws:ssm:eu-west-1:1:parameter/token")
        #expect(container["logConfiguration"]?["logDriver"]?.stringValue == "awslogs")
        #expect(container["logConfiguration"]?["options"]?["awslogs-group"]?.stringValue == "/g")
    }

    @Test func updateServiceTurnsTheCircuitBreakerOnWithRollback() async throws {
        try await ScriptedServer.with([.init(status: 200, body: #"{"service":{"serviceName":"web","status":"ACTIVE","deployments":[{"id":"ecs-svc/1","status":"PRIMARY","rolloutState":"IN_PROGRESS"}]}}"#)]) { server, url in
            let ecs = ECSClient(transport: try client(url, .ecs))
            let service = try await ecs.updateService(cluster: "c", service: "web", taskDefinition: "arn:td:2")
            #expect(service.primaryDeployment?.id == "ecs-svc/1")
            let sent = try JSONValue(parsing: try #require(await server.received.first).body)
            #expect(sent["deploymentConfiguration"]?["deploymentCircuitBreaker"]?["rollback"]?.boolValue == true)
            #expect(sent["taskDefinition"]?.stringValue == "arn:td:2")
            #expect(await server.received.first?.header("x-amz-target") == "AmazonEC2ContainerServiceV20141113.UpdateService")
        }
    }

    @Test func queryProtocolFormEncodesAndReadsXMLErrors() async throws {
        let error = #"<?xml version="1.0"?><Response><Errors><Error><Code>InvalidPermission.Duplicate</Code><Message>exists</Message></Error></Errors><RequestID>r1</RequestID></Response>"#
        try await ScriptedServer.with([.init(status: 400, body: error)]) { server, url in
            let ec2 = EC2Client(transport: try client(url, .ec2))
            try await ec2.allowIngress(group: "sg-1", port: 8080)
            let body = try #require(await server.received.first).body
            #expect(body.hasPrefix("Action=AuthorizeSecurityGroupIngress&Version=2016-11-15&GroupId=sg-1"))
            #expect(body.contains("IpPermissions.1.IpRanges.1.CidrIp=0.0.0.0%2F0"))
        }
    }
}
