import ArgumentParser
import Deploy

/// `deployotron stop ID`.
struct StopCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stop",
        abstract: "Stop a running deployment (its port stays reserved for restart)."
    )

    @OptionGroup var arguments: DeploymentArguments

    func validate() throws {
        try arguments.requireChoice()
    }

    func run() async throws {
        try await run(nil)
    }

    func run(_ workspace: Workspace?) async throws {
        try await arguments.run(in: workspace) { try await $0.stop($1) }
    }
}
