import ArgumentParser

/// `deployotron`: the root command. With no subcommand it opens the REPL in the current directory.
public struct DeployotronCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "deployotron",
        abstract: "A Claude-driven deploy shell.",
        version: DeployotronVersion.current,
        subcommands: []
    )

    public init() {}

    public func run() async throws {
        print(Self.helpMessage())
    }
}
