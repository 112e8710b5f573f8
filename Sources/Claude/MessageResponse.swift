import JSON

/// A whole response, accumulated from its stream.
public struct MessageResponse: Sendable, Equatable {
    public var id: String
    public var model: String
    public var content: [ContentBlock]
    public var stopReason: StopReason?
    public var usage: Usage
    /// Tool calls whose input the stream cut off (stop reason `max_tokens`): never run them.
    public var truncatedToolUses: [ToolUse]
    /// The `request-id` response header.
    public var requestID: String?

    public init(id: String, model: String, content: [ContentBlock], stopReason: StopReason?, usage: Usage, truncatedToolUses: [ToolUse] = [], requestID: String? = nil) {
        self.id = id
        self.model = model
        self.content = content
        self.stopReason = stopReason
        self.usage = usage
        self.truncatedToolUses = truncatedToolUses
        self.requestID = requestID
    }

    public var message: Message { Message(role: .assistant, content: content) }
}

/// What the client reports while a response streams in, for live display.
public enum StreamUpdate: Sendable, Equatable {
    case messageStarted(id: String, model: String)
    case textDelta(index: Int, text: String)
    case thinkingDelta(index: Int, text: String)
    case toolUseStarted(index: Int, id: String, name: String)
    case toolInputDelta(index: Int, partialJSON: String)
    case blockStopped(index: Int)
    /// Usage so far (the API's counters are cumulative).
    case usage(Usage)
    /// The request failed and will be sent again after `delay` seconds.
    case retrying(attempt: Int, delay: Double, reason: String)
}

/// Sends a request to Claude and streams the response back.
///
/// `ClaudeClient` is the real one, over HTTP with retries. `onUpdate` is called on every
/// event as it arrives; the accumulated response is returned at the end of the stream.
public protocol MessagesStreaming: Sendable {
    func stream(_ request: MessagesRequest, onUpdate: @escaping @Sendable (StreamUpdate) -> Void) async throws -> MessageResponse
}
