import Foundation
import JSON

/// Builds a `MessageResponse` from the events of one streamed response, reporting each step.
///
/// Pure: feed it events with `consume`, show the `StreamUpdate`s it returns, and ask for
/// `response()` at the end. Tool input arrives as `input_json_delta` pieces that are concatenated
/// and parsed when the block stops. A tool call whose input never completed (the stream hit
/// `max_tokens`, or the JSON does not parse) stays in `content` with the input `{}`, so it can be
/// answered, and is listed in `truncatedToolUses` with the raw JSON, so it is never run. Usage: `message_start`'s counters, replaced field by
/// field by `message_delta`'s cumulative ones. Unknown events, block types, delta types and fields
/// are ignored.
public struct StreamAccumulator: Sendable {
    /// One content block as it streams in; a struct so deltas append in place.
    private struct Block: Sendable {
        enum Kind: Sendable { case text, thinking, redactedThinking, toolUse, other }
        var kind: Kind
        /// Text, thinking text, or redacted thinking data.
        var text = ""
        var signature = ""
        var toolID = ""
        var name = ""
        /// The block as `content_block_start` gave it (tool input before deltas, unknown blocks whole).
        var start: JSONValue = [:]
        /// `input_json_delta` pieces, concatenated.
        var json = ""
        var hasDeltas = false
    }

    private var id: String?
    private var model = ""
    private var blocks: [Int: Block] = [:]
    private var stopped: Set<Int> = []
    private var stopReason: StopReason?
    private var usage = Usage()
    private var requestID: String?

    /// Whether any content has been streamed (text, thinking or a tool call): after that a failed
    /// stream is not retried, because the user has seen part of the answer.
    public private(set) var hasContent = false
    /// Whether `message_stop` has arrived.
    public private(set) var isComplete = false

    public init(requestID: String? = nil) {
        self.requestID = requestID
    }

    /// Takes one event. Throws the API's error for an `error` event, and `.malformedResponse` for a
    /// known event whose data is not the JSON it should be.
    public mutating func consume(_ event: ServerSentEvent) throws -> [StreamUpdate] {
        let name = event.event
        guard let name, Self.knownEvents.contains(name) else { return [] }
        if name == "content_block_delta" {
            // Most events are deltas: decode them straight into their few fields.
            guard let delta = try? JSONDecoder().decode(DeltaEvent.self, from: Data(event.data.utf8)) else {
                throw malformed("the API sent a content_block_delta that is not readable JSON with an index and a delta")
            }
            return apply(delta.delta, at: delta.index)
        }
        guard let data = try? JSONValue(parsing: event.data) else {
            throw malformed("the \(name) event's data is not JSON")
        }
        switch name {
        case "message_start":
            guard let message = data["message"], let id = message["id"]?.stringValue else {
                throw malformed("message_start has no message id")
            }
            self.id = id
            model = message["model"]?.stringValue ?? ""
            if let reason = message["stop_reason"]?.stringValue { stopReason = StopReason(apiValue: reason) }
            if let counters = message["usage"] { usage = Self.merge(usage, counters) }
            return [.messageStarted(id: id, model: model), .usage(usage)]
        case "content_block_start":
            guard let index = data["index"]?.intValue, let block = data["content_block"] else {
                throw malformed("content_block_start has no index or content_block")
            }
            return start(block, at: index)
        case "content_block_stop":
            guard let index = data["index"]?.intValue else { throw malformed("content_block_stop has no index") }
            stopped.insert(index)
            return [.blockStopped(index: index)]
        case "message_delta":
            if let reason = data["delta"]?["stop_reason"]?.stringValue { stopReason = StopReason(apiValue: reason) }
            guard let counters = data["usage"] else { return [] }
            usage = Self.merge(usage, counters)
            return [.usage(usage)]
        case "message_stop":
            isComplete = true
            return []
        case "error":
            let type = data["error"]?["type"]?.stringValue ?? "error"
            let message = data["error"]?["message"]?.stringValue ?? "the stream reported an error"
            throw ClaudeError(
                code: .stream, errorType: type, message: message, requestID: requestID,
                isRetryable: Self.retryableStreamErrors.contains(type))
        default:
            return []
        }
    }

