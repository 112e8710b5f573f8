import Claude

extension StopReason {
    /// Whether the turn ended the normal way: Claude finished (or asked for tools, which the turn ran).
    public var isNormalEnd: Bool {
        self == .endTurn || self == .toolUse || self == .stopSequence
    }

    /// One line telling the user why an answer ended early and what to do; nil for a normal end.
    public var notice: String? {
        switch self {
        case .endTurn, .toolUse, .stopSequence:
            return nil
        case .maxTokens:
            return "The answer was cut off at the output limit (max_tokens); ask Claude to go on."
        case .refusal:
            return "Claude declined to answer (stop reason: refusal); rephrase the request, or /clear to start over."
        case .pauseTurn:
            return "Claude paused its turn and did not resume; send a message to let it go on."
        case .other("model_context_window_exceeded"):
            return "The answer stopped because the conversation filled the model's context window; /compact summarises it."
        case .other(let value):
            return "The answer ended early (stop reason: \(value))."
        }
    }

    /// The notice for a turn that ended with `reason`, including one that ended without any.
    public static func notice(for reason: StopReason?) -> String? {
        guard let reason else { return "The answer ended without a stop reason; it may be incomplete." }
        return reason.notice
    }
}
