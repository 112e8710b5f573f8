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
    case retrying(attempt: Int, delay: Double, reason: String)
    /// One request/response round ended; usage is that response's.
    case responseFinished(stopReason: StopReason?, usage: Usage)
}
