import ArgumentParser
import Claude

/// The options of a conversation, shared by the REPL and one-shot mode.
public struct SessionOptions: ParsableArguments, Sendable {
    @Option(name: [.customShort("p"), .customLong("print")], help: ArgumentHelp("Run PROMPT to its end, print the answer and exit (one-shot mode).", valueName: "prompt"))
    public var prompt: String?

    @Option(help: ArgumentHelp("The Claude model (default: DEPLOYOTRON_MODEL, then the config file, then a current Sonnet).", valueName: "name"))
    public var model: String?

    @Option(help: ArgumentHelp("How hard Claude thinks: low, medium, high or max (default: DEPLOYOTRON_EFFORT, else the model's own). Adaptive models take it as their effort; older thinking models get a token budget.", valueName: "effort"))
    public var effort: Effort?

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

    /// `--effort`, else `DEPLOYOTRON_EFFORT` when it names one.
    public func effort(environment: [String: String]) -> Effort? {
        effort ?? environment["DEPLOYOTRON_EFFORT"].flatMap { Effort(rawValue: $0.lowercased()) }
    }

    public enum OutputFormat: String, ExpressibleByArgument, Sendable {
        case text
        case json
    }
}

extension Effort: ExpressibleByArgument {}
