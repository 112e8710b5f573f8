import Agent
import Claude
import Foundation
import Synchronization

/// The interactive session: reads a line, runs a slash command or a turn with Claude, and goes on
/// until `/exit`, Ctrl-D, or Ctrl-C twice on an empty line.
///
/// A turn runs in a child task that Ctrl-C cancels: the stream stops, running tools are cancelled,
/// every pending tool call is answered with an `is_error` result, and the prompt comes back with
/// the conversation intact.
public final class REPL: Sendable {
    public let context: REPLContext
    public let reader: any LineReader
    public let terminal: Terminal
    public let interrupts: InterruptSignal

    /// Cancels whatever is running (a turn, `/compact`, a ledger query); nil between them.
    private let cancelRunning = Mutex<(@Sendable () -> Void)?>(nil)
    let state: Mutex<State>

    struct State {
        var model: String
        var reportedTranscriptProblem = false
        /// Whether anything was sent to Claude in this process (a new session that stays empty is not kept).
        var talked = false
    }

    public static let prompt = "> "
    public static let continuationPrompt = "... "

    public init(context: REPLContext, reader: any LineReader, terminal: Terminal, interrupts: InterruptSignal) {
        self.context = context
        self.reader = reader
        self.terminal = terminal
        self.interrupts = interrupts
        self.state = Mutex(State(model: context.model))
    }

    /// Whether a turn was sent to Claude since the REPL opened.
    public var talked: Bool { state.withLock { $0.talked } }

    /// The model in use (what `/model NAME` last chose).
    public var model: String { state.withLock { $0.model } }

    /// Stops what is running: Ctrl-C at a permission prompt uses it.
    public func cancelCurrent() {
        let cancel = cancelRunning.withLock { $0 }
        cancel?()
    }

    // MARK: - Loop

    /// Runs until the user leaves.
    public func run() async {
        var interruptedOnce = false
        while true {
            switch await readInput() {
            case .line(let text):
                interruptedOnce = false
                let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
                guard !trimmed.isEmpty else { continue }
                // A line starting with a space stays out of the history, as in bash.
                if !text.hasPrefix(" ") {
                    await reader.addHistory(text.replacingOccurrences(of: "\n", with: " "))
                }
                if let command = SlashCommand.parse(trimmed) {
                    if await perform(command) == .exit { return }
                } else {
                    await converse(text)
                }
            case .interrupted:
                if interruptedOnce { return }
                interruptedOnce = true
                terminal.line(terminal.style.dim("(Ctrl-C again or Ctrl-D to exit)"))
            case .endOfFile:
                terminal.line()
                return
            }
        }
    }

    /// One input: a line, or several joined when each but the last ends with a backslash.
    /// Ctrl-C on a continuation line drops the whole input (an empty line, not an interrupt).
    func readInput() async -> LineReaderResult {
        var lines: [String] = []
        while true {
            let prompt = lines.isEmpty ? Self.prompt : Self.continuationPrompt
            switch await reader.readLine(prompt: prompt) {
            case .line(let text):
                if text.hasSuffix("\\") {
                    lines.append(String(text.dropLast()))
                    continue
                }
                lines.append(text)
                return .line(lines.joined(separator: "\n"))
            case .interrupted:
                return lines.isEmpty ? .interrupted : .line("")
            case .endOfFile:
                return lines.isEmpty ? .endOfFile : .line(lines.joined(separator: "\n"))
            }
        }
    }

    // MARK: - Turns

    /// Sends `text` to Claude and shows the answer as it streams.
    func converse(_ text: String) async {
        guard let conversation = context.conversation else {
            terminal.line(context.missingKeyMessage ?? "There is no API key: set ANTHROPIC_API_KEY to talk to Claude.")
            return
        }
        state.withLock { $0.talked = true }
        let printer = TurnPrinter(terminal: terminal)
        let outcome = await runCancellable {
            try await conversation.send(text) { event in printer.handle(event) }
        }
        printer.finish()
        switch outcome {
        case .finished(let result):
            printer.stopNotice(result.stopReason)
        case .cancelled:
            terminal.line(terminal.style.yellow("⏹ Cancelled.") + " " + terminal.style.dim("The conversation is kept, with your prompt and the partial answer marked interrupted."))
        case .failed(let error):
            terminal.error(Self.describe(error) + Self.recoveryHint(error))
        }
        if let problem = await conversation.transcriptProblem {
            let first = state.withLock { state in
                defer { state.reportedTranscriptProblem = true }
                return !state.reportedTranscriptProblem
            }
            if first { terminal.error("the session transcript could not be saved: \(problem)") }
        }
        // An empty answer leaves no blank line.
        if printer.wroteAnything || !outcome.isFinished { terminal.line() }
    }

    enum Outcome<Value: Sendable> {
        case finished(Value)
        case cancelled
        case failed(any Error)

        var isFinished: Bool {
            if case .finished = self { true } else { false }
        }
    }

    /// Runs `work` in a child task that Ctrl-C (or `cancelCurrent`) cancels.
    func runCancellable<Value: Sendable>(_ work: @escaping @Sendable () async throws -> Value) async -> Outcome<Value> {
        let cancelled = CancelFlag()
        let task = Task { try await work() }
        let cancel: @Sendable () -> Void = {
            cancelled.set()
            task.cancel()
        }
        cancelRunning.withLock { $0 = cancel }
        let handler = interrupts.addHandler(cancel)
        let result = await task.result
        interrupts.removeHandler(handler)
        cancelRunning.withLock { $0 = nil }
        switch result {
        case .success(let value):
            return .finished(value)
        case .failure(let error):
            if cancelled.isSet || error is CancellationError {
                return .cancelled
            }
            return .failed(error)
        }
    }

    /// What to do after an error that sending the same history again would repeat.
    static func recoveryHint(_ error: any Error) -> String {
        guard let claude = error as? ClaudeError else { return "" }
        if claude.isPromptTooLong {
            return " — the conversation is too long for the model even after compacting; /clear starts afresh"
        }
        if claude.isHistoryRejected {
            return " — the API refused the conversation's history; /compact summarises it, /clear starts afresh"
        }
        return ""
    }

    /// One readable line for any error, with the API's request-id when there is one.
    static func describe(_ error: any Error) -> String {
        let text = String(describing: error)
        return text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
    }
}

/// Whether the user cancelled: a stream cancelled mid-way may surface as a connection error.
private final class CancelFlag: Sendable {
    private let value = Atomic<Bool>(false)

    func set() { value.store(true, ordering: .sequentiallyConsistent) }

    var isSet: Bool { value.load(ordering: .sequentiallyConsistent) }
}
