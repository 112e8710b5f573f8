import AsyncHTTPClient
import Foundation

extension AWSService {
    /// STS at its regional endpoint (`sts.REGION.amazonaws.com`), as the AWS SDKs now default to.
    public static let sts = AWSService(signingName: "sts", endpointPrefix: "sts", environmentName: "STS")
}

/// STS: who the credentials belong to. `deployotron doctor` asks it before a deploy depends on them.
public struct STSClient: Sendable {
    public var client: AWSQueryClient

    public init(transport: AWSServiceClient) {
        self.client = AWSQueryClient(transport: transport, version: "2011-06-15")
    }

    /// A client from the credential chain, the region it names (us-east-1 when none does: every
    /// regional STS endpoint answers GetCallerIdentity), and AWS_ENDPOINT_URL_STS / AWS_ENDPOINT_URL.
    public static func fromEnvironment(
        environment: [String: String] = ProcessInfo.processInfo.environment, homeDirectory: String? = nil,
        httpClient: HTTPClient = .shared, timeout: Duration = .seconds(10)
    ) throws -> STSClient {
        let region = try AWSCredentialChain(environment: environment, homeDirectory: homeDirectory).region() ?? "us-east-1"
        var transport = try AWSServiceClient.fromEnvironment(
            .sts, displayName: "STS", region: region, environment: environment, homeDirectory: homeDirectory, httpClient: httpClient)
        transport.timeout = timeout
        return STSClient(transport: transport)
    }

    /// The account, the ARN of the user or role, and its unique id.
    public struct CallerIdentity: Sendable, Equatable {
        public var account: String
        public var arn: String
        public var userId: String

        public init(account: String, arn: String, userId: String) {
            self.account = account
            self.arn = arn
            self.userId = userId
        }
    }

    /// GetCallerIdentity: needs no permission, so it fails only when the credentials are not valid.
    public func callerIdentity() async throws -> CallerIdentity {
        let answer = try await client.call("GetCallerIdentity")
        guard let result = answer.first("GetCallerIdentityResult"), let account = result["Account"], let arn = result["Arn"] else {
            throw AWSError(.invalidResponse, "GetCallerIdentity answered without an Account and Arn", operation: "STS GetCallerIdentity")
        }
        return CallerIdentity(account: account, arn: arn, userId: result["UserId"] ?? "")
    }
}
