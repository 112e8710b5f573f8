import Foundation

/// What an ECS deployment is made of, kept with its plan so status, logs, rollback and teardown
/// can find it again: the AWS names the deploy steps chose or created.
public struct ECSDeploymentDetails: Sendable, Codable, Equatable {
    public var region: String
    public var repository: String
    /// `<account>.dkr.ecr.<region>.amazonaws.com/<repository>` (or the registry a test pushed to).
    public var repositoryURI: String
    /// The full image reference pushed: `<repositoryURI>:deploy_<id8>`.
    public var image: String
    public var imageDigest: String?
    public var cluster: String
    public var service: String
    public var taskDefinitionArn: String?
    /// The ECS deployment id (`ecs-svc/...`) the service update started.
    public var deploymentId: String?
    public var logGroup: String
    public var logStreamPrefix: String
    public var executionRoleArn: String?
    public var securityGroup: String?
    public var subnets: [String]
    /// Whether this deploy created the service (nothing earlier to go back to).
    public var createdService: Bool
    /// Whether the service was pointed at this deployment's task definition.
    public var updatedService: Bool

    public init(region: String, repository: String, repositoryURI: String, image: String, cluster: String, service: String, logGroup: String, logStreamPrefix: String) {
        self.region = region
        self.repository = repository
        self.repositoryURI = repositoryURI
        self.image = image
        self.cluster = cluster
        self.service = service
        self.logGroup = logGroup
        self.logStreamPrefix = logStreamPrefix
        self.subnets = []
        self.createdService = false
        self.updatedService = false
    }
}

/// A deployment's plan with its ECS details, as the target keeps it on disk.
struct ECSDeploymentFile: Codable {
    var plan: DeploymentPlan
    var ecs: ECSDeploymentDetails
}
