import Agent
import Claude
import Foundation

// MARK: - /compact

extension REPL {
    /// What Claude is asked to keep when the history is summarised: the deploy state first.
    static let compactInstructions = """
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

    static let compactRequest = "Summarise this session as your instructions say, keeping the deploy state."

    func compact() async {
        guard let conversation = context.conversation, let client = context.client else {
            terminal.line(context.missingKeyMessage ?? "/compact needs Claude: set ANTHROPIC_API_KEY.")
            return
        }
        let history = await conversation.messages
        guard history.count > 2 else {
            terminal.line("Nothing to compact yet.")
            return
        }
        let request = MessagesRequest(
            model: model, maxTokens: 2048, system: [SystemBlock(text: Self.compactInstructions)],
            messages: Self.compactionMessages(history), tools: await conversation.registry.definitions)
        terminal.line(terminal.style.dim("Compacting \(history.count) messages…"))
        let outcome = await runCancellable { try await client.stream(request) { _ in } }
        switch outcome {
        case .finished(let response):
            let summary = response.message.text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !summary.isEmpty else {
                terminal.error("Claude gave no summary (stop reason \(response.stopReason?.apiValue ?? "none")); the history is unchanged")
                return
            }
            await conversation.replaceHistory(Self.compactedHistory(summary: summary))
            terminal.line("Compacted \(history.count) messages into a summary of \(summary.split(whereSeparator: \.isWhitespace).count) words.")
        case .cancelled:
            terminal.line(terminal.style.yellow("⏹ Cancelled.") + " The history is unchanged.")
        case .failed(let error):
            terminal.error(Self.describe(error) + "; the history is unchanged")
        }
    }

    /// The history followed by the request to summarise it, keeping roles alternating.
    static func compactionMessages(_ history: [Message]) -> [Message] {
        var messages = history
        if let last = messages.last, last.role == .user {
            messages[messages.count - 1].content.append(.text(compactRequest))
        } else {
            messages.append(.user(compactRequest))
        }
        return messages
    }

    /// The history that replaces the old one: the summary as context, and Claude's acknowledgement,
    /// so the user's next message keeps the roles alternating.
    static func compactedHistory(summary: String) -> [Message] {
        [
            .user("This session was compacted. Summary of everything so far:\n\n" + summary),
            Message(role: .assistant, content: [.text("Understood. I have the project and its deploy state from the summary and will continue from there.")]),
        ]
    }
}
