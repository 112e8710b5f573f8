import Foundation
import JSON

// MARK: - Clusters, task definitions, services, tasks

extension ECSClient {
    public struct Cluster: Sendable, Equatable {
        public var name: String
        public var arn: String
        /// ACTIVE, INACTIVE (deleted), PROVISIONING...
        public var status: String
    }

    /// The cluster named `name`, nil when there is none or it was deleted.
    public func cluster(named name: String) async throws -> Cluster? {
        let answer = try await client.call("DescribeClusters", ["clusters": [.string(name)]])
        let found = (answer["clusters"]?.arrayValue ?? []).map {
            Cluster(name: $0["clusterName"]?.stringValue ?? "", arn: $0["clusterArn"]?.stringValue ?? "", status: $0["status"]?.stringValue ?? "")
        }
        return found.first { $0.status != "INACTIVE" }
    }

    @discardableResult
    public func createCluster(name: String, tags: [String: String]) async throws -> Cluster {
        var input: [String: JSONValue] = ["clusterName": .string(name)]
        if !tags.isEmpty { input["tags"] = Self.tagList(tags) }
        let cluster = try await client.call("CreateCluster", .object(input))["cluster"] ?? [:]
        return Cluster(name: cluster["clusterName"]?.stringValue ?? name, arn: cluster["clusterArn"]?.stringValue ?? "", status: cluster["status"]?.stringValue ?? "")
    }

    public func deleteCluster(name: String) async throws {
        try await client.call("DeleteCluster", ["cluster": .string(name)])
    }

    /// Registers a revision; returns its ARN (`...:task-definition/family:7`).
    public func registerTaskDefinition(_ definition: TaskDefinitionInput) async throws -> String {
        let answer = try await client.call("RegisterTaskDefinition", definition.json)
        guard let arn = answer["taskDefinition"]?["taskDefinitionArn"]?.stringValue else {
            throw AWSError(.invalidResponse, "RegisterTaskDefinition answered without an ARN", operation: "ECS RegisterTaskDefinition")
        }
        return arn
    }

    /// The images of a task definition's containers, nil when it does not exist.
    public func taskDefinitionImages(_ arn: String) async throws -> [String]? {
        do {
            let answer = try await client.call("DescribeTaskDefinition", ["taskDefinition": .string(arn)])
            return (answer["taskDefinition"]?["containerDefinitions"]?.arrayValue ?? []).compactMap { $0["image"]?.stringValue }
        } catch let error as AWSError where error.type == "ClientException" || error.type == "ClientError" {
            return nil
        }
    }

    /// A registered task definition as DescribeTaskDefinition reports it, nil when ECS does not know it.
    public func describeTaskDefinition(_ arn: String) async throws -> TaskDefinition? {
        do {
            let answer = try await client.call("DescribeTaskDefinition", ["taskDefinition": .string(arn)])
            return answer["taskDefinition"].map(TaskDefinition.init)
        } catch let error as AWSError where error.type == "ClientException" || error.type == "ClientError" {
            return nil
        }
    }

    /// The task definition ARNs of `family`, newest revision first.
    public func taskDefinitions(family: String) async throws -> [String] {
        var arns: [String] = []
        var token: String?
        repeat {
            var input: [String: JSONValue] = ["familyPrefix": .string(family), "sort": "DESC"]
            if let token { input["nextToken"] = .string(token) }
            let answer = try await client.call("ListTaskDefinitions", .object(input))
            arns += (answer["taskDefinitionArns"]?.arrayValue ?? []).compactMap(\.stringValue)
            token = answer["nextToken"]?.stringValue
        } while token != nil
        // Not every stand-in honours `sort`.
        return arns.sorted { Self.revisionNumber($0) > Self.revisionNumber($1) }
    }

    /// The revision at the end of a task definition ARN (`...:7`), 0 when there is none.
    public static func revisionNumber(_ arn: String) -> Int {
        arn.split(separator: ":").last.flatMap { Int($0) } ?? 0
    }

    public func deregisterTaskDefinition(_ arn: String) async throws {
        try await client.call("DeregisterTaskDefinition", ["taskDefinition": .string(arn)])
    }

    /// The service named `name` in `cluster`, nil when there is none (or it was deleted).
    public func service(cluster: String, name: String) async throws -> Service? {
        let answer = try await client.call("DescribeServices", ["cluster": .string(cluster), "services": [.string(name)]])
        return (answer["services"]?.arrayValue ?? []).map { Service($0) }.first { $0.status != "INACTIVE" }
    }

    public func createService(_ input: ServiceInput) async throws -> Service {
        let answer = try await client.call("CreateService", input.json)
        return Service(answer["service"] ?? [:])
    }

    /// Scales to zero and deletes the service.
    public func deleteService(cluster: String, name: String) async throws {
        try await client.call("DeleteService", ["cluster": .string(cluster), "service": .string(name), "force": true])
    }

    /// Task ARNs of `cluster` that `startedBy` started (a deployment id), in `desiredStatus` (RUNNING or STOPPED).
    public func listTasks(cluster: String, service: String? = nil, startedBy: String? = nil, desiredStatus: String? = nil) async throws -> [String] {
        var arns: [String] = []
        var token: String?
        repeat {
            var input: [String: JSONValue] = ["cluster": .string(cluster)]
            if let service { input["serviceName"] = .string(service) }
            if let startedBy { input["startedBy"] = .string(startedBy) }
            if let desiredStatus { input["desiredStatus"] = .string(desiredStatus) }
            if let token { input["nextToken"] = .string(token) }
            let answer = try await client.call("ListTasks", .object(input))
            arns += (answer["taskArns"]?.arrayValue ?? []).compactMap(\.stringValue)
            token = answer["nextToken"]?.stringValue
        } while token != nil
        return arns
    }

    /// Describes up to 100 tasks.
    public func describeTasks(cluster: String, tasks: [String]) async throws -> [Task] {
        guard !tasks.isEmpty else { return [] }
        let answer = try await client.call("DescribeTasks", ["cluster": .string(cluster), "tasks": .array(tasks.prefix(100).map(JSONValue.string))])
        return (answer["tasks"]?.arrayValue ?? []).map { Task($0) }
    }

    /// The resource's tags (a cluster or service ARN).
    public func tags(of arn: String) async throws -> [String: String] {
        let answer = try await client.call("ListTagsForResource", ["resourceArn": .string(arn)])
        var tags: [String: String] = [:]
        for tag in answer["tags"]?.arrayValue ?? [] {
            if let key = tag["key"]?.stringValue { tags[key] = tag["value"]?.stringValue ?? "" }
        }
        return tags
    }
}
