import Foundation
import Agent

/// Asks on the terminal before a tool that changes something runs: what will happen, then
/// yes / no / always, read through the REPL's `LineReader`.
public struct TerminalPermissionAsker: PermissionAsker {
    public let reader: any LineReader
    public let terminal: Terminal
    /// Called on Ctrl-C at the question: the answer is no, and the turn stops.
    public let onInterrupt: @Sendable () -> Void

    public init(reader: any LineReader, terminal: Terminal, onInterrupt: @escaping @Sendable () -> Void = {}) {
        self.reader = reader
        self.terminal = terminal
        self.onInterrupt = onInterrupt
    }

    public func ask(_ request: PermissionRequest) async -> PermissionAnswer {
        let style = terminal.style
        let what = request.summary.isEmpty ? "" : ": " + TurnPrinter.oneLine(request.summary)
        terminal.line(style.yellow("?") + " " + style.bold(request.toolName) + what)
        for _ in 0..<3 {
            switch await reader.readLine(prompt: "Allow? [y]es / [n]o / [a]lways: ") {
            case .line(let text):
                if let answer = Self.answer(text) { return answer }
                terminal.line(style.dim("Answer y (run it once), n (don't), or a (run it, and don't ask again in this project)."))
            case .interrupted:
                onInterrupt()
                return .no
            case .endOfFile:
                return .no
            }
        }
        return .no
    }

    /// y/yes, n/no, a/always, in any case; nil for anything else.
    public static func answer(_ text: String) -> PermissionAnswer? {
        switch text.trimmingCharacters(in: .whitespaces).lowercased() {
        case "y", "yes": .yes
        case "n", "no": .no
        case "a", "always": .always
        default: nil
        }
    }
}
