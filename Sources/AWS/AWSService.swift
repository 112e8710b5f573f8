/// How one AWS service is addressed and signed, and how its endpoint can be overridden.
public struct AWSService: Sendable, Hashable {
    /// The SigV4 service name: `dynamodb`, `s3`, `logs`...
    public var signingName: String
    /// The first label(s) of the regional host: `dynamodb`, `api.ecr`...
    public var endpointPrefix: String
    /// The `<SERVICE>` of AWS_ENDPOINT_URL_<SERVICE>, as the AWS SDKs spell it.
    public var environmentName: String
    /// For a global service (CloudFront), the one region it is signed for; its host has no region.
    public var globalRegion: String?

    public init(signingName: String, endpointPrefix: String, environmentName: String, globalRegion: String? = nil) {
        self.signingName = signingName
        self.endpointPrefix = endpointPrefix
        self.environmentName = environmentName
        self.globalRegion = globalRegion
    }

    public static let dynamoDB = AWSService(signingName: "dynamodb", endpointPrefix: "dynamodb", environmentName: "DYNAMODB")
    public static let s3 = AWSService(signingName: "s3", endpointPrefix: "s3", environmentName: "S3")
    public static let cloudFront = AWSService(signingName: "cloudfront", endpointPrefix: "cloudfront", environmentName: "CLOUDFRONT", globalRegion: "us-east-1")
    public static let ecr = AWSService(signingName: "ecr", endpointPrefix: "api.ecr", environmentName: "ECR")
    public static let ecs = AWSService(signingName: "ecs", endpointPrefix: "ecs", environmentName: "ECS")
    public static let cloudWatchLogs = AWSService(signingName: "logs", endpointPrefix: "logs", environmentName: "CLOUDWATCH_LOGS")
}
