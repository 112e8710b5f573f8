/// Keeps a tool's output within what is worth sending to Claude: past the limit the output is cut,
/// and a note says how much was kept, so Claude knows to ask for less (a narrower path, a line range).
public struct ToolOutputLimit: Sendable, Equatable {
    public var maxCharacters: Int

    public init(maxCharacters: Int = 50_000) {
        self.maxCharacters = max(1, maxCharacters)
    }

    /// `text` unchanged when it fits; otherwise its head, then `[output cut: N of M characters shown]`.
    public func bound(_ text: String) -> String {
        // Counting characters is linear; skip it when even 4 UTF-8 bytes per character would fit.
        if text.utf8.count <= maxCharacters { return text }
        let total = text.count
        guard total > maxCharacters else { return text }
        let kept = text.prefix(maxCharacters)
        return kept + "\n[output cut: \(maxCharacters) of \(total) characters shown]"
    }
}
