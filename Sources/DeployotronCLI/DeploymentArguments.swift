import ArgumentParser
import Deploy

/// The arguments of the commands that act on one deployment: `stop`, `restart`, `remove`.
struct DeploymentArguments: ParsableArguments {
    @Argument(help: "The deployment id, or its first 8 characters.")
    var deployment: String

    @Flag(help: "Print the deployment as JSON.")
    var json = false

    @Option(help: "The ledger: sqlite:PATH or dynamodb:TABLE[?region=R].")
    var store: String?

    /// Runs `action` on the deployment and prints the outcome.
    func run(in workspace: Workspace?, _ action: @escaping @Sendable (DeployService, DeploymentReference) async throws -> DeploymentSummary) async throws {
        let workspace = workspace ?? Workspace.current(store: store)
        let service = workspace.deploy
        let reference = DeploymentReference(deploymentId: deployment)
        let summary = try await DeployCommand.cancellable { try await action(service, reference) }
        workspace.console.out(json ? try DeployJSON.string(summary) : "\(summary.id.prefix(8)) is \(summary.status).")
    }
}
