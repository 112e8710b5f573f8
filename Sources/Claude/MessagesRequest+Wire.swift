import Foundation
import JSON

// MARK: - Request body

extension MessagesRequest: Encodable {
    /// The request body as JSON, with `stream: true` and `cache_control` breakpoints on the last
    /// tool, the last system block and the last block of the last message.
    ///
    /// Tools come first in the API's cache prefix, then the system prompt, then the messages: the
    /// breakpoints let every later turn read the tools, the system prompt and the conversation so
    /// far from the cache. Keys are sorted, so equal requests render to equal bytes.
    public var wireValue: JSONValue {
        var body: [String: JSONValue] = [
            "model": .string(model),
            "max_tokens": .number(Double(maxTokens)),
            "messages": .array(Self.wireMessages(messages)),
            "stream": true,
        ]
        if !system.isEmpty {
            body["system"] = .array(system.enumerated().map { index, block in
                var value: [String: JSONValue] = ["type": "text", "text": .string(block.text)]
                if index == system.count - 1 { value["cache_control"] = Self.ephemeral }
                return .object(value)
            })
        }
        if !tools.isEmpty {
            body["tools"] = .array(tools.enumerated().map { index, tool in
                var value = tool.wireValue.objectValue ?? [:]
                if index == tools.count - 1 { value["cache_control"] = Self.ephemeral }
                return .object(value)
            })
        }
        switch thinking {
        case .adaptive(let effort)?:
            body["thinking"] = ["type": "adaptive"]
            if let effort { body["output_config"] = ["effort": .string(effort.rawValue)] }
        case .budget(let tokens)?:
            body["thinking"] = ["type": "enabled", "budget_tokens": .number(Double(tokens))]
        case nil:
            break
        }
        return .object(body)
    }

    /// The body's bytes: compact JSON with sorted keys.
    public func encodedBody() -> Data {
        wireValue.encoded()
    }

    public func encode(to encoder: any Encoder) throws {
        try wireValue.encode(to: encoder)
    }

    static let ephemeral: JSONValue = ["type": "ephemeral"]

    /// Messages as the API takes them, with a cache breakpoint on the last block that can carry one.
    static func wireMessages(_ messages: [Message]) -> [JSONValue] {
        var wire = messages.map(\.wireValue)
        guard let last = wire.indices.last, var message = wire[last].objectValue,
              var blocks = message["content"]?.arrayValue else { return wire }
        // Thinking blocks cannot carry cache_control; mark the last block that can.
        if let index = blocks.lastIndex(where: { block in
            let type = block["type"]?.stringValue
            return type != "thinking" && type != "redacted_thinking" && block.objectValue != nil
        }), var block = blocks[index].objectValue {
            block["cache_control"] = ephemeral
            blocks[index] = .object(block)
            message["content"] = .array(blocks)
            wire[last] = .object(message)
        }
        return wire
    }
}

extension ToolDefinition {
    /// `{"name", "description", "input_schema"}`.
    public var wireValue: JSONValue {
        ["name": .string(name), "description": .string(description), "input_schema": inputSchema]
    }
}

extension Message {
    /// `{"role", "content": [blocks]}`, as stored: the conversation repairs a history
    /// (`HistoryRepair`) before it becomes a request, so nothing is filtered here.
    public var wireValue: JSONValue {
        ["role": .string(role.rawValue), "content": .array(content.map(\.wireValue))]
    }

    /// A message from its wire form; nil when it is not one.
    public init?(wireValue: JSONValue) {
        guard let role = wireValue["role"]?.stringValue.flatMap(Role.init(rawValue:)) else { return nil }
        switch wireValue["content"] {
        case .string(let text)?: self.init(role: role, content: [.text(text)])
        case .array(let blocks)?: self.init(role: role, content: blocks.map(ContentBlock.init(wireValue:)))
        default: return nil
        }
    }
}

extension ContentBlock {
    /// The block as the API takes it. `.other` blocks are sent back as they came.
    public var wireValue: JSONValue {
        switch self {
        case .text(let text):
            return ["type": "text", "text": .string(text)]
        case .toolUse(let use):
            return ["type": "tool_use", "id": .string(use.id), "name": .string(use.name), "input": use.input]
        case .toolResult(let result):
            return [
                "type": "tool_result", "tool_use_id": .string(result.toolUseId),
                "content": .string(result.content), "is_error": .bool(result.isError),
            ]
        case .thinking(let thinking, let signature):
            return ["type": "thinking", "thinking": .string(thinking), "signature": .string(signature)]
        case .redactedThinking(let data):
            return ["type": "redacted_thinking", "data": .string(data)]
        case .other(let value):
            return value
        }
    }

    /// A block from its wire form. Types deployotron does not know, and known types missing a
    /// field, are kept whole as `.other`.
    public init(wireValue: JSONValue) {
        let string = { (key: String) in wireValue[key]?.stringValue }
        switch string("type") {
        case "text":
            if let text = string("text") { self = .text(text); return }
        case "tool_use":
            if let id = string("id"), let name = string("name") {
                self = .toolUse(ToolUse(id: id, name: name, input: wireValue["input"] ?? [:]))
                return
            }
        case "tool_result":
            if let id = string("tool_use_id") {
                let content: String
                switch wireValue["content"] {
                case .string(let text)?: content = text
                case .array(let parts)?: content = parts.compactMap { $0["text"]?.stringValue }.joined(separator: "\n")
                default: content = ""
                }
                self = .toolResult(ToolResult(toolUseId: id, content: content, isError: wireValue["is_error"]?.boolValue ?? false))
                return
            }
        case "thinking":
            if let thinking = string("thinking") { self = .thinking(thinking: thinking, signature: string("signature") ?? ""); return }
        case "redacted_thinking":
            if let data = string("data") { self = .redactedThinking(data: data); return }
        default:
            break
        }
        self = .other(wireValue)
    }
}