    /// The accumulated response. Throws when the stream never started, or ended before the model
    /// said why it stopped (the connection broke mid-answer).
    public func response() throws -> MessageResponse {
        guard let id else { throw malformed("the stream ended before message_start") }
        guard isComplete || stopReason != nil else {
            throw ClaudeError(
                code: .brokenStream, message: "the API answered, but its stream ended before the message was complete",
                requestID: requestID, isRetryable: true)
        }
        var content: [ContentBlock] = []
        var truncated: [ToolUse] = []
        for index in blocks.keys.sorted() {
            guard let block = blocks[index] else { continue }
            switch block.kind {
            case .text:
                // A text block that never got a character (a refusal, max_tokens at once) is left out:
                // the API refuses empty text blocks when they are sent back.
                if !block.text.isEmpty { content.append(.text(block.text)) }
            case .thinking:
                content.append(.thinking(thinking: block.text, signature: block.signature))
            case .redactedThinking:
                content.append(.redactedThinking(data: block.text))
            case .other:
                var value = block.start
                if block.hasDeltas, let input = try? JSONValue(parsing: block.json), var object = value.objectValue {
                    object["input"] = input
                    value = .object(object)
                }
                content.append(.other(value))
            case .toolUse:
                let input: JSONValue?
                if !block.hasDeltas {
                    input = block.start
                } else if block.json.allSatisfy(\.isWhitespace) {
                    input = [:]
                } else {
                    input = try? JSONValue(parsing: block.json)
                }
                if stopped.contains(index), let input, input.objectValue != nil {
                    content.append(.toolUse(ToolUse(id: block.toolID, name: block.name, input: input)))
                } else {
                    // Kept in the message, so the call can be answered and the history stays valid; its
                    // input is an empty object, since the API wants one.
                    let object = input?.objectValue.map(JSONValue.object) ?? [:]
                    content.append(.toolUse(ToolUse(id: block.toolID, name: block.name, input: object)))
                    truncated.append(ToolUse(id: block.toolID, name: block.name, input: .string(block.json)))
                }
            }
        }
        return MessageResponse(
            id: id, model: model, content: content, stopReason: stopReason, usage: usage,
            truncatedToolUses: truncated, requestID: requestID)
    }

    // MARK: - Blocks

    private mutating func start(_ block: JSONValue, at index: Int) -> [StreamUpdate] {
        let string = { (key: String) in block[key]?.stringValue }
        switch string("type") {
        case "text":
            let text = string("text") ?? ""
            blocks[index] = Block(kind: .text, text: text)
            if text.isEmpty { return [] }
            hasContent = true
            return [.textDelta(index: index, text: text)]
        case "thinking":
            blocks[index] = Block(kind: .thinking, text: string("thinking") ?? "", signature: string("signature") ?? "")
            hasContent = true
            return []
        case "redacted_thinking":
            blocks[index] = Block(kind: .redactedThinking, text: string("data") ?? "")
            hasContent = true
            return []
        case "tool_use":
            guard let id = string("id"), let name = string("name") else {
                blocks[index] = Block(kind: .other, start: block)
                return []
            }
            blocks[index] = Block(kind: .toolUse, toolID: id, name: name, start: block["input"] ?? [:])
            hasContent = true
            return [.toolUseStarted(index: index, id: id, name: name)]
        default:
            blocks[index] = Block(kind: .other, start: block)
            return []
        }
    }

    /// `content_block_delta`'s data; other fields are ignored.
    private struct DeltaEvent: Decodable {
        struct Delta: Decodable {
            var type: String?
            var text: String?
            var thinking: String?
            var signature: String?
            var partialJSON: String?

            enum CodingKeys: String, CodingKey {
                case type, text, thinking, signature
                case partialJSON = "partial_json"
            }
        }

        var index: Int
        var delta: Delta
    }

    private mutating func apply(_ delta: DeltaEvent.Delta, at index: Int) -> [StreamUpdate] {
        guard let kind = blocks[index]?.kind else { return [] }
        switch (delta.type, kind) {
        case ("text_delta", .text):
            guard let piece = delta.text else { return [] }
            blocks[index]?.text += piece
            hasContent = true
            return [.textDelta(index: index, text: piece)]
        case ("thinking_delta", .thinking):
            guard let piece = delta.thinking else { return [] }
            blocks[index]?.text += piece
            return piece.isEmpty ? [] : [.thinkingDelta(index: index, text: piece)]
        case ("signature_delta", .thinking):
            guard let piece = delta.signature else { return [] }
            blocks[index]?.signature += piece
            return []
        case ("input_json_delta", .toolUse), ("input_json_delta", .other):
            guard let piece = delta.partialJSON else { return [] }
            blocks[index]?.json += piece
            blocks[index]?.hasDeltas = true
            if kind == .other || piece.isEmpty { return [] }
            return [.toolInputDelta(index: index, partialJSON: piece)]
        default:
            return []
        }
    }

    // MARK: - Support

    private static let knownEvents: Set<String> = [
        "message_start", "content_block_start", "content_block_delta", "content_block_stop",
        "message_delta", "message_stop", "error",
    ]

    /// In-stream errors worth retrying (before any content was shown): the API is overloaded.
    private static let retryableStreamErrors: Set<String> = ["overloaded_error"]

    /// `counters`' fields replace `usage`'s; missing fields keep their value.
    private static func merge(_ usage: Usage, _ counters: JSONValue) -> Usage {
        var merged = usage
        if let value = counters["input_tokens"]?.intValue { merged.inputTokens = value }
        if let value = counters["output_tokens"]?.intValue { merged.outputTokens = value }
        if let value = counters["cache_creation_input_tokens"]?.intValue { merged.cacheCreationInputTokens = value }
        if let value = counters["cache_read_input_tokens"]?.intValue { merged.cacheReadInputTokens = value }
        return merged
    }

    /// Retryable as far as the event goes: the client retries only while no content has been shown.
    private func malformed(_ message: String) -> ClaudeError {
        ClaudeError(code: .malformedResponse, message: message, requestID: requestID, isRetryable: true)
    }
}
