import Foundation
import JSON

/// Whether a tool only looks, or changes something (files, containers, cloud resources).
public enum ToolRisk: String, Sendable, Codable, Equatable {
    /// Runs without asking.
    case readOnly = "read-only"
    /// Asks the user first (yes / no / always); refused in one-shot mode unless allowed.
    case changes
}

/// What a tool hands back to Claude.
public struct ToolOutput: Sendable, Equatable {
    public var text: String
    public var isError: Bool

    public init(text: String, isError: Bool = false) {
        self.text = text
        self.isError = isError
    }

    public static func error(_ text: String) -> ToolOutput {
        ToolOutput(text: text, isError: true)
    }
}

/// What a running tool can see and report.
public struct ToolContext: Sendable {
    /// The project directory: the REPL's working directory. File tools stay inside it.
    public var projectRoot: URL
    /// Reports progress of a long-running tool ("building image: 40%").
    public var progress: @Sendable (String) -> Void

    public init(projectRoot: URL, progress: @escaping @Sendable (String) -> Void = { _ in }) {
        self.projectRoot = projectRoot
        self.progress = progress
    }
}

/// A capability Claude can call: deployotron's own services, each wrapped as one tool.
public struct Tool: Sendable {
    /// Matches `^[a-zA-Z0-9_-]{1,64}$`.
    public var name: String
    /// Written for Claude: what the tool does and when to use it.
    public var description: String
    /// The JSON Schema of the input; input is validated against it before `run` is called.
    public var inputSchema: JSONValue
    public var risk: ToolRisk
    /// The input's key part in a few words, for the tool line and the permission prompt.
    public var summarize: @Sendable (JSONValue) -> String
    public var run: @Sendable (JSONValue, ToolContext) async throws -> ToolOutput

    public init(
        name: String,
        description: String,
        inputSchema: JSONValue,
        risk: ToolRisk,
        summarize: @escaping @Sendable (JSONValue) -> String = { _ in "" },
        run: @escaping @Sendable (JSONValue, ToolContext) async throws -> ToolOutput
    ) {
        self.name = name
        self.description = description
        self.inputSchema = inputSchema
        self.risk = risk
        self.summarize = summarize
        self.run = run
    }
}
