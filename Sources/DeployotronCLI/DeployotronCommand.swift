import ArgumentParser

/// `deployotron`: the root command. With no subcommand it opens the REPL in the current directory;
/// with `-p PROMPT` it runs one conversation to its end and prints the answer.
public struct DeployotronCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "deployotron",
        abstract: "A Claude-driven deploy shell: run it in your project and ask it to deploy.",
        discussion: """
            With no subcommand, opens an interactive session in the current directory (the project).
            Set ANTHROPIC_API_KEY (or ANTHROPIC_AUTH_TOKEN) to talk to Claude.
            """,
        version: DeployotronVersion.description,
        subcommands: [
            DetectCommand.self,
            DockerfileCommand.self,
            ComposeCommand.self,
            DeployCommand.self,
            TerraformCommand.self,
            DeploymentsCommand.self,
            StatusCommand.self,
            LogsCommand.self,
            AnalyzeCommand.self,
            RollbackCommand.self,
            StopCommand.self,
            RestartCommand.self,
            RemoveCommand.self,
            SessionsCommand.self,
            SkillsCommand.self,
            ServeCommand.self,
            McpCommand.self,
            NotifyScriptCommand.self,
            ResourcesCommand.self,
            StoreCommand.self,
            DoctorCommand.self,
        ]
    )

    @OptionGroup public var session: SessionOptions

    public init() {}

    public func run() async throws {
        try await run(Workspace.current(model: session.model))
    }

    func run(_ workspace: Workspace) async throws {
        if let prompt = session.prompt {
            try await OneShot(options: session).run(prompt: prompt, in: workspace)
        } else {
            try await InteractiveSession(options: session).run(workspace)
        }
    }
}
