import ArgumentParser
import Deploy
import Foundation

/// `deployotron deployments [PATH]`: the deployment history.
struct DeploymentsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deployments",
        abstract: "List deployments: the project's in PATH, or every project's with --all."
    )

    @Argument(help: "The project folder (default: the current one).")
    var path: String = "."

    @Flag(help: "List every project's deployments.")
    var all = false

    @Option(help: "Show at most this many.")
    var limit: Int = 20

    @Flag(help: "Print JSON, as the list_deployments tool returns.")
    var json = false

    @Option(help: "The ledger: sqlite:PATH or dynamodb:TABLE[?region=R].")
    var store: String?

    func run() async throws {
        try await run(Workspace.current(projectRoot: path, store: store))
    }

    func run(_ workspace: Workspace) async throws {
        let service = workspace.deploy
        try await service.recoverInterrupted()
        let list = try await service.list(all ? ListDeploymentsInput(limit: limit) : ListDeploymentsInput(projectId: try workspace.guid(), limit: limit))
        let out = workspace.console.out
        if json {
            out(try DeployJSON.string(list))
        } else if list.deployments.isEmpty {
            out(all ? "No deployments yet." : "No deployments of \(workspace.projectRoot.path) yet; run `deployotron deploy`.")
        } else {
            for deployment in list.deployments {
                var line = "\(deployment.id.prefix(8))  \(deployment.status.padding(toLength: 11, withPad: " ", startingAt: 0)) \(deployment.startedAt)  \(deployment.imageTag ?? "-")"
                if let url = deployment.url, deployment.status == "running" || deployment.status == "stopped" { line += "  \(url)" }
                if let rollback = deployment.rollbackOf { line += "  (rollback to \(rollback.prefix(8)))" }
                if let error = deployment.error { line += "\n          " + (error.split(separator: "\n").first.map(String.init) ?? "") }
                out(line)
            }
        }
    }
}
