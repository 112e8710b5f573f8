import ArgumentParser
import Deploy

/// `deployotron restart ID`.
struct RestartCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restart",
        abstract: "Start a stopped deployment again, or restart a running one, and wait until it is healthy."
    )

    @OptionGroup var arguments: DeploymentArguments

    func run() async throws {
        try await arguments.run { try await $0.restart($1) }
    }
}
