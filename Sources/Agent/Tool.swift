import Foundation
import JSON

/// Whether a tool only looks, or changes something (files, containers, cloud resources).
public enum ToolRisk: String, Sendable, Codable, Equatable {
    /// Runs without asking.
    case readOnly = "read-only"
    /// Asks the user first (yes / no / always); refused in one-shot mode unless allowed.
    case changes
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
///
/// Made only by `Tool.make`, from a `ToolInput` type: the schema Claude sees and the value the
/// tool's code receives come from that one type, and every call is validated against the schema,
/// then decoded, before it can run.
public struct Tool: Sendable {
    /// Matches `^[a-zA-Z0-9_-]{1,64}$`.
    public let name: String
    /// Written for Claude: what the tool does and when to use it.
    public let description: String
    /// The input type's schema (`inputType.schema`), kept so each request does not rebuild it.
    public let inputSchema: JSONValue
    /// The type the input decodes to.
    public let inputType: any ToolInput.Type
    public let risk: ToolRisk
    /// Whether Claude is offered the tool now: a tool of an MCP server that went down is not.
    /// deployotron's own tools always are.
    public let isOffered: @Sendable () -> Bool
    private let prepareCall: @Sendable (JSONValue) -> Result<PreparedToolCall, ToolRejection>

    /// A tool whose input is an `Input`: Claude is shown `Input.schema`; a call is checked against
    /// it and decoded, and only a valid, decoded input reaches `summarize` and `run`. An input that
    /// fails either step never runs: it becomes a `ToolRejection` that Claude is told about.
    public static func make<Input: ToolInput>(
        name: String,
        description: String,
        risk: ToolRisk,
        input: Input.Type = Input.self,
        summarize: @escaping @Sendable (Input) -> String = { _ in "" },
        run: @escaping @Sendable (Input, ToolContext) async throws -> ToolOutput
    ) -> Tool {
        let schema = Input.schema
        let validator = JSONSchemaValidator(schema: schema)
        return Tool(name: name, description: description, inputSchema: schema, inputType: Input.self, risk: risk) { json in
            let problems = validator.problems(in: json)
            if !problems.isEmpty {
                return .failure(.invalidInput(tool: name, problems: problems))
            }
            let decoded: Input
            do {
                decoded = try JSONDecoder().decode(Input.self, from: json.encoded())
            } catch {
                return .failure(.undecodableInput(tool: name, problem: ToolRejection.describe(error)))
            }
            return .success(PreparedToolCall(summary: summarize(decoded)) { context in try await run(decoded, context) })
        }
    }

    init(
        name: String, description: String, inputSchema: JSONValue, inputType: any ToolInput.Type, risk: ToolRisk,
        isOffered: @escaping @Sendable () -> Bool = { true },
        prepare: @escaping @Sendable (JSONValue) -> Result<PreparedToolCall, ToolRejection>
    ) {
        self.name = name
        self.description = description
        self.inputSchema = inputSchema
        self.inputType = inputType
        self.risk = risk
        self.isOffered = isOffered
        self.prepareCall = prepare
    }

    /// Checks `input` against the schema and decodes it: the call, ready to ask about and run, or
    /// why it cannot run.
    public func prepare(_ input: JSONValue) -> Result<PreparedToolCall, ToolRejection> {
        prepareCall(input)
    }

    /// Prepares and runs a call outside a conversation; a rejected input is an error output.
    public func run(_ input: JSONValue, _ context: ToolContext) async throws -> ToolOutput {
        switch prepare(input) {
        case .success(let call): try await call.run(context)
        case .failure(let rejection): .error(rejection.message)
        }
    }
}

/// A tool call whose input passed the schema and decoded.
public struct PreparedToolCall: Sendable {
    /// The input's key part in a few words, for the tool line and the permission prompt.
    public let summary: String
    private let perform: @Sendable (ToolContext) async throws -> ToolOutput

    init(summary: String, perform: @escaping @Sendable (ToolContext) async throws -> ToolOutput) {
        self.summary = summary
        self.perform = perform
    }

    public func run(_ context: ToolContext) async throws -> ToolOutput {
        try await perform(context)
    }
}
