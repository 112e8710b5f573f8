import ArgumentParser

/// The options of a conversation, shared by the REPL and one-shot mode.
public struct SessionOptions: ParsableArguments, Sendable {
    @Option(name: [.customShort("p"), .customLong("print")], help: "Run PROMPT to its end, print the answer and exit (one-shot mode).")
    public var prompt: String?

    @Option(help: "The Claude model (default: DEPLOYOTRON_MODEL, then the config file, then a current Sonnet).")
    public var model: String?

    @Option(name: .customLong("output-format"), help: "One-shot output: text or json.")
    public var outputFormat: OutputFormat = .text

    @Option(name: .customLong("allow"), help: "In one-shot mode, allow this tool that changes something (repeatable).")
    public var allowedTools: [String] = []

    @Flag(name: .customLong("yes"), help: "In one-shot mode, allow every tool that changes something.")
    public var allowAll = false

    @Flag(name: .customLong("continue"), help: "Resume the last session of this project.")
    public var continueLast = false

    @Option(name: .customLong("resume"), help: "Resume the session with this id.")
    public var resumeID: String?

    public init() {}

    public enum OutputFormat: String, ExpressibleByArgument, Sendable {
        case text
        case json
    }
}
