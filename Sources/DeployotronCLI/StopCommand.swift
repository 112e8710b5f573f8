import ArgumentParser
import Deploy
import Foundation

/// `deployotron stop ID`.
struct StopCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stop",
        abstract: "Stop a running deployment (its port stays reserved for restart)."
    )

    @Argument(help: "The deployment id, or its first 8 characters.")
    var deployment: String

    @Flag(help: "Print the deployment as JSON.")
    var json = false

    @Option(help: "The ledger: sqlite:PATH or dynamodb:TABLE[?region=R].")
    var store: String?

    func run() async throws {
        let summary = try await DeployCommand.service(store: store).stop(DeploymentReference(deploymentId: deployment))
        print(json ? try DeployJSON.string(summary) : "\(summary.id.prefix(8)) is \(summary.status).")
    }
}
