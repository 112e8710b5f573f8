import ArgumentParser
import Deploy
import Foundation

/// `deployotron logs ID`: a deployment's container logs, or the excerpt the ledger kept.
struct LogsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logs",
        abstract: "Show a deployment's logs (its container's when it runs, else the excerpt kept when it ended)."
    )

    @Argument(help: "The deployment id, or its first 8 characters.")
    var deployment: String

    @Option(help: "How many of the last lines to show.")
    var tail: Int = 100

    @Flag(help: "Print JSON, as the get_logs tool returns.")
    var json = false

    @Option(help: "The ledger: sqlite:PATH or dynamodb:TABLE[?region=R].")
    var store: String?

    func run() async throws {
        try await run(Workspace.current(store: store))
    }

    func run(_ workspace: Workspace) async throws {
        let output = try await workspace.deploy.logs(LogsInput(deploymentId: deployment, tail: tail))
        if json {
            workspace.console.out(try DeployJSON.string(output))
        } else {
            for line in output.lines { workspace.console.out(line) }
        }
    }
}
