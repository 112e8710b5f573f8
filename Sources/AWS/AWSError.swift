import Foundation

/// Why a call to AWS, or the setup for one, failed: what a user needs to fix it, never a secret.
public struct AWSError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// No access key was found in the environment or the profile files.
        case missingCredentials
        /// A region, profile, endpoint or setting could not be used.
        case invalidConfiguration
        /// The service answered with an error status.
        case service
        /// The request did not reach the service, or its answer did not arrive whole.
        case transport
        /// No answer within the whole time allowed, connection retries included: not worth repeating.
        case timedOut
        /// The service answered something this client could not read.
        case invalidResponse
    }

    public var kind: Kind
    /// What was being done, e.g. "DynamoDB PutItem".
    public var operation: String?
    /// The HTTP status, for `.service`.
    public var status: Int?
    /// The AWS error type (`__type` without its namespace), e.g. "ConditionalCheckFailedException".
    public var type: String?
    public var message: String
    /// `x-amzn-RequestId` or `x-amz-request-id`: what AWS support asks for.
    public var requestId: String?

    public init(_ kind: Kind, _ message: String, operation: String? = nil, status: Int? = nil, type: String? = nil, requestId: String? = nil) {
        self.kind = kind
        self.message = message
        self.operation = operation
        self.status = status
        self.type = type
        self.requestId = requestId
    }

    public var description: String {
        var text = operation.map { "\($0): " } ?? ""
        if let type { text += "\(type): " }
        text += message
        var details: [String] = []
        if let status { details.append("HTTP \(status)") }
        if let requestId { details.append("request id \(requestId)") }
        if !details.isEmpty { text += " (\(details.joined(separator: ", ")))" }
        return text
    }

    /// The error types AWS uses to ask a client to slow down.
    public static let throttlingTypes: Set<String> = [
        "ProvisionedThroughputExceededException", "ThrottlingException", "Throttling", "ThrottledException",
        "RequestLimitExceeded", "RequestThrottled", "RequestThrottledException", "TooManyRequestsException",
        "SlowDown",
    ]

    /// Throttling, a 5xx answer or a broken connection: worth sending again after a pause.
    public var isRetryable: Bool {
        switch kind {
        case .transport: return true
        case .service:
            if let type, Self.throttlingTypes.contains(type) { return true }
            if let status, status >= 500 || status == 429 { return true }
            return false
        case .missingCredentials, .invalidConfiguration, .invalidResponse, .timedOut: return false
        }
    }

    /// A condition expression did not hold: someone else wrote first.
    public var isConditionalCheckFailed: Bool {
        type == "ConditionalCheckFailedException"
    }
}
