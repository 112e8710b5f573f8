import Claude
import JSON

/// The one place a history is made into one the Messages API accepts, before every request and
/// on every load:
/// - no text block is empty or only whitespace, and no message is empty;
/// - it starts with the user, and roles alternate (consecutive messages of one role are merged);
/// - every `tool_use` has an object input and is answered by a `tool_result` at the start of the
///   next user message, in the order asked; results answering nothing are dropped;
/// - an error result is never empty.
///
/// A transcript cut off by a crash (or a turn cancelled mid-tool) can end with a `tool_use` nobody
/// answered, and an older version could store an empty text block; resuming either as-is would make
/// every following request fail. `violations(_:)` states the same rules as checks, for tests.
public enum HistoryRepair {
    /// The result recorded for a tool call that never finished.
    public static let interruptedResult = "The tool call was interrupted (cancelled, or deployotron stopped) before it finished; it may or may not have taken effect."
    /// Put in an error result that came with no text: the API refuses an empty one.
    public static let emptyErrorResult = "The tool failed without saying why."

    public static func repaired(_ history: [Message]) -> [Message] {
        // Drop blocks the API refuses, then merge consecutive messages of one role and drop empty ones.
        var merged: [Message] = []
        for original in history {
            var message = original
            message.content = message.content.compactMap(sendable)
            guard !message.content.isEmpty else { continue }
            if let last = merged.last, last.role == message.role {
                merged[merged.count - 1].content += message.content
            } else {
                merged.append(message)
            }
        }

        var result: [Message] = []
        var index = 0
        while index < merged.count {
            var message = merged[index]
            index += 1
            switch message.role {
            case .user:
                // Results answering nothing (the assistant message they answered is gone) are dropped.
                let asked = Set(result.last.map { $0.role == .assistant ? $0.toolUses.map(\.id) : [] } ?? [])
                message.content = orderedUserContent(message.content, answering: [], asked: asked)
                if message.content.isEmpty { continue }
                if let last = result.last, last.role == .user {
                    result[result.count - 1].content += message.content
                } else {
                    result.append(message)
                }
            case .assistant:
                if result.isEmpty { result.append(Message(role: .user, content: [.text("(continued)")])) }
                result.append(message)
                let uses = message.toolUses
                guard !uses.isEmpty else { continue }
                var next = index < merged.count && merged[index].role == .user ? merged[index] : Message(role: .user, content: [])
                if index < merged.count && merged[index].role == .user { index += 1 }
                next.content = orderedUserContent(next.content, answering: uses, asked: Set(uses.map(\.id)))
                result.append(next)
            }
        }
        return result
    }

    /// The block as it can be sent, or nil when the API would refuse it and it carries nothing.
    static func sendable(_ block: ContentBlock) -> ContentBlock? {
        switch block {
        case .text(let text):
            return text.allSatisfy(\.isWhitespace) ? nil : block
        case .toolUse(var use):
            if use.input.objectValue == nil { use.input = [:] }
            return .toolUse(use)
        case .toolResult(var result):
            if result.isError, result.content.allSatisfy(\.isWhitespace) { result.content = emptyErrorResult }
            return .toolResult(result)
        default:
            return block
        }
    }

    /// The user content with results first: one per `tool_use` asked (an interruption note for the
    /// missing ones), in the order asked; results for ids not asked are dropped.
    static func orderedUserContent(_ content: [ContentBlock], answering uses: [ToolUse], asked: Set<String>) -> [ContentBlock] {
        var results: [String: ToolResult] = [:]
        var others: [ContentBlock] = []
        for block in content {
            if case .toolResult(let result) = block {
                if asked.contains(result.toolUseId), results[result.toolUseId] == nil { results[result.toolUseId] = result }
            } else {
                others.append(block)
            }
        }
        let order = uses.isEmpty ? content.compactMap { block -> String? in
            if case .toolResult(let result) = block, asked.contains(result.toolUseId) { return result.toolUseId }
            return nil
        } : uses.map(\.id)
        var seen = Set<String>()
        var answered: [ContentBlock] = []
        for id in order where seen.insert(id).inserted {
            answered.append(.toolResult(results[id] ?? ToolResult(toolUseId: id, content: interruptedResult, isError: true)))
        }
        return answered + others
    }

    // MARK: - The rules as checks

    /// Every way `history` breaks the API's rules, one line each; empty when a request may carry it.
    public static func violations(_ history: [Message]) -> [String] {
        var problems: [String] = []
        if let first = history.first, first.role != .user { problems.append("message 0 is the assistant's; a history starts with the user") }
        for (index, message) in history.enumerated() {
            if index > 0, history[index - 1].role == message.role {
                problems.append("messages \(index - 1) and \(index) are both the \(message.role.rawValue)'s")
            }
            if message.content.isEmpty { problems.append("message \(index) has no content") }
            for case .text(let text) in message.content where text.allSatisfy(\.isWhitespace) {
                problems.append("message \(index) has an empty or whitespace-only text block")
            }
            for use in message.toolUses where use.input.objectValue == nil {
                problems.append("message \(index): tool_use \(use.id) has an input that is not an object")
            }
            for case .toolResult(let result) in message.content where result.isError && result.content.isEmpty {
                problems.append("message \(index): the error result for \(result.toolUseId) is empty")
            }
            let asked = index > 0 && history[index - 1].role == .assistant ? history[index - 1].toolUses.map(\.id) : []
            let answered = message.content.compactMap { block -> String? in
                if case .toolResult(let result) = block { result.toolUseId } else { nil }
            }
            if message.role == .user {
                let leading = message.content.prefix(asked.count).compactMap { block -> String? in
                    if case .toolResult(let result) = block { result.toolUseId } else { nil }
                }
                if leading != asked { problems.append("message \(index) does not start with the results of message \(index - 1)'s tool calls, in order") }
                for id in answered where !asked.contains(id) {
                    problems.append("message \(index) answers \(id), which the message before did not ask for")
                }
            } else if !answered.isEmpty {
                problems.append("message \(index) is the assistant's but holds tool results")
            }
            if message.role == .assistant, !message.toolUses.isEmpty, index == history.count - 1 {
                problems.append("message \(index)'s tool calls are never answered")
            }
        }
        return problems
    }
}
