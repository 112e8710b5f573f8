import AsyncHTTPClient
import Foundation
import JSON

/// The ECR calls a container deploy needs: a registry login and what was pushed.
public struct ECRClient: Sendable {
    public var client: AWSJSONClient

    public init(transport: AWSServiceClient) {
        self.client = AWSJSONClient(transport: transport, targetPrefix: "AmazonEC2ContainerRegistry_V20150921", jsonVersion: "1.1")
    }

    public static func fromEnvironment(
        region: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment, httpClient: HTTPClient = .shared
    ) throws -> ECRClient {
        ECRClient(transport: try AWSServiceClient.fromEnvironment(.ecr, displayName: "ECR", region: region, environment: environment, httpClient: httpClient))
    }

    /// A `docker login` for the account's registry. The password is a secret: `description` hides it.
    public struct Login: Sendable, CustomStringConvertible {
        public var username: String
        public var password: String
        /// `https://123456789012.dkr.ecr.us-east-1.amazonaws.com`
        public var registry: String
        public var expiresAt: Date?

        public var description: String { "ECR login \(username)@\(registry) (password hidden)" }
    }

    public struct Image: Sendable, Equatable {
        public var digest: String
        public var tags: [String]
        public var pushedAt: Date?
    }

    public func login() async throws -> Login {
        let answer = try await client.call("GetAuthorizationToken", [:])
        guard let data = answer["authorizationData"]?.arrayValue?.first, let token = data["authorizationToken"]?.stringValue,
            let decoded = Data(base64Encoded: token).map({ String(decoding: $0, as: UTF8.self) }), let colon = decoded.firstIndex(of: ":")
        else {
            throw AWSError(.invalidResponse, "GetAuthorizationToken answered without a usable token", operation: "ECR GetAuthorizationToken")
        }
        return Login(
            username: String(decoded[..<colon]), password: String(decoded[decoded.index(after: colon)...]),
            registry: data["proxyEndpoint"]?.stringValue ?? "", expiresAt: data["expiresAt"]?.doubleValue.map(Date.init(timeIntervalSince1970:)))
    }

    /// The images of `repository`, or only those tagged `tags` when given.
    public func describeImages(repository: String, tags: [String] = []) async throws -> [Image] {
        var input: [String: JSONValue] = ["repositoryName": .string(repository)]
        if !tags.isEmpty { input["imageIds"] = .array(tags.map { ["imageTag": .string($0)] }) }
        var images: [Image] = []
        var token: String?
        repeat {
            if let token { input["nextToken"] = .string(token) }
            let answer = try await client.call("DescribeImages", .object(input))
            for detail in answer["imageDetails"]?.arrayValue ?? [] {
                guard let digest = detail["imageDigest"]?.stringValue else { continue }
                images.append(Image(
                    digest: digest, tags: detail["imageTags"]?.arrayValue?.compactMap(\.stringValue) ?? [],
                    pushedAt: detail["imagePushedAt"]?.doubleValue.map(Date.init(timeIntervalSince1970:))))
            }
            token = answer["nextToken"]?.stringValue
        } while token != nil
        return images
    }
}
