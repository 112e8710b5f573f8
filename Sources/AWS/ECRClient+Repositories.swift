import Foundation
import JSON

// MARK: - Repositories

extension ECRClient {
    public struct Repository: Sendable, Equatable {
        public var name: String
        public var arn: String
        /// `123456789012.dkr.ecr.us-east-1.amazonaws.com/name`: where images are pushed.
        public var uri: String
    }

    /// The repository named `name`, nil when there is none.
    public func repository(named name: String) async throws -> Repository? {
        do {
            let answer = try await client.call("DescribeRepositories", ["repositoryNames": [.string(name)]])
            return answer["repositories"]?.arrayValue?.first.flatMap(Self.repository)
        } catch let error as AWSError where error.type == "RepositoryNotFoundException" {
            return nil
        }
    }

    /// Creates a repository that scans every push and keeps tags immutable, tagged `tags`.
    public func createRepository(name: String, tags: [String: String]) async throws -> Repository {
        let answer = try await client.call("CreateRepository", [
            "repositoryName": .string(name),
            "imageTagMutability": "IMMUTABLE",
            "imageScanningConfiguration": ["scanOnPush": true],
            "tags": .array(tags.sorted { $0.key < $1.key }.map { ["Key": .string($0.key), "Value": .string($0.value)] }),
        ])
        guard let repository = answer["repository"].flatMap(Self.repository) else {
            throw AWSError(.invalidResponse, "CreateRepository answered without a repository", operation: "ECR CreateRepository")
        }
        return repository
    }

    /// The repository's tags.
    public func tags(of repositoryArn: String) async throws -> [String: String] {
        let answer = try await client.call("ListTagsForResource", ["resourceArn": .string(repositoryArn)])
        var tags: [String: String] = [:]
        for tag in answer["tags"]?.arrayValue ?? [] {
            if let key = tag["Key"]?.stringValue { tags[key] = tag["Value"]?.stringValue ?? "" }
        }
        return tags
    }

    /// A lifecycle policy that expires all but the newest `count` images.
    public static func keepLastImagesPolicy(_ count: Int) -> String {
        let rule: JSONValue = [
            "rulePriority": 1,
            "description": .string("keep the last \(count) images"),
            "selection": ["tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": .number(Double(count))],
            "action": ["type": "expire"],
        ]
        return JSONValue.object(["rules": [rule]]).encodedString()
    }

    public func putLifecyclePolicy(repository: String, policy: String) async throws {
        try await client.call("PutLifecyclePolicy", ["repositoryName": .string(repository), "lifecyclePolicyText": .string(policy)])
    }

    public func lifecyclePolicy(repository: String) async throws -> String? {
        do {
            return try await client.call("GetLifecyclePolicy", ["repositoryName": .string(repository)])["lifecyclePolicyText"]?.stringValue
        } catch let error as AWSError where error.type == "LifecyclePolicyNotFoundException" {
            return nil
        }
    }

    /// The image tagged `tag` in `repository`, nil when it (or the repository) is gone.
    public func image(repository: String, tag: String) async throws -> Image? {
        do {
            return try await describeImages(repository: repository, tags: [tag]).first
        } catch let error as AWSError where error.type == "ImageNotFoundException" || error.type == "RepositoryNotFoundException" {
            return nil
        }
    }

    /// Deletes the images tagged `tags`; returns the tags deleted.
    @discardableResult
    public func deleteImages(repository: String, tags: [String]) async throws -> [String] {
        guard !tags.isEmpty else { return [] }
        let answer = try await client.call("BatchDeleteImage", [
            "repositoryName": .string(repository), "imageIds": .array(tags.map { ["imageTag": .string($0)] }),
        ])
        return (answer["imageIds"]?.arrayValue ?? []).compactMap { $0["imageTag"]?.stringValue }
    }

    /// Deletes the repository and every image in it.
    public func deleteRepository(name: String) async throws {
        try await client.call("DeleteRepository", ["repositoryName": .string(name), "force": true])
    }

    static func repository(_ json: JSONValue) -> Repository? {
        guard let name = json["repositoryName"]?.stringValue, let uri = json["repositoryUri"]?.stringValue else { return nil }
        return Repository(name: name, arn: json["repositoryArn"]?.stringValue ?? "", uri: uri)
    }
}
