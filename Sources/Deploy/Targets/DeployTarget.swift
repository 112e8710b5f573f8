import Foundation
import Ledger

/// Where deployments run: local docker now, S3 + CloudFront and ECS next.
///
/// A target contributes the steps that put a prepared deployment live; the service around it
/// handles what every target shares (lock, detection, ledger, ports).
public protocol DeployTarget: Sendable {
    var kind: DeployTargetKind { get }

    /// The steps from a prepared state to a healthy deployment, in order.
    func deploySteps() -> [DeployStep<DeployState>]

    /// Puts `previous` back after `failed` did not come up; returns whether it is running again.
    func restore(_ previous: DeploymentRecord, after failed: DeploymentRecord) async -> Bool

    func stop(_ deployment: DeploymentRecord) async throws
    /// Starts a stopped deployment or restarts a running one, and waits until it is healthy.
    func restart(_ deployment: DeploymentRecord) async throws
    /// Takes the deployment down; `live` says whether its containers are the project's current ones.
    func remove(_ deployment: DeploymentRecord, live: Bool) async throws
    func logs(_ deployment: DeploymentRecord, tail: Int) async throws -> [String]
    /// The deployment's runtime state as the target sees it, nil when nothing runs.
    func runtimeState(_ deployment: DeploymentRecord) async throws -> ContainerState?
    func imageExists(_ tag: String) async throws -> Bool
    /// Removes the repository's deploy images not in `keep`; returns the removed tags.
    func pruneImages(repository: String, keep: Set<String>) async throws -> [String]
}
