import ArgumentParser
import Deploy
import Foundation

/// `deployotron remove ID`.
struct RemoveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove",
        abstract: "Take a deployment down and give its port back; its history stays."
    )

    @Argument(help: "The deployment id, or its first 8 characters.")
    var deployment: String

    @Flag(help: "Print the deployment as JSON.")
    var json = false

    @Option(help: "The ledger: sqlite:PATH or dynamodb:TABLE[?region=R].")
    var store: String?

    func run() async throws {
        let summary = try await DeployCommand.service(store: store).remove(DeploymentReference(deploymentId: deployment))
        print(json ? try DeployJSON.string(summary) : "\(summary.id.prefix(8)) is \(summary.status).")
    }
}
