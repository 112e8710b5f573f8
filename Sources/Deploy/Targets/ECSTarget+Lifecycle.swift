import AWS
import Foundation
import JSON
import Ledger

// MARK: - Undo, lifecycle, logs, resources

extension ECSTarget {
    /// After a failed or cancelled attempt: if the service still runs this attempt's task
    /// definition, point it back at the previous deployment's (or scale a new service to zero).
    public func discard(_ state: DeployState) async -> [String] {
        defer { runs[state.deployment.id] = nil }
        guard let details = runs[state.deployment.id] else { return [] }
        var notes: [String] = []
        if details.updatedService, let ours = details.taskDefinitionArn {
            do {
                let clients = try clients()
                let service = try await clients.ecs.service(cluster: details.cluster, name: details.service)
                if let service, service.primaryDeployment?.taskDefinition == ours {
                    if let previous = state.previous, let earlier = self.details(of: previous)?.taskDefinitionArn ?? previous.taskDefinition, earlier != ours {
                        try await clients.ecs.updateService(cluster: details.cluster, service: details.service, taskDefinition: earlier)
                        notes.append("the service \(details.service) was pointed back to \(ECSDeploymentWatcher.revision(earlier))")
                    } else if details.createdService || state.previous == nil {
                        try await clients.ecs.updateService(cluster: details.cluster, service: details.service, desiredCount: 0, forceNewDeployment: false)
                        notes.append("the service \(details.service) was scaled to 0 tasks; the next deploy starts it again")
                    }
                }
            } catch {
                notes.append("the service \(details.service) may still be rolling \(ECSDeploymentWatcher.revision(ours)) (\(error)); `deployotron rollback` points it back")
            }
        }
        if state.filesWritten { try? FileManager.default.removeItem(at: folder(of: state.deployment)) }
        return notes
    }

    /// Nothing to do: the service itself replaced the previous deployment's tasks.
    public func retire(_ previous: DeploymentRecord, replacedBy current: DeploymentRecord) async throws {}

    /// The deployment's details from its files, else rebuilt from its ledger record (names from the
    /// guid, the revision and digest the record kept) for the settings' cluster and region.
    func requireDetails(_ deployment: DeploymentRecord) throws -> (ECSDeploymentDetails, ECSClients) {
        do {
            if let details = details(of: deployment) {
                return (details, try ECSClients(environment: environment, region: details.region))
            }
            guard deployment.taskDefinition != nil else {
                throw DeployError(.notFound, "the files of ECS deployment \(deployment.id) are gone (\(fileURL(of: deployment).path)) and its record names no task definition")
            }
            let clients = try clients()
            return (recordedDetails(of: deployment, region: clients.region), clients)
        } catch let error as AWSError {
            throw DeployError(.aws, error.message)
        }
    }

    /// What the ledger record and the names of its project say about a deployment whose files are gone.
    func recordedDetails(of deployment: DeploymentRecord, region: String) -> ECSDeploymentDetails {
        let names = names(of: deployment)
        let tag = deployment.imageTag.flatMap(Self.split)?.tag ?? ""
        var details = ECSDeploymentDetails(
            region: region, repository: names.repository, repositoryURI: names.repository, image: "\(names.repository):\(tag)",
            cluster: names.cluster, service: names.service, logGroup: names.logGroup, logStreamPrefix: "app")
        details.taskDefinitionArn = deployment.taskDefinition
        details.imageDigest = deployment.imageDigest
        return details
    }

    /// Scales the service to zero tasks.
    public func stop(_ deployment: DeploymentRecord) async throws {
        let (details, clients) = try requireDetails(deployment)
        try await aws("scaling \(details.service) to 0") {
            try await clients.ecs.updateService(cluster: details.cluster, service: details.service, desiredCount: 0, forceNewDeployment: false)
        }
    }

    /// Runs the deployment's task definition again with the configured count, and waits for it.
    public func restart(_ deployment: DeploymentRecord) async throws {
        let (details, clients) = try requireDetails(deployment)
        let service = try await aws("restarting \(details.service)") {
            try await clients.ecs.updateService(
                cluster: details.cluster, service: details.service, taskDefinition: details.taskDefinitionArn, desiredCount: settings.desiredCount)
        }
        guard let id = service.primaryDeployment?.id else { return }
        let watch = ECSDeploymentWatcher.Watch(
            cluster: details.cluster, service: details.service, deploymentId: id, logGroup: details.logGroup,
            logStreamPrefix: details.logStreamPrefix, since: Date().addingTimeInterval(-5))
        if let waitOverride { try await waitOverride(watch) } else { try await watcher(clients).wait(for: watch) }
    }

