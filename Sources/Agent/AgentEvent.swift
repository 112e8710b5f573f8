import Claude
import JSON

/// What happens during a turn, as it happens, for the REPL and one-shot mode to show.
public enum AgentEvent: Sendable {
    case textDelta(String)
    case thinkingDelta(String)
    /// A tool call is about to run (after permission).
    case toolStarted(id: String, name: String, summary: String)
    case toolProgress(id: String, message: String)
    case toolFinished(id: String, name: String, isError: Bool, seconds: Double)
    /// The user (or the one-shot policy) refused a tool.
    case toolDenied(id: String, name: String)
    /// A call was not run because of its input or its name: unknown tool, input the schema refuses
    /// or that does not decode, input cut off or not JSON. `reason` is one line for the user.
    case toolRejected(id: String, name: String, reason: String)
    case retrying(attempt: Int, delay: Double, reason: String)
    /// One request/response round ended; usage is that response's.
    case responseFinished(stopReason: StopReason?, usage: Usage)
    /// The conversation is summarising the history before the current turn, on its own.
    case compacting(CompactionReason)
    /// What the automatic compaction did.
    case compacted(Compaction.Outcome)
    /// The automatic compaction failed; the turn goes on with the whole history.
    case compactionFailed(reason: String)
}

/// Why the conversation compacts without being asked.
public enum CompactionReason: Sendable, Equatable {
    /// The history is estimated at `tokens` of the model's `window` (past `Conversation.compactionThreshold`).
    case nearContextWindow(tokens: Int, window: Int)
    /// The API refused the request as longer than the context window; the turn is retried once after.
    case promptTooLong
}
