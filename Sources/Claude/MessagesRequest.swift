import JSON

/// A tool as Claude sees it: a name, what it is for, and the JSON Schema of its input.
public struct ToolDefinition: Sendable, Equatable {
    public var name: String
    public var description: String
    public var inputSchema: JSONValue

    public init(name: String, description: String, inputSchema: JSONValue) {
        self.name = name
        self.description = description
        self.inputSchema = inputSchema
    }
}

/// One block of the system prompt.
public struct SystemBlock: Sendable, Equatable {
    public var text: String

    public init(text: String) {
        self.text = text
    }
}

/// Everything one `POST /v1/messages` sends.
///
/// The client renders it with `stream: true` and `cache_control` breakpoints on the last tool
/// and the last system block, so every turn of a session reads the same prefix from the cache:
/// the rendering of `tools` and `system` must be byte-identical from turn to turn.
public struct MessagesRequest: Sendable, Equatable {
    public var model: String
    public var maxTokens: Int
    public var system: [SystemBlock]
    public var messages: [Message]
    public var tools: [ToolDefinition]
    /// Extended thinking: adaptive (with an effort) or a token budget, as the model takes it
    /// (`ModelProfile.thinking(effort:maxTokens:)`); nil leaves thinking to the model's default.
    public var thinking: ThinkingConfiguration?

    public init(model: String, maxTokens: Int, system: [SystemBlock], messages: [Message], tools: [ToolDefinition] = [], thinking: ThinkingConfiguration? = nil) {
        self.model = model
        self.maxTokens = maxTokens
        self.system = system
        self.messages = messages
        self.tools = tools
        self.thinking = thinking
    }
}
