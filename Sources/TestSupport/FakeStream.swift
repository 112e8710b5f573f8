import JSON

/// Builds SSE text in the format the Messages API streams (`event:` and `data:` lines, a blank
/// line after each event), for `FakeResponse.sse`.
///
/// ```swift
/// FakeStream.text("Hello")
/// FakeStream.toolUse(id: "toolu_1", name: "list_projects", inputChunks: ["{\"li", "mit\": 3}"])
/// FakeStream.message([.thinking("hmm", signature: "sig"), .text("Hi")], stopReason: "end_turn")
/// ```
public enum FakeStream {
    /// A content block of a scripted message.
    public enum Block: Sendable {
        /// Text, sent as one `text_delta` per element of `chunks`.
        case text(chunks: [String])
        /// A tool call whose input JSON arrives as these `input_json_delta` pieces.
        case toolUse(id: String, name: String, inputChunks: [String])
        /// A thinking block: `thinking_delta` pieces, then one `signature_delta`.
        case thinking(chunks: [String], signature: String)
        /// A block of a type deployotron does not know, with no deltas.
        case unknown(JSONValue)

        public static func text(_ text: String) -> Block { .text(chunks: [text]) }
        public static func thinking(_ text: String, signature: String) -> Block { .thinking(chunks: [text], signature: signature) }
        /// A tool call whose whole input arrives in one delta.
        public static func toolUse(id: String, name: String, input: JSONValue) -> Block {
            .toolUse(id: id, name: name, inputChunks: [input.encodedString()])
        }
    }

    // MARK: - Whole messages

    /// A complete message: `message_start`, a `ping`, each block, `message_delta`, `message_stop`.
    /// `stopReason` nil leaves out `message_delta` and `message_stop`; `closeLastBlock` false leaves
    /// the last block open (a stream cut off mid-block).
    public static func message(
        _ blocks: [Block], stopReason: String? = "end_turn", id: String = "msg_fake", model: String = "claude-sonnet-4-5",
        inputTokens: Int = 10, outputTokens: Int = 20, cacheCreationInputTokens: Int = 0, cacheReadInputTokens: Int = 0,
        closeLastBlock: Bool = true
    ) -> String {
        var out = messageStart(
            id: id, model: model, inputTokens: inputTokens,
            cacheCreationInputTokens: cacheCreationInputTokens, cacheReadInputTokens: cacheReadInputTokens)
        out += ping()
        for (index, block) in blocks.enumerated() {
            let close = closeLastBlock || index < blocks.count - 1
            out += self.block(block, index: index, close: close)
        }
        if let stopReason {
            out += messageDelta(
                stopReason: stopReason, inputTokens: inputTokens, outputTokens: outputTokens,
                cacheCreationInputTokens: cacheCreationInputTokens, cacheReadInputTokens: cacheReadInputTokens)
            out += messageStop()
        }
        return out
    }

    /// A message with one text block, ending the turn.
    public static func text(_ text: String, id: String = "msg_fake", inputTokens: Int = 10, outputTokens: Int = 20) -> String {
        message([.text(text)], id: id, inputTokens: inputTokens, outputTokens: outputTokens)
    }

    /// A message asking for one tool, its input split into `inputChunks`, after optional text.
    public static func toolUse(id: String, name: String, inputChunks: [String], text: String? = nil) -> String {
        var blocks: [Block] = []
        if let text { blocks.append(.text(text)) }
        blocks.append(.toolUse(id: id, name: name, inputChunks: inputChunks))
        return message(blocks, stopReason: "tool_use")
    }

    /// A message asking for one tool with `input`, sent in one delta.
    public static func toolUse(id: String, name: String, input: JSONValue, text: String? = nil) -> String {
        toolUse(id: id, name: name, inputChunks: [input.encodedString()], text: text)
    }

    /// A message asking for several tools at once (parallel tool use).
    public static func toolUses(_ calls: [(id: String, name: String, input: JSONValue)], text: String? = nil) -> String {
        var blocks: [Block] = []
        if let text { blocks.append(.text(text)) }
        blocks += calls.map { .toolUse(id: $0.id, name: $0.name, input: $0.input) }
        return message(blocks, stopReason: "tool_use")
    }

    // MARK: - Single events

    /// One event: `event: name`, `data: json`, blank line.
    public static func event(_ name: String, _ data: JSONValue) -> String {
        "event: \(name)\ndata: \(data.encodedString())\n\n"
    }

