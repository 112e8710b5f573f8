import Agent
import Claude
import Foundation
import Synchronization

/// Shows a turn as it happens: Claude's text through the markdown renderer, one line per tool call
/// ("⏺ read_file Dockerfile … ok 0.2s"; "⏺ read_file rejected invalid input: …" for a call that could
/// not run), progress of long tools, retries.
public final class TurnPrinter: Sendable {
    private struct State {
        var markdown: MarkdownRenderer
        /// The tool whose line is still open (waiting for "ok 0.2s").
        var openTool: String?
        var wroteText = false
        /// Whether anything at all was shown: an empty answer leaves no blank line behind.
        var wroteAnything = false
    }

    private let terminal: Terminal
    private let state: Mutex<State>

    public init(terminal: Terminal) {
        self.terminal = terminal
        self.state = Mutex(State(markdown: MarkdownRenderer(style: terminal.style, width: terminal.columns)))
    }

    public func handle(_ event: AgentEvent) {
        let style = terminal.style
        let output: String = state.withLock { state in
            switch event {
            case .textDelta(let text):
                var out = closeToolLine(&state)
                out += state.markdown.append(text)
                state.wroteText = true
                return out
            case .thinkingDelta:
                return ""
            case .toolStarted(let id, let name, let summary):
                var out = flushText(&state)
                out += closeToolLine(&state)
                state.openTool = id
                let input = summary.isEmpty ? "" : " " + style.dim(Self.oneLine(summary))
                return out + style.blue("⏺") + " " + style.bold(name) + input + " … "
            case .toolProgress(let id, let message):
                var out = ""
                if state.openTool == id {
                    out = "\n"
                    state.openTool = nil
                }
                return out + "  " + style.dim("⎿ " + Self.oneLine(message)) + "\n"
            case .toolFinished(let id, let name, let isError, let seconds):
                let verdict = (isError ? style.red("failed") : style.green("ok")) + " " + style.dim(Self.duration(seconds))
                if state.openTool == id {
                    state.openTool = nil
                    return verdict + "\n"
                }
                return style.blue("⏺") + " " + style.bold(name) + " " + verdict + "\n"
            case .toolDenied(_, let name):
                var out = flushText(&state)
                out += closeToolLine(&state)
                return out + style.blue("⏺") + " " + style.bold(name) + " " + style.yellow("declined") + "\n"
            case .toolRejected(_, let name, let reason):
                var out = flushText(&state)
                out += closeToolLine(&state)
                return out + style.blue("⏺") + " " + style.bold(name) + " " + style.red("rejected") + " " + style.dim(Self.oneLine(reason)) + "\n"
            case .retrying(let attempt, let delay, let reason):
                var out = flushText(&state)
                out += closeToolLine(&state)
                return out + style.dim("retrying in \(Self.duration(delay)) (attempt \(attempt)): \(Self.oneLine(reason))") + "\n"
            case .responseFinished(.pauseTurn?, _):
                // The continuation goes on in the same paragraph.
                return ""
            case .responseFinished:
                return flushText(&state)
            case .compacting(let reason):
                var out = flushText(&state)
                out += closeToolLine(&state)
                switch reason {
                case .nearContextWindow(let tokens, let window):
                    let percent = Int((Double(tokens) / Double(max(window, 1)) * 100).rounded())
                    out += style.dim("The conversation is at about \(percent)% of the model's context window (\(REPL.count(tokens)) of \(REPL.count(window)) tokens): compacting what came before this turn…")
                case .promptTooLong:
                    out += style.dim("The API said the prompt is too long: compacting what came before this turn, then asking again…")
                }
                return out + "\n"
            case .compacted(let outcome):
                switch outcome {
                case .compacted(let messages, let words):
                    return style.dim("Compacted \(messages) messages into a summary of \(words) words.") + "\n"
                case .nothingToCompact:
                    return style.dim("Nothing before this turn to compact; /clear starts afresh.") + "\n"
                case .noSummary(let reason):
                    return style.dim("Claude gave no summary (stop reason \(reason?.apiValue ?? "none")); the history is unchanged.") + "\n"
                }
            case .compactionFailed(let reason):
                return style.yellow("Compaction failed: \(Self.oneLine(reason)); going on with the whole history.") + "\n"
            }
        }
        if !output.isEmpty {
            state.withLock { $0.wroteAnything = true }
            terminal.write(output)
        }
    }

    /// Whether the turn showed anything (text, a tool line, a notice).
    public var wroteAnything: Bool { state.withLock { $0.wroteAnything } }

    /// One line saying why the answer ended early (`StopReason.notice`); nothing for a normal end.
    public func stopNotice(_ reason: StopReason?) {
        guard let notice = StopReason.notice(for: reason) else { return }
        let output = state.withLock { state in
            var out = flushText(&state)
            out += closeToolLine(&state)
            state.wroteAnything = true
            return out
        }
        terminal.write(output + terminal.style.yellow("⚠ " + notice) + "\n")
    }

    /// Ends the turn's output: the last partial line, an open tool line.
    public func finish() {
        let output = state.withLock { state in
            var out = flushText(&state)
            out += closeToolLine(&state)
            return out
        }
        if !output.isEmpty { terminal.write(output) }
    }

    private func flushText(_ state: inout State) -> String {
        state.markdown.finish()
    }

    private func closeToolLine(_ state: inout State) -> String {
        guard state.openTool != nil else { return "" }
        state.openTool = nil
        return "\n"
    }

    static func oneLine(_ text: String) -> String {
        let flat = text.split(whereSeparator: \.isNewline).joined(separator: " ")
        return flat.count > 100 ? String(flat.prefix(99)) + "…" : flat
    }

    /// "0.2s", "12s", "2m05s".
    static func duration(_ seconds: Double) -> String {
        if seconds < 10 { return String(format: "%.1fs", max(0, seconds)) }
        if seconds < 60 { return "\(Int(seconds.rounded()))s" }
        let whole = Int(seconds.rounded())
        return "\(whole / 60)m" + String(format: "%02ds", whole % 60)
    }
}
