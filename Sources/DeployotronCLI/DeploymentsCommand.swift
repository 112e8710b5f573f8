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

    @Option(
        name: .customLong("environment"),
        help: ArgumentHelp("Only this deploy environment's deployments (default: every environment's).", valueName: "name"))
    var environmentName: String?

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
        var input = all ? ListDeploymentsInput(limit: limit) : ListDeploymentsInput(projectId: try workspace.guid(), limit: limit)
        input.environmentName = environmentName
        let list = try await service.list(input)
        let out = workspace.console.out
        if json {
            out(try DeployJSON.string(list))
        } else if list.deployments.isEmpty {
            let scope = environmentName.map { " in \($0)" } ?? ""
            out(all ? "No deployments\(scope) yet." : "No deployments of \(workspace.projectRoot.path)\(scope) yet; run `deployotron deploy`.")
        } else {
            for deployment in list.deployments {
                var line = "\(deployment.id.prefix(8))  \(deployment.status.padding(toLength: 11, withPad: " ", startingAt: 0)) \(deployment.startedAt)  \(deployment.imageTag ?? "-")"
                if let url = deployment.url, deployment.status == "running" || deployment.status == "stopped" { line += "  \(url)" }
                if let rollback = deployment.rollbackOf { line += "  (rollback to \(rollback.prefix(8)))" }
                if let environment = deployment.environment, environment != DeployEnvironment.defaultName { line += "  [\(environment)]" }
                if let error = deployment.error { line += "\n          " + (error.split(separator: "\n").first.map(String.init) ?? "") }
                out(line)
            }
        }
    }
}
