import Claude
import Foundation

// MARK: - Compaction

extension Conversation {
    /// Asks Claude for a summary of the history and replaces the history with it (see `Compaction`).
    /// Cancelling the calling Task, or a failed request, leaves the history as it was. The request's
    /// usage counts towards the session's.
    public func compact() async throws -> Compaction.Outcome {
        guard !turnRunning else { throw AgentError(.turnInProgress, "a turn is still running; wait for it or cancel it") }
        turnRunning = true
        defer { turnRunning = false }
        return try await compactHistory()
    }

    /// The compaction itself, for a caller that already holds the turn (automatic compaction in `send`):
    /// summarises the history before `keepingFrom` (all of it by default) and keeps the rest after the summary.
    func compactHistory(keepingFrom cut: Int? = nil) async throws -> Compaction.Outcome {
        let history = requestMessages()
        let cut = min(cut ?? history.count, history.count)
        let head = Array(history[..<cut])
        let tail = Array(history[cut...])
        guard head.count >= Compaction.minimumMessages else { return .nothingToCompact }
        let request = Compaction.request(history: head, model: model, tools: registry.definitions)
        let response = try await client.stream(request) { _ in }
        sessionUsage += response.usage
        accounting.add(response.usage, model: response.model.isEmpty ? model : response.model)
        let summary = response.message.text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !summary.isEmpty else { return .noSummary(stopReason: response.stopReason) }
        try Task.checkCancellation()
        replaceHistory(Compaction.replacement(summary: summary) + tail)
        return .compacted(messages: head.count, words: summary.split(whereSeparator: \.isWhitespace).count)
    }
}
