import Agent
import Claude
import Foundation

// MARK: - /compact

extension REPL {
    /// Asks the conversation to replace its history with a summary (`Conversation.compact()`), and
    /// says what happened. Ctrl-C cancels it and keeps the history.
    func compact() async {
        guard let conversation = context.conversation else {
            terminal.line(context.missingKeyMessage ?? "/compact needs Claude: set ANTHROPIC_API_KEY.")
            return
        }
        let count = await conversation.messages.count
        if count >= Compaction.minimumMessages {
            terminal.line(terminal.style.dim("Compacting \(count) messages…"))
        }
        switch await runCancellable({ try await conversation.compact() }) {
        case .finished(.compacted(let messages, let words)):
            terminal.line("Compacted \(messages) messages into a summary of \(words) words.")
        case .finished(.nothingToCompact):
            terminal.line("Nothing to compact yet.")
        case .finished(.noSummary(let stopReason)):
            terminal.error("Claude gave no summary (stop reason \(stopReason?.apiValue ?? "none")); the history is unchanged")
        case .cancelled:
            terminal.line(terminal.style.yellow("⏹ Cancelled.") + " The history is unchanged.")
        case .failed(let error):
            terminal.error(Self.describe(error) + "; the history is unchanged")
        }
    }
}
