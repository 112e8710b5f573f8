import AWS
import Foundation
import JSON
import TestSupport
@testable import Deploy

/// Builds the answers of a scripted ECS / CloudWatch Logs endpoint (on `FakeMessagesServer`, which
/// plays a queue of answers in order and records every request), for what moto cannot do: move a
/// rollout, fail it, roll it back, throttle.
enum ECSScript {
    static func json(_ value: JSONValue) -> FakeResponse {
        FakeResponse(status: 200, headers: ["content-type": "application/x-amz-json-1.1"], chunks: [.init(value.encodedString())])
    }

    static func throttled() -> FakeResponse {
        FakeResponse(status: 400, headers: ["content-type": "application/x-amz-json-1.1"], chunks: [.init(#"{"__type":"ThrottlingException","message":"Rate exceeded"}"#)])
    }

    static func deployment(
        _ id: String, status: String = "PRIMARY", revision: Int, rollout: String, desired: Int = 2, running: Int = 0, pending: Int = 0,
        failed: Int = 0, reason: String? = nil
    ) -> JSONValue {
        var deployment: [String: JSONValue] = [
            "id": .string(id), "status": .string(status), "taskDefinition": .string("arn:aws:ecs:us-east-1:123456789012:task-definition/web:\(revision)"),
            "desiredCount": .number(Double(desired)), "runningCount": .number(Double(running)), "pendingCount": .number(Double(pending)),
            "failedTasks": .number(Double(failed)), "rolloutState": .string(rollout),
        ]
        if let reason { deployment["rolloutStateReason"] = .string(reason) }
        return .object(deployment)
    }

    /// A DescribeServices answer for service `name`.
    static func service(_ deployments: [JSONValue], events: [(String, Date, String)] = [], name: String = "web") -> FakeResponse {
        json([
            "services": [[
                "serviceName": .string(name), "status": "ACTIVE", "desiredCount": 2,
                "deployments": .array(deployments),
                "events": .array(events.map { ["id": .string($0.0), "createdAt": .number($0.1.timeIntervalSince1970), "message": .string($0.2)] }),
            ]],
            "failures": [],
        ])
    }

    static func taskList(_ arns: [String] = []) -> FakeResponse {
        json(["taskArns": .array(arns.map(JSONValue.string))])
    }

    /// A DescribeTasks answer: stopped tasks with one `app` container each.
    static func stoppedTasks(_ tasks: [(arn: String, reason: String, exitCode: Int, containerReason: String?)]) -> FakeResponse {
        json(["tasks": .array(tasks.map { task in
            var container: [String: JSONValue] = ["name": "app", "lastStatus": "STOPPED", "exitCode": .number(Double(task.exitCode))]
            if let reason = task.containerReason { container["reason"] = .string(reason) }
            return [
                "taskArn": .string(task.arn), "lastStatus": "STOPPED", "desiredStatus": "STOPPED", "startedBy": "ecs-svc/new",
                "stoppedReason": .string(task.reason), "containers": [.object(container)],
            ]
        }), "failures": []])
    }

    static func logEvents(_ messages: [String]) -> FakeResponse {
        json([
            "events": .array(messages.enumerated().map { ["timestamp": .number(Double(1_700_000_000_000 + $0.offset)), "message": .string($0.element)] }),
            "nextForwardToken": "f/end",
        ])
    }

    static func transport(_ url: String, _ service: AWSService, clock: any Clock<Duration>) throws -> AWSServiceClient {
        AWSServiceClient(
            service: service, displayName: service.signingName, endpoint: try AWSEndpoint(url: url + "/aws"), region: "us-east-1",
            credentials: AWSCredentials(accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
            retryPolicy: AWSRetryPolicy(maxAttempts: 4, baseDelay: .milliseconds(10)), clock: clock)
    }

    /// The operation each request named, in order: `DescribeServices`, `ListTasks`...
    static func operations(_ server: FakeMessagesServer) async -> [String] {
        await server.requests().compactMap { $0.header("x-amz-target")?.split(separator: ".").last.map(String.init) }
    }
}
