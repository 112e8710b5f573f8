import Claude
import JSON

// MARK: - Messages as JSON
//
// The transcript stores messages in the Messages API's own shape, so a transcript line reads
// like the request that carried it.

extension Message {
    /// The message as the Messages API spells it.
    public var jsonValue: JSONValue {
        .object(["role": .string(role.rawValue), "content": .array(content.map(\.jsonValue))])
    }

    /// Reads a message in the Messages API's shape; nil when it is not one.
    public init?(jsonValue: JSONValue) {
        guard let role = jsonValue["role"]?.stringValue.flatMap(Role.init(rawValue:)) else { return nil }
        switch jsonValue["content"] {
        case .string(let text)?:
            self.init(role: role, content: [.text(text)])
        case .array(let blocks)?:
            self.init(role: role, content: blocks.map(ContentBlock.init(jsonValue:)))
        default:
            return nil
        }
    }
}

extension ContentBlock {
    public var jsonValue: JSONValue {
        switch self {
        case .text(let text):
            ["type": "text", "text": .string(text)]
        case .toolUse(let use):
            ["type": "tool_use", "id": .string(use.id), "name": .string(use.name), "input": use.input]
        case .toolResult(let result):
            ["type": "tool_result", "tool_use_id": .string(result.toolUseId), "content": .string(result.content), "is_error": .bool(result.isError)]
        case .thinking(let thinking, let signature):
            ["type": "thinking", "thinking": .string(thinking), "signature": .string(signature)]
        case .redactedThinking(let data):
            ["type": "redacted_thinking", "data": .string(data)]
        case .other(let value):
            value
        }
    }

    /// Reads a block; a block of an unknown kind (or a malformed one) is kept verbatim as `.other`.
    public init(jsonValue: JSONValue) {
        switch jsonValue["type"]?.stringValue {
        case "text":
            if let text = jsonValue["text"]?.stringValue { self = .text(text); return }
        case "tool_use":
            if let id = jsonValue["id"]?.stringValue, let name = jsonValue["name"]?.stringValue {
                self = .toolUse(ToolUse(id: id, name: name, input: jsonValue["input"] ?? [:]))
                return
            }
        case "tool_result":
            if let id = jsonValue["tool_use_id"]?.stringValue {
                let content: String
                switch jsonValue["content"] {
                case .string(let text)?: content = text
                case .array(let parts)?: content = parts.compactMap { $0["text"]?.stringValue }.joined(separator: "\n")
                default: content = ""
                }
                self = .toolResult(ToolResult(toolUseId: id, content: content, isError: jsonValue["is_error"]?.boolValue ?? false))
                return
            }
        case "thinking":
            if let thinking = jsonValue["thinking"]?.stringValue {
                self = .thinking(thinking: thinking, signature: jsonValue["signature"]?.stringValue ?? "")
                return
            }
        case "redacted_thinking":
            if let data = jsonValue["data"]?.stringValue { self = .redactedThinking(data: data); return }
        default:
            break
        }
        self = .other(jsonValue)
    }
}
