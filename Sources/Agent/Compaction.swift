import Claude

/// Replaces a long history with a summary Claude writes of it, keeping the deploy state.
///
/// `Conversation.compact()` runs it when the user asks (`/compact`); the steps are here, apart from
/// the actor, so automatic compaction near the context window can run the same request from inside
/// a turn (`Conversation.compactHistory()`).
public enum Compaction {
    /// The system prompt of the compaction request: what Claude must keep.
    public static let instructions = """
        You are compacting a deployotron session: a conversation in which you help the user deploy \
        the project in their current directory using deployotron's tools. Write a summary that will \
        replace the whole conversation, so that you can carry on from it alone. Keep, exactly:
        - the project: its path, name, and the stack and commands detected;
        - every deployment: id, target, status, image tag, port and URL, and which one is live;
        - resources that exist (containers, ports, cloud resources, build-agent reports) and their ids;
        - errors still open and what was tried; decisions and preferences the user stated;
        - what the user asked for last and what remains to do.
        Leave out chit-chat and tool output that no longer matters. Write plain markdown, at most \
        about 400 words. Reply with the summary only.
        """

    /// The last user text of the compaction request.
    public static let request = "Summarise this session as your instructions say, keeping the deploy state."

    /// The summary's budget.
    public static let maxTokens = 2048

    /// Histories shorter than this (one exchange) are left as they are.
    public static let minimumMessages = 3

    /// What a compaction did.
    public enum Outcome: Sendable, Equatable {
        /// `messages` were replaced by a summary of `words` words.
        case compacted(messages: Int, words: Int)
        /// The history is too short to be worth summarising; it is unchanged.
        case nothingToCompact
        /// Claude answered without a summary; the history is unchanged.
        case noSummary(stopReason: StopReason?)
    }

    /// The request asking Claude to summarise `history`. The tools are sent as in a turn: the
    /// history holds tool calls, and the API wants their definitions with them.
    static func request(history: [Message], model: String, tools: [ToolDefinition]) -> MessagesRequest {
        MessagesRequest(
            model: model, maxTokens: maxTokens, system: [SystemBlock(text: instructions)],
            messages: requestMessages(history), tools: tools)
    }

    /// The history followed by the request to summarise it, keeping roles alternating.
    static func requestMessages(_ history: [Message]) -> [Message] {
        var messages = history
        if let last = messages.last, last.role == .user {
            messages[messages.count - 1].content.append(.text(request))
        } else {
            messages.append(.user(request))
        }
        return messages
    }

    /// The history that replaces the old one: the summary as context, and Claude's acknowledgement,
    /// so the user's next message keeps the roles alternating.
    static func replacement(summary: String) -> [Message] {
        [
            .user("This session was compacted. Summary of everything so far:\n\n" + summary),
            Message(role: .assistant, content: [.text("Understood. I have the project and its deploy state from the summary and will continue from there.")]),
        ]
    }
}
