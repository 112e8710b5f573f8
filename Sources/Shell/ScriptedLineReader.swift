import Synchronization

/// A `LineReader` that answers from a script: for tests of the REPL without a terminal.
///
/// Each step is either a result to return or an action to run first (an interrupt, say) when the
/// reader gets there. When the script runs out it answers `.endOfFile`.
public final class ScriptedLineReader: LineReader {
    public enum Step: Sendable {
        case result(LineReaderResult)
        /// Runs, then the reader moves on to the next step.
        case action(@Sendable () async -> Void)

        public static func line(_ text: String) -> Step { .result(.line(text)) }
        public static let interrupted = Step.result(.interrupted)
        public static let endOfFile = Step.result(.endOfFile)
    }

    private struct State {
        var steps: [Step]
        var prompts: [String] = []
        var history: [String] = []
    }

    private let state: Mutex<State>

    public init(_ steps: [Step]) {
        state = Mutex(State(steps: steps))
    }

    /// Convenience: every element is a line.
    public convenience init(lines: [String]) {
        self.init(lines.map { .line($0) })
    }

    /// The prompts shown so far, in order.
    public var prompts: [String] { state.withLock { $0.prompts } }

    /// The lines added to the history so far.
    public var history: [String] { state.withLock { $0.history } }

    public func readLine(prompt: String) async -> LineReaderResult {
        state.withLock { $0.prompts.append(prompt) }
        while true {
            let step: Step? = state.withLock { $0.steps.isEmpty ? nil : $0.steps.removeFirst() }
            switch step {
            case nil: return .endOfFile
            case .result(let result): return result
            case .action(let action): await action()
            }
        }
    }

    public func addHistory(_ line: String) async {
        state.withLock { $0.history.append(line) }
    }
}
