import JSON

/// The input of a tool whose schema is known only at run time (an MCP server's tool): the JSON
/// object Claude sent, checked against that tool's own schema before it is passed on.
public struct ExternalToolInput: ToolInput {
    public var arguments: JSONValue

    public init(from decoder: any Decoder) throws {
        arguments = try JSONValue(from: decoder)
    }

    public static var schema: JSONValue { ["type": "object"] }
}

extension Tool {
    /// A tool defined elsewhere (another MCP server): `inputSchema` is what Claude is shown and what
    /// every call is validated against; `run` receives the validated arguments unchanged. Its output
    /// goes through the same redaction and bound as every tool's.
    public static func external(
        name: String,
        description: String,
        inputSchema: JSONValue,
        risk: ToolRisk,
        isOffered: @escaping @Sendable () -> Bool,
        summarize: @escaping @Sendable (JSONValue) -> String = { _ in "" },
        run: @escaping @Sendable (JSONValue, ToolContext) async throws -> ToolOutput
    ) -> Tool {
        let validator = JSONSchemaValidator(schema: inputSchema)
        return Tool(
            name: name, description: description, inputSchema: inputSchema, inputType: ExternalToolInput.self, risk: risk,
            isOffered: isOffered
        ) { json in
            let problems = validator.problems(in: json)
            if !problems.isEmpty {
                return .failure(.invalidInput(tool: name, problems: problems))
            }
            return .success(PreparedToolCall(summary: summarize(json)) { context in try await run(json, context) })
        }
    }
}
