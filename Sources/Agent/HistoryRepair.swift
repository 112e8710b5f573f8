import Claude

/// Makes a history the Messages API accepts: roles alternate, and every `tool_use` is answered
/// by a `tool_result` at the start of the next user message.
///
/// A transcript cut off by a crash (or a turn cancelled mid-tool) can end with a `tool_use` nobody
/// answered; resuming it as-is would make every following request fail.
public enum HistoryRepair {
    /// The result recorded for a tool call that never finished.
    public static let interruptedResult = "The tool call was interrupted (cancelled, or deployotron stopped) before it finished; it may or may not have taken effect."

    public static func repaired(_ history: [Message]) -> [Message] {
        // Merge consecutive messages of one role, and drop empty ones.
        var merged: [Message] = []
        for message in history where !message.content.isEmpty {
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
                if !message.content.isEmpty { result.append(message) }
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
}
