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
}