    public static func messageStart(
        id: String = "msg_fake", model: String = "claude-sonnet-4-5", inputTokens: Int = 10,
        cacheCreationInputTokens: Int = 0, cacheReadInputTokens: Int = 0
    ) -> String {
        event("message_start", [
            "type": "message_start",
            "message": [
                "id": .string(id), "type": "message", "role": "assistant", "model": .string(model),
                "content": [], "stop_reason": nil, "stop_sequence": nil,
                "usage": [
                    "input_tokens": .number(Double(inputTokens)), "output_tokens": 1,
                    "cache_creation_input_tokens": .number(Double(cacheCreationInputTokens)),
                    "cache_read_input_tokens": .number(Double(cacheReadInputTokens)),
                ],
            ],
        ])
    }

    public static func ping() -> String {
        event("ping", ["type": "ping"])
    }

    /// `content_block_start`, the block's deltas and (when `close`) `content_block_stop`.
    public static func block(_ block: Block, index: Int, close: Bool = true) -> String {
        let at = JSONValue.number(Double(index))
        var out = ""
        func delta(_ value: JSONValue) {
            out += event("content_block_delta", ["type": "content_block_delta", "index": at, "delta": value])
        }
        switch block {
        case .text(let chunks):
            out += event("content_block_start", ["type": "content_block_start", "index": at, "content_block": ["type": "text", "text": ""]])
            for chunk in chunks { delta(["type": "text_delta", "text": .string(chunk)]) }
        case .toolUse(let id, let name, let inputChunks):
            out += event("content_block_start", [
                "type": "content_block_start", "index": at,
                "content_block": ["type": "tool_use", "id": .string(id), "name": .string(name), "input": [:]],
            ])
            for chunk in inputChunks { delta(["type": "input_json_delta", "partial_json": .string(chunk)]) }
        case .thinking(let chunks, let signature):
            out += event("content_block_start", [
                "type": "content_block_start", "index": at,
                "content_block": ["type": "thinking", "thinking": "", "signature": ""],
            ])
            for chunk in chunks { delta(["type": "thinking_delta", "thinking": .string(chunk)]) }
            delta(["type": "signature_delta", "signature": .string(signature)])
        case .unknown(let value):
            out += event("content_block_start", ["type": "content_block_start", "index": at, "content_block": value])
        }
        if close { out += event("content_block_stop", ["type": "content_block_stop", "index": at]) }
        return out
    }

    /// `message_delta` with the stop reason and cumulative usage.
    public static func messageDelta(
        stopReason: String, inputTokens: Int = 10, outputTokens: Int = 20,
        cacheCreationInputTokens: Int = 0, cacheReadInputTokens: Int = 0
    ) -> String {
        event("message_delta", [
            "type": "message_delta",
            "delta": ["stop_reason": .string(stopReason), "stop_sequence": nil],
            "usage": [
                "input_tokens": .number(Double(inputTokens)), "output_tokens": .number(Double(outputTokens)),
                "cache_creation_input_tokens": .number(Double(cacheCreationInputTokens)),
                "cache_read_input_tokens": .number(Double(cacheReadInputTokens)),
            ],
        ])
    }

    public static func messageStop() -> String {
        event("message_stop", ["type": "message_stop"])
    }

    // MARK: - Faults

    /// A message whose only text block never gets a character, ending with `stopReason`
    /// (`refusal`, `max_tokens`): what the API sends when it declines or runs out at once.
    public static func emptyText(stopReason: String, id: String = "msg_empty") -> String {
        message([.text(chunks: [])], stopReason: stopReason, id: id)
    }

    /// A `content_block_delta` whose data line is not JSON.
    public static func malformedDelta() -> String {
        "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\n\n"
    }

    /// Text that stops mid-block: no `content_block_stop`, `message_delta` or `message_stop`.
    /// Sent as a whole response, the body simply ends there (a stream cut mid-way).
    public static func cutOff(_ text: String, id: String = "msg_cut") -> String {
        message([.text(text)], stopReason: nil, id: id, closeLastBlock: false)
    }

    /// An in-stream `error` event, such as `overloaded_error` after HTTP 200.
    public static func error(type: String = "overloaded_error", message: String = "Overloaded") -> String {
        event("error", ["type": "error", "error": ["type": .string(type), "message": .string(message)]])
    }
}
