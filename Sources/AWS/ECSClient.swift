import AsyncHTTPClient
import Foundation
import JSON

/// The ECS calls a service deploy needs: where a service stands, and rolling it to a new task definition.
public struct ECSClient: Sendable {
    public var client: AWSJSONClient

    public init(transport: AWSServiceClient) {
        self.client = AWSJSONClient(transport: transport, targetPrefix: "AmazonEC2ContainerServiceV20141113", jsonVersion: "1.1")
    }

    public static func fromEnvironment(
        region: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment, httpClient: HTTPClient = .shared
    ) throws -> ECSClient {
        ECSClient(transport: try AWSServiceClient.fromEnvironment(.ecs, displayName: "ECS", region: region, environment: environment, httpClient: httpClient))
    }

    public func describeServices(cluster: String, services: [String]) async throws -> [Service] {
        let answer = try await client.call("DescribeServices", ["cluster": .string(cluster), "services": .array(services.map(JSONValue.string))])
        if let failure = answer["failures"]?.arrayValue?.first {
            throw AWSError(.service, "\(failure["arn"]?.stringValue ?? "service"): \(failure["reason"]?.stringValue ?? "not found"); check the cluster and service names", operation: "ECS DescribeServices")
        }
        return (answer["services"]?.arrayValue ?? []).map { Service($0) }
    }

    /// Starts a rollout: to `taskDefinition` when given, else of the current one with fresh tasks.
    @discardableResult
    public func updateService(cluster: String, service: String, taskDefinition: String? = nil, desiredCount: Int? = nil, forceNewDeployment: Bool = true) async throws -> Service {
        var input: [String: JSONValue] = ["cluster": .string(cluster), "service": .string(service), "forceNewDeployment": .bool(forceNewDeployment)]
        if let taskDefinition { input["taskDefinition"] = .string(taskDefinition) }
        if let desiredCount { input["desiredCount"] = .number(Double(desiredCount)) }
        input["deploymentConfiguration"] = Self.rollingWithCircuitBreaker
        let answer = try await client.call("UpdateService", .object(input))
        return Service(answer["service"] ?? [:])
    }
}
