import ArgumentParser
import Deploy
import Foundation
import Ledger

/// The arguments of the commands that act on one deployment: `stop`, `restart`, `remove`, `status`.
struct DeploymentArguments: ParsableArguments {
    @Argument(help: "The deployment id, or its first 8 characters (or leave it out and name an --environment: its current deployment).")
    var deployment: String?

    @OptionGroup var environment: EnvironmentOption

    @Flag(help: "Print the deployment as JSON.")
    var json = false

    @Option(help: "The ledger: sqlite:PATH or dynamodb:TABLE[?region=R].")
    var store: String?

    /// For commands that change things: a deployment id or an environment must be given.
    func requireChoice() throws {
        guard deployment == nil, environment.name == nil else { return }
        throw ValidationError("give a deployment id, or --environment NAME for that environment's current deployment")
    }

    /// The deployment named, or the current one of the environment named; `requireChoice` asks for
    /// one of the two (commands that change things never guess).
    func reference(in workspace: Workspace, requireChoice: Bool = true) async throws -> DeploymentReference {
        let service = workspace.deploy
        if let deployment {
            try environment.check(try await service.deployment(matching: deployment))
            return DeploymentReference(deploymentId: deployment)
        }
        guard environment.name != nil || !requireChoice else {
            throw ValidationError("give a deployment id, or --environment NAME for that environment's current deployment")
        }
        let named = try environment.resolved(in: workspace)
        guard let live = try await service.liveDeployment(projectId: try workspace.guid(), environment: named) else {
            throw CommandError("\(workspace.projectRoot.path) has no current deployment in \(named); `deployotron deployments` lists them")
        }
        return DeploymentReference(deploymentId: live.id)
    }

    /// Runs `action` on the deployment and prints the outcome.
    func run(in workspace: Workspace?, _ action: @escaping @Sendable (DeployService, DeploymentReference) async throws -> DeploymentSummary) async throws {
        let workspace = workspace ?? Workspace.current(store: store)
        let service = workspace.deploy
        let reference = try await reference(in: workspace)
        let summary = try await DeployCommand.cancellable { try await action(service, reference) }
        workspace.console.out(json ? try DeployJSON.string(summary) : "\(summary.id.prefix(8)) is \(summary.status).")
    }
}
