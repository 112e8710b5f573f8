import Foundation
import JSON

/// The AWS JSON protocol: `POST /` with `x-amz-target: <prefix>.<Operation>` and a JSON body,
/// as DynamoDB (1.0), ECR, ECS and CloudWatch Logs (1.1) speak it.
public struct AWSJSONClient: Sendable {
    public var transport: AWSServiceClient
    /// `DynamoDB_20120810`, `AmazonEC2ContainerServiceV20141113`...
    public var targetPrefix: String
    /// `1.0` or `1.1`: the suffix of `application/x-amz-json-`.
    public var jsonVersion: String

    public init(transport: AWSServiceClient, targetPrefix: String, jsonVersion: String) {
        self.transport = transport
        self.targetPrefix = targetPrefix
        self.jsonVersion = jsonVersion
    }

    /// Calls `operation` with `input`; the answer's JSON object, or an `AWSError`.
    @discardableResult
    public func call(_ operation: String, _ input: JSONValue) async throws -> JSONValue {
        let response = try await transport.send(
            operation: operation,
            headers: [
                ("content-type", "application/x-amz-json-\(jsonVersion)"),
                ("x-amz-target", "\(targetPrefix).\(operation)"),
            ],
            body: Array(input.encoded()))
        if response.body.isEmpty { return .object([:]) }
        do {
            return try JSONValue(parsing: Data(response.body))
        } catch {
            throw AWSError(
                .invalidResponse, "the answer was not JSON (\(response.body.count) bytes)", operation: "\(transport.displayName) \(operation)",
                status: response.status, requestId: response.header("x-amzn-requestid"))
        }
    }
}
