/// What one read from the user gave.
public enum LineReaderResult: Sendable, Equatable {
    /// A line, without its newline.
    case line(String)
    /// Ctrl-C on an empty line.
    case interrupted
    /// Ctrl-D on an empty line, or the input closed.
    case endOfFile
}

/// Reads the user's lines: libedit on a terminal (`EditLineReader`), a script in tests
/// (`ScriptedLineReader`). The REPL and the permission prompt share one.
public protocol LineReader: Sendable {
    /// Shows `prompt` and waits for a line.
    func readLine(prompt: String) async -> LineReaderResult

    /// Keeps `line` in the history (Up/Down, Ctrl-R, and the next session).
    func addHistory(_ line: String) async
}
