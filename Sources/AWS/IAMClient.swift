import AsyncHTTPClient
import Foundation

extension AWSService {
    public static let iam = AWSService(signingName: "iam", endpointPrefix: "iam", environmentName: "IAM", globalRegion: "us-east-1")
}

/// The IAM calls an ECS deploy needs: the task execution role, found or made.
public struct IAMClient: Sendable {
    public var client: AWSQueryClient

    public init(transport: AWSServiceClient) {
        self.client = AWSQueryClient(transport: transport, version: "2010-05-08")
    }

    public static func fromEnvironment(
        environment: [String: String] = ProcessInfo.processInfo.environment, httpClient: HTTPClient = .shared
    ) throws -> IAMClient {
        IAMClient(transport: try AWSServiceClient.fromEnvironment(.iam, displayName: "IAM", environment: environment, httpClient: httpClient))
    }

    public struct Role: Sendable, Equatable {
        public var name: String
        public var arn: String
        public var tags: [String: String]
    }

    /// The trust policy that lets ECS tasks assume a role.
    public static let ecsTasksTrustPolicy = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#

    /// The managed policy that lets ECS pull from ECR and write to CloudWatch Logs.
    public static let taskExecutionPolicyArn = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"

    /// The role named `name`, nil when there is none.
    public func role(named name: String) async throws -> Role? {
        do {
            let answer = try await client.call("GetRole", [("RoleName", name)])
            guard let role = answer.first("Role"), let arn = role["Arn"] else { return nil }
            var tags: [String: String] = [:]
            for tag in role.items(of: "Tags") {
                if let key = tag["Key"] { tags[key] = tag["Value"] ?? "" }
            }
            return Role(name: role["RoleName"] ?? name, arn: arn, tags: tags)
        } catch let error as AWSError where error.type == "NoSuchEntity" {
            return nil
        }
    }

    /// Creates a role ECS tasks can assume, tagged `tags`; returns its ARN.
    public func createRole(name: String, trustPolicy: String = IAMClient.ecsTasksTrustPolicy, description: String, tags: [String: String]) async throws -> String {
        var parameters = [("RoleName", name), ("AssumeRolePolicyDocument", trustPolicy), ("Description", description)]
        for (index, (key, value)) in tags.sorted(by: { $0.key < $1.key }).enumerated() {
            parameters += [("Tags.member.\(index + 1).Key", key), ("Tags.member.\(index + 1).Value", value)]
        }
        let answer = try await client.call("CreateRole", parameters)
        guard let arn = answer.first("Role")?["Arn"] else {
            throw AWSError(.invalidResponse, "CreateRole answered without an Arn", operation: "IAM CreateRole")
        }
        return arn
    }

    public func attachRolePolicy(role: String, policyArn: String) async throws {
        try await client.call("AttachRolePolicy", [("RoleName", role), ("PolicyArn", policyArn)])
    }

    /// Creates a customer managed policy; returns its ARN.
    public func createPolicy(name: String, document: String) async throws -> String {
        let answer = try await client.call("CreatePolicy", [("PolicyName", name), ("PolicyDocument", document)])
        guard let arn = answer.first("Policy")?["Arn"] else {
            throw AWSError(.invalidResponse, "CreatePolicy answered without an Arn", operation: "IAM CreatePolicy")
        }
        return arn
    }

    public func attachedPolicies(role: String) async throws -> [String] {
        let answer = try await client.call("ListAttachedRolePolicies", [("RoleName", role)])
        return answer.items(of: "AttachedPolicies").compactMap { $0["PolicyArn"] }
    }

    /// Detaches every managed policy from `name` and deletes it.
    public func deleteRole(named name: String) async throws {
        for policy in try await attachedPolicies(role: name) {
            try await client.call("DetachRolePolicy", [("RoleName", name), ("PolicyArn", policy)])
        }
        try await client.call("DeleteRole", [("RoleName", name)])
    }
}
