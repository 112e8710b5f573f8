import ArgumentParser
import Deploy

/// `deployotron restart ID`.
struct RestartCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restart",
        abstract: "Start a stopped deployment again, or restart a running one, and wait until it is healthy."
    )

    @OptionGroup var arguments: DeploymentArguments

    func validate() throws {
        try arguments.requireChoice()
    }

    func run() async throws {
        try await run(nil)
    }

    func run(_ workspace: Workspace?) async throws {
        try await arguments.run(in: workspace) { try await $0.restart($1) }
    }
}
