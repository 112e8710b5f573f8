import JSON

/// Who said a message.
public enum Role: String, Sendable, Codable, Equatable {
    case user
    case assistant
}

/// One message of a conversation, as the Messages API takes and returns it.
public struct Message: Sendable, Equatable {
    public var role: Role
    public var content: [ContentBlock]

    public init(role: Role, content: [ContentBlock]) {
        self.role = role
        self.content = content
    }

    public static func user(_ text: String) -> Message {
        Message(role: .user, content: [.text(text)])
    }

    /// The message's text blocks, joined.
    public var text: String {
        content.compactMap { if case .text(let text) = $0 { text } else { nil } }.joined()
    }

    /// The tool calls the message asks for, in order.
    public var toolUses: [ToolUse] {
        content.compactMap { if case .toolUse(let use) = $0 { use } else { nil } }
    }
}

/// A content block. Blocks of kinds deployotron does not know are kept verbatim, so they can be sent back.
public enum ContentBlock: Sendable, Equatable {
    case text(String)
    case toolUse(ToolUse)
    case toolResult(ToolResult)
    case thinking(thinking: String, signature: String)
    case redactedThinking(data: String)
    /// Any other block, exactly as the API sent it.
    case other(JSONValue)
}

/// Claude asking for a tool to run.
public struct ToolUse: Sendable, Equatable {
    public var id: String
    public var name: String
    public var input: JSONValue

    public init(id: String, name: String, input: JSONValue) {
        self.id = id
        self.name = name
        self.input = input
    }
}

/// The answer to one `ToolUse`, sent back in the next user message.
public struct ToolResult: Sendable, Equatable {
    public var toolUseId: String
    public var content: String
    public var isError: Bool

    public init(toolUseId: String, content: String, isError: Bool) {
        self.toolUseId = toolUseId
        self.content = content
        self.isError = isError
    }
}

/// Why the model stopped.
public enum StopReason: Sendable, Equatable {
    case endTurn
    case maxTokens
    case stopSequence
    case toolUse
    case pauseTurn
    case refusal
    case other(String)

    public init(apiValue: String) {
        switch apiValue {
        case "end_turn": self = .endTurn
        case "max_tokens": self = .maxTokens
        case "stop_sequence": self = .stopSequence
        case "tool_use": self = .toolUse
        case "pause_turn": self = .pauseTurn
        case "refusal": self = .refusal
        default: self = .other(apiValue)
        }
    }

    public var apiValue: String {
        switch self {
        case .endTurn: "end_turn"
        case .maxTokens: "max_tokens"
        case .stopSequence: "stop_sequence"
        case .toolUse: "tool_use"
        case .pauseTurn: "pause_turn"
        case .refusal: "refusal"
        case .other(let value): value
        }
    }
}
