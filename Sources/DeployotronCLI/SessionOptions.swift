import ArgumentParser

/// The options of a conversation, shared by the REPL and one-shot mode.
public struct SessionOptions: ParsableArguments, Sendable {
    @Option(name: [.customShort("p"), .customLong("print")], help: ArgumentHelp("Run PROMPT to its end, print the answer and exit (one-shot mode).", valueName: "prompt"))
    public var prompt: String?

    @Option(help: ArgumentHelp("The Claude model (default: DEPLOYOTRON_MODEL, then the config file, then a current Sonnet).", valueName: "name"))
    public var model: String?

    @Option(name: .customLong("output-format"), help: ArgumentHelp("One-shot output: text or json.", valueName: "format"))
    public var outputFormat: OutputFormat = .text

    @Option(name: .customLong("allow"), help: ArgumentHelp("In one-shot mode, allow this tool that changes something (repeatable).", valueName: "tool"))
    public var allowedTools: [String] = []

    @Flag(name: .customLong("yes"), help: "In one-shot mode, allow every tool that changes something.")
    public var allowAll = false

    @Flag(name: .customLong("continue"), help: "Resume the last session of this project.")
    public var continueLast = false

    @Option(name: .customLong("resume"), help: ArgumentHelp("Resume the session with this id (`deployotron sessions` lists them).", valueName: "id"))
    public var resumeID: String?

    public init() {}

    public enum OutputFormat: String, ExpressibleByArgument, Sendable {
        case text
        case json
    }
}
