import Claude

/// How one user turn ended: the final answer, and what happened on the way.
public struct TurnResult: Sendable {
    /// The text of the last response: the answer to show.
    public var text: String
    public var stopReason: StopReason?
    /// Every tool call of the turn, in the order they ran (or were refused).
    public var toolCalls: [ToolCallRecord]
    /// The turn's usage: every request of the tool loop added up.
    public var usage: Usage

    public init(text: String, stopReason: StopReason?, toolCalls: [ToolCallRecord], usage: Usage) {
        self.text = text
        self.stopReason = stopReason
        self.toolCalls = toolCalls
        self.usage = usage
    }
}
