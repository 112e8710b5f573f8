/// Why a request to Claude failed, with what the API said. Never holds the API key.
public struct ClaudeError: Error, Sendable, CustomStringConvertible {
    public enum Code: Sendable, Equatable {
        /// Neither ANTHROPIC_API_KEY nor ANTHROPIC_AUTH_TOKEN is set.
        case missingCredentials
        /// The API answered with an error status.
        case http
        /// The stream carried an `error` event.
        case stream
        /// The API could not be reached.
        case connection
        /// The API answered, then its stream broke, stalled or ended early.
        case brokenStream
        /// The response could not be understood.
        case malformedResponse
        /// The request was cancelled.
        case cancelled
    }

    public var code: Code
    /// The HTTP status, when there was a response.
    public var status: Int?
    /// The API's error type, such as `overloaded_error`.
    public var errorType: String?
    public var message: String
    /// The `request-id` header, for support requests.
    public var requestID: String?
    /// Whether the SDK retry rules would retry this.
    public var isRetryable: Bool

    public init(code: Code, status: Int? = nil, errorType: String? = nil, message: String, requestID: String? = nil, isRetryable: Bool = false) {
        self.code = code
        self.status = status
        self.errorType = errorType
        self.message = message
        self.requestID = requestID
        self.isRetryable = isRetryable
    }

    /// A 400 saying the request is larger than the model's context window.
    public var isPromptTooLong: Bool {
        status == 400 && message.lowercased().contains("prompt is too long")
    }

    /// A 400 about the conversation's messages (their order, roles or blocks) rather than about the
    /// key, the model or the size: sending the same history again would fail again.
    public var isHistoryRejected: Bool {
        guard status == 400, !isPromptTooLong else { return false }
        let text = message.lowercased()
        return ["messages", "tool_use", "tool_result", "content block", "text content", "roles must alternate", "assistant"]
            .contains { text.contains($0) }
    }

    /// One line: status, type, message and request id.
    public var description: String {
        var parts: [String] = []
        if let status { parts.append("HTTP \(status)") }
        if let errorType { parts.append(errorType) }
        var line = parts.isEmpty ? message : parts.joined(separator: " ") + ": " + message
        if let requestID { line += " (request-id: \(requestID))" }
        return line
    }
}
