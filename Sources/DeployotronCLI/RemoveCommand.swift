import ArgumentParser
import Deploy

/// `deployotron remove ID`.
struct RemoveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove",
        abstract: "Take a deployment down and give its port back; its history stays."
    )

    @OptionGroup var arguments: DeploymentArguments

    func run() async throws {
        try await run(nil)
    }

    func run(_ workspace: Workspace?) async throws {
        try await arguments.run(in: workspace) { try await $0.remove($1) }
    }
}
