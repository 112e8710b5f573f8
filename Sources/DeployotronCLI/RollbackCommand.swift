import ArgumentParser
import Deploy
import Foundation

/// `deployotron rollback [ID]`: deploy an earlier version's image again.
struct RollbackCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollback",
        abstract: "Roll back to an earlier deployment (default: the one before the current one)."
    )

    @Argument(help: "The deployment to roll back to (id or its first 8 characters).")
    var deployment: String?

    @Option(help: "The project folder, when no deployment is given (default: the current one).")
    var path: String = "."

    @OptionGroup var deployEnvironment: EnvironmentOption

    @Flag(help: "Print the outcome as JSON instead of progress lines.")
    var json = false

    @Option(help: "The ledger: sqlite:PATH or dynamodb:TABLE[?region=R].")
    var store: String?

    func run() async throws {
        try await run(Workspace.current(projectRoot: path, store: store))
    }

    func run(_ workspace: Workspace) async throws {
        let service = workspace.deploy
        let input = try deployment.map { RollbackInput(deploymentId: $0, environmentName: deployEnvironment.name) }
            ?? RollbackInput(projectId: workspace.guid(), environmentName: try deployEnvironment.resolved(in: workspace))
        let progress = json ? nil : DeployCommand.progressPrinter(workspace.console)
        let outcome = try await DeployCommand.cancellable { try await service.rollback(input, progress: progress) }
        workspace.console.out(json ? try DeployJSON.string(outcome) : outcome.message)
    }
}
