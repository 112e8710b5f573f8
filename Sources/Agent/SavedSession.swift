import Claude
import Foundation

/// A session read back from its transcript, ready to resume: the history (repaired), what it cost
/// so far, and the transcript to keep appending to.
public struct SavedSession: Sendable {
    public var summary: SessionSummary
    /// The history, with every dangling `tool_use` answered (see `HistoryRepair`).
    public var messages: [Message]
    public var usage: Usage
    public var transcript: Transcript

    public init(summary: SessionSummary, messages: [Message], usage: Usage, transcript: Transcript) {
        self.summary = summary
        self.messages = messages
        self.usage = usage
        self.transcript = transcript
    }
}