    /// Deletes the service when this deployment is live, and this deployment's image.
    public func remove(_ deployment: DeploymentRecord, live: Bool) async throws {
        let (details, clients) = try requireDetails(deployment)
        if live {
            try await aws("deleting the service \(details.service)") {
                if try await clients.ecs.service(cluster: details.cluster, name: details.service) != nil {
                    try await clients.ecs.deleteService(cluster: details.cluster, name: details.service)
                }
            }
        }
        if let tag = deployment.imageTag.flatMap(Self.split)?.tag {
            _ = try? await clients.ecr.deleteImages(repository: details.repository, tags: [tag])
        }
        try? FileManager.default.removeItem(at: folder(of: deployment))
    }

    /// The app's last `tail` CloudWatch log lines (its most recently written task streams), since
    /// the deployment started.
    public func logs(_ deployment: DeploymentRecord, tail: Int) async throws -> [String] {
        let (details, clients) = try requireDetails(deployment)
        let events = try await aws("reading \(details.logGroup)") { try await clients.logs.latestEvents(group: details.logGroup, limit: tail) }
        return events.filter { $0.timestamp >= deployment.startedAt.addingTimeInterval(-60) }.map(\.message)
    }

    /// `running` while the service's primary deployment runs this deployment's revision with tasks up.
    public func runtimeState(_ deployment: DeploymentRecord) async throws -> RuntimeState? {
        let (details, clients) = try requireDetails(deployment)
        guard let service = try await aws("describing \(details.service)", { try await clients.ecs.service(cluster: details.cluster, name: details.service) }),
              let primary = service.primaryDeployment else { return nil }
        let rollout = "\(primary.rolloutState ?? primary.status) \(primary.runningCount)/\(primary.desiredCount) tasks"
        guard primary.taskDefinition == details.taskDefinitionArn else {
            return RuntimeState(status: "replaced", health: "the service runs \(ECSDeploymentWatcher.revision(primary.taskDefinition)): \(rollout)")
        }
        return RuntimeState(status: primary.runningCount > 0 ? "running" : "stopped", health: rollout)
    }

    /// Deletes the repository's `deploy_` images not in `keep` (the lifecycle policy bounds the rest).
    public func pruneArtifacts(of deployment: DeploymentRecord, keep: Set<String>) async throws -> [String] {
        let (details, clients) = try requireDetails(deployment)
        let images = try await aws("listing the images of \(details.repository)") { try await clients.ecr.describeImages(repository: details.repository) }
        let stale = images.flatMap(\.tags).filter { $0.hasPrefix("deploy_") && !keep.contains("\(details.repository):\($0)") }
        guard !stale.isEmpty else { return [] }
        let removed = try await aws("deleting old images of \(details.repository)") { try await clients.ecr.deleteImages(repository: details.repository, tags: stale) }
        return removed.map { "\(details.repository):\($0)" }
    }

    public func resources(of state: DeployState) -> [String: JSONValue] {
        resources(of: state.deployment)
    }

    /// What `remove` deletes: the service when live, and the deployment's image.
    public func removalPreview(_ deployment: DeploymentRecord, live: Bool) async -> [String] {
        let names = names(of: deployment)
        var items: [String] = []
        if live { items.append("the ECS service \(names.service) in cluster \(names.cluster)") }
        if let artifact = deployment.imageTag { items.append("the ECR image \(artifact)") }
        return items
    }

    public func resources(of deployment: DeploymentRecord) -> [String: JSONValue] {
        guard let details = details(of: deployment) else { return [:] }
        var resources: [String: JSONValue] = [
            "ecrRepository": .string(details.repositoryURI), "ecsCluster": .string(details.cluster), "ecsService": .string(details.service),
            "logGroup": .string(details.logGroup), "region": .string(details.region),
        ]
        if let arn = details.taskDefinitionArn { resources["taskDefinition"] = .string(arn) }
        if let digest = details.imageDigest { resources["imageDigest"] = .string(digest) }
        if let url = deployment.url { resources["url"] = .string(url) }
        return resources
    }
}
