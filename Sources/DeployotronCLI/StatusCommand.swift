import ArgumentParser
import Deploy
import Foundation

/// `deployotron status [ID] [--environment NAME]`: one deployment, and whether it is the current one.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show a deployment (default: the current one of the environment), its container and health."
    )

    @OptionGroup var arguments: DeploymentArguments

    func run() async throws {
        try await run(nil)
    }

    func run(_ workspace: Workspace?) async throws {
        let workspace = workspace ?? Workspace.current(store: arguments.store)
        let service = workspace.deploy
        try await service.recoverInterrupted()
        let output = try await service.status(try await arguments.reference(in: workspace, requireChoice: false))
        if arguments.json {
            workspace.console.out(try DeployJSON.string(output))
            return
        }
        let deployment = output.deployment
        let out = workspace.console.out
        out("\(deployment.id.prefix(8))  \(deployment.status)\(output.live ? " (current)" : "")  \(deployment.target)  \(deployment.environment ?? DeployEnvironment.defaultName)")
        if let url = deployment.url { out("url:       \(url)") }
        if let image = deployment.imageTag { out("artifact:  \(image)") }
        if let commit = deployment.commit {
            out("commit:    \(commit.prefix(12))\(deployment.commitSubject.map { " \($0)" } ?? "")\(deployment.dirty == true ? " (with uncommitted changes)" : "")")
        }
        if let source = deployment.source { out("source:    \(source)") }
        if let container = output.container { out("container: \(container)\(output.health.map { ", \($0)" } ?? "")") }
        out("started:   \(deployment.startedAt)\(deployment.finishedAt.map { ", finished \($0)" } ?? "")")
        if let error = deployment.error { out("error:     \(error.split(separator: "\n").first.map(String.init) ?? error)") }
    }
}
