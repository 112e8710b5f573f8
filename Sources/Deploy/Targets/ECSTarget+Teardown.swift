import AWS
import Foundation

// MARK: - Teardown

extension ECSTarget {
    /// One thing teardown removes (or could not).
    public struct TeardownItem: Sendable, Equatable {
        /// `ECS service shop in cluster deployotron-shop-7f3c2a1e`.
        public var description: String
        /// Set when removing it failed; the rest goes on.
        public var problem: String?
    }

    /// Removes what deployotron made on AWS for `project`: each resource only when its tag
    /// `deployotron:project` names this guid (task definitions by their family, which carries the
    /// guid). With `dryRun` nothing is removed, and the answer is what a confirmation should name.
    /// A cluster or execution role the settings name is the user's and is left alone.
    public func teardown(_ project: DeployProject, dryRun: Bool) async throws -> [TeardownItem] {
        let clients: ECSClients
        do { clients = try self.clients() } catch let error as AWSError { throw DeployError(.aws, error.message) }
        let names = names(project)
        let ours: ([String: String]?) -> Bool = { $0?["deployotron:project"] == project.guid }
        var items: [TeardownItem] = []

        func remove(_ description: String, _ body: () async throws -> Void) async {
            var item = TeardownItem(description: description)
            if !dryRun {
                do { try await body() } catch { item.problem = "\(error)" }
            }
            items.append(item)
        }

        let cluster = try await aws("looking up \(names.cluster)") { try await clients.ecs.cluster(named: names.cluster) }
        if cluster != nil, let service = try await aws("looking up \(names.service)", { try await clients.ecs.service(cluster: names.cluster, name: names.service) }),
           ours(try? await clients.ecs.tags(of: service.arn)) {
            await remove("ECS service \(names.service) in cluster \(names.cluster)") {
                try await clients.ecs.deleteService(cluster: names.cluster, name: names.service)
            }
        }
        for arn in (try? await clients.ecs.taskDefinitions(family: names.family)) ?? [] where arn.contains(":task-definition/\(names.family):") {
            await remove("task definition \(ECSDeploymentWatcher.revision(arn))") { try await clients.ecs.deregisterTaskDefinition(arn) }
        }
        if settings.cluster == nil, let cluster, ours(try? await clients.ecs.tags(of: cluster.arn)) {
            await remove("ECS cluster \(names.cluster)") { try await clients.ecs.deleteCluster(name: names.cluster) }
        }
        if let repository = try await aws("looking up \(names.repository)", { try await clients.ecr.repository(named: names.repository) }),
           ours(try? await clients.ecr.tags(of: repository.arn)) {
            await remove("ECR repository \(names.repository) and its images") { try await clients.ecr.deleteRepository(name: names.repository) }
        }
        if ours(try? await clients.logs.logGroupTags(names.logGroup)) {
            await remove("log group \(names.logGroup)") { try await clients.logs.deleteLogGroup(names.logGroup) }
        }
        if let vpc = try? await clients.ec2.defaultVPC(), let group = try? await clients.ec2.securityGroup(named: names.securityGroup, vpc: vpc), ours(group.tags) {
            await remove("security group \(names.securityGroup) (\(group.id))") { try await clients.ec2.deleteSecurityGroup(id: group.id) }
        }
        if settings.executionRoleArn == nil, let role = try? await clients.iam.role(named: names.executionRole), ours(role.tags) {
            await remove("IAM role \(names.executionRole)") { try await clients.iam.deleteRole(named: names.executionRole) }
        }
        return items
    }
}
