import Claude
import Foundation
import JSON
import LogTriage
import Synchronization

/// A conversation with Claude in a project: the history, and the tool loop that runs one user turn.
///
/// The history is valid for the Messages API after every turn, whatever happened: each `tool_use`
/// is answered by a `tool_result` (an `is_error` one when the tool was unknown, refused, invalid,
/// cut off, failed or cancelled), roles alternate, and no text block is empty. `HistoryRepair`
/// enforces it on every load and before every request. A turn that fails or is cancelled keeps the
/// prompt and the partial answer the user saw, marked as interrupted, so the next prompt is a
/// message of its own. Near the model's context window the history before the current turn is
/// compacted first. Every message is appended to the `transcript` as it joins the history.
public actor Conversation {
    public private(set) var messages: [Message]
    /// Usage of every response since the conversation began (or was resumed with its usage).
    public internal(set) var sessionUsage: Usage
    public private(set) var model: String
    /// The session's estimated cost in US dollars, each response priced for the model that produced it
    /// (see `Pricing`); usage restored with a resumed session is priced for the current model.
    /// Nil when a response came from a model whose prices deployotron does not know.
    public var estimatedCost: Double? { accounting.estimatedCost }
    var accounting = SessionUsage()
    /// Every tool call of the session, in order: one-shot mode reports them even when a turn fails.
    public private(set) var sessionToolCalls: [ToolCallRecord] = []
    /// The last transcript write that failed; the conversation goes on without it.
    public private(set) var transcriptProblem: AgentError?

    public let registry: ToolRegistry
    public let system: [SystemBlock]
    public let maxTokens: Int
    public let projectRoot: URL
    public let transcript: Transcript?
    /// How hard the model thinks (`ModelProfile.thinking(effort:maxTokens:)`); nil for the model's default.
    public let effort: Effort?
    /// Overrides the model's known context window (tests, models deployotron does not know).
    let contextWindowOverride: Int?
    /// The tokens of the last request and its response, and how many messages the history held then:
    /// the base of the next request's estimate.
    var lastContext: (tokens: Int, messageCount: Int)?
    let client: any MessagesStreaming
    let permissions: PermissionPolicy
    let outputLimit: ToolOutputLimit
    /// Applied once to every tool result before it joins the history, the transcript or a request
    /// (to each string of a JSON output): a tool that reads a `.env` must not hand its keys to Claude.
    /// Tools return what they found; this is the only pass.
    let redact: @Sendable (String) -> String
    let clock: any Clock<Duration>
    let now: @Sendable () -> Date
    var turnRunning = false

    /// Continuing after `pause_turn` this many times at most in one turn.
    static let maxPauseContinuations = 8
    /// Asking again after responses with cut-off tool calls this many times at most in one turn.
    static let maxCutOffRetries = 2
    /// The share of the context window past which the history is compacted before the next request.
    public static let compactionThreshold = 0.8

    public init(
        client: any MessagesStreaming,
        registry: ToolRegistry,
        permissions: PermissionPolicy,
        system: [SystemBlock],
        model: String,
        maxTokens: Int = 8192,
        effort: Effort? = nil,
        contextWindow: Int? = nil,
        projectRoot: URL,
        transcript: Transcript? = nil,
        history: [Message] = [],
        usage: Usage = Usage(),
        outputLimit: ToolOutputLimit = ToolOutputLimit(),
        redact: @escaping @Sendable (String) -> String = Conversation.secretRedaction,
        clock: any Clock<Duration> = ContinuousClock(),
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.client = client
        self.registry = registry
        self.permissions = permissions
        self.system = system
        self.model = model
        self.maxTokens = maxTokens
        self.effort = effort
        self.contextWindowOverride = contextWindow
        self.projectRoot = projectRoot
        self.transcript = transcript
        self.messages = HistoryRepair.repaired(history)
        self.sessionUsage = usage
        if usage != Usage() { accounting.add(usage, model: model) }
        self.outputLimit = outputLimit
        self.redact = redact
        self.clock = clock
        self.now = now
    }

    /// The default redaction: LogTriage's `SecretRedactor` (keys, tokens, passwords in URLs).
    public static let secretRedaction: @Sendable (String) -> String = { [redactor = SecretRedactor()] text in redactor.redact(text) }

    public func setModel(_ model: String) {
        self.model = model
    }

    /// The model's context window in tokens; nil when deployotron does not know the model.
    public var contextWindow: Int? {
        contextWindowOverride ?? ModelProfile.of(model)?.contextWindow
    }

    /// Starts over with an empty history; the transcript notes it.
    public func clear() {
        messages = []
        lastContext = nil
        record(.cleared(date: now()))
    }

    /// Replaces the history (after `/compact`, or to resume); it is repaired first, and the transcript notes it.
    public func replaceHistory(_ messages: [Message]) {
        self.messages = HistoryRepair.repaired(messages)
        lastContext = nil
        record(.replaced(self.messages, date: now()))
    }

    /// The history as the next request carries it: repaired here, the one place before every request.
    /// A repair that changed anything is kept (and noted in the transcript), so it happens once.
    func requestMessages() -> [Message] {
        let repaired = HistoryRepair.repaired(messages)
        if repaired != messages {
            messages = repaired
            record(.replaced(repaired, date: now()))
        }
        return messages
    }

    /// The estimated tokens of the next request: the last response's count plus what was added since
    /// (about four bytes a token), or the whole request's bytes when nothing was sent yet.
    public var estimatedContextTokens: Int {
        func bytes(_ messages: ArraySlice<Message>) -> Int {
            messages.reduce(0) { $0 + $1.wireValue.encoded().count }
        }
        if let lastContext, lastContext.messageCount <= messages.count {
            return lastContext.tokens + bytes(messages[lastContext.messageCount...]) / 4
        }
        let fixed = system.reduce(0) { $0 + $1.text.utf8.count } + registry.definitions.reduce(0) { $0 + $1.wireValue.encoded().count }
        return (fixed + bytes(messages[...])) / 4
    }

    // MARK: - Turn

    /// Runs one user turn to its end (tool loop included). Cancelling the calling Task cancels the stream
    /// and running tools and leaves the history valid (every tool_use answered). A turn that fails or
    /// is cancelled before Claude's answer was stored is closed with the partial answer and a note.
    public func send(_ text: String, onEvent: @escaping @Sendable (AgentEvent) -> Void) async throws -> TurnResult {
        guard !turnRunning else { throw AgentError(.turnInProgress, "a turn is still running; wait for it or cancel it") }
        turnRunning = true
        defer { turnRunning = false }

        _ = requestMessages()
        // A prompt that was never answered (an older transcript) is closed, so this one stands alone;
        // tool results left at the end (a crash mid-tool, cut-off calls) go with the new prompt.
        if let last = messages.last, last.role == .user, last.content.contains(where: { if case .text = $0 { true } else { false } }) {
            appendAssistant([.text(Self.unansweredNote)], usage: nil)
        }
        var turn = TurnState(start: messages.count)
        appendUser([.text(text)])
        let partial = PartialAnswer()
        do {
            return try await runTurn(&turn, partial: partial, onEvent: onEvent)
        } catch {
            closeInterruptedTurn(partial: partial.text, error: error)
            throw error
        }
    }

    /// What one turn has done so far.
    struct TurnState {
        /// Where the turn's messages begin: everything before it may be compacted.
        var start: Int
        var usage = Usage()
        var calls: [ToolCallRecord] = []
        var pauses = 0
        var cutOffs = 0
        var compacted = false
        /// The last response paused (`pause_turn`): the next one continues the same assistant message.
        var continuing = false
    }

    func runTurn(_ turn: inout TurnState, partial: PartialAnswer, onEvent: @escaping @Sendable (AgentEvent) -> Void) async throws -> TurnResult {
        while true {
            try Task.checkCancellation()
            if !turn.compacted, let window = contextWindow {
                let tokens = estimatedContextTokens
                if Double(tokens) >= Self.compactionThreshold * Double(window), turn.start >= Compaction.minimumMessages {
                    turn.compacted = true
                    onEvent(.compacting(.nearContextWindow(tokens: tokens, window: window)))
                    do {
                        try await compactBeforeTurn(&turn, onEvent: onEvent)
                    } catch let error as ClaudeError where error.code != .cancelled {
                        onEvent(.compactionFailed(reason: error.description))
                    }
                }
            }
            let request = MessagesRequest(
                model: model, maxTokens: maxTokens, system: system, messages: requestMessages(), tools: registry.definitions,
                thinking: ModelProfile.of(model)?.thinking(effort: effort, maxTokens: maxTokens))
            partial.reset()
            let response: MessageResponse
            do {
                response = try await client.stream(request) { update in
                    switch update {
                    case .textDelta(_, let text):
                        partial.append(text)
                        onEvent(.textDelta(text))
                    case .thinkingDelta(_, let text): onEvent(.thinkingDelta(text))
                    case .retrying(let attempt, let delay, let reason): onEvent(.retrying(attempt: attempt, delay: delay, reason: reason))
                    default: break
                    }
                }
            } catch let error as ClaudeError where error.isPromptTooLong && !turn.compacted {
                // Too long for the window: summarise what came before this turn, then ask once more.
                turn.compacted = true
                onEvent(.compacting(.promptTooLong))
                guard try await compactBeforeTurn(&turn, onEvent: onEvent) else { throw error }
                continue
            }
            turn.usage += response.usage
            sessionUsage += response.usage
            accounting.add(response.usage, model: response.model.isEmpty ? model : response.model)
            onEvent(.responseFinished(stopReason: response.stopReason, usage: response.usage))

            let content = response.content.compactMap(HistoryRepair.sendable)
            if turn.continuing, let last = messages.last, last.role == .assistant {
                // The continuation of a paused turn is the same assistant message.
                messages[messages.count - 1].content += content
                if !content.isEmpty { record(.message(Message(role: .assistant, content: content), usage: response.usage, date: now())) }
            } else if !content.isEmpty {
                appendAssistant(content, usage: response.usage)
            }
            turn.continuing = false
            lastContext = (response.usage.inputTokens + response.usage.cacheCreationInputTokens + response.usage.cacheReadInputTokens + response.usage.outputTokens, messages.count)

            let uses = Message(role: .assistant, content: content).toolUses
            if uses.isEmpty {
                if response.stopReason == .pauseTurn, turn.pauses < Self.maxPauseContinuations, messages.last?.role == .assistant {
                    turn.pauses += 1
                    turn.continuing = true
                    continue
                }
                // Nothing to store (a refusal or max_tokens before any text): a note keeps roles alternating.
                if messages.last?.role == .user {
                    appendAssistant([.text(Self.emptyAnswerNote(response.stopReason))], usage: nil)
                }
                let answer = messages.last?.role == .assistant && !content.isEmpty ? messages[messages.count - 1].text : ""
                return TurnResult(text: answer, stopReason: response.stopReason, toolCalls: turn.calls, usage: turn.usage)
            }

            let rejected = Self.cutOffCalls(response)
            var results: [ContentBlock] = []
            for use in uses {
                let (result, record) = await runTool(use, rejected: rejected[use.id], onEvent: onEvent)
                results.append(.toolResult(result))
                turn.calls.append(record)
                sessionToolCalls.append(record)
            }
            appendUser(results)
            // Cancelled while tools ran: every call is answered above, so the history is valid.
            try Task.checkCancellation()
            // Claude is told each time; a response that keeps being cut off ends the turn rather than
            // looping on max_tokens.
            if !rejected.isEmpty {
                turn.cutOffs += 1
                if turn.cutOffs > Self.maxCutOffRetries {
                    // The results end the history; the next prompt closes them with a note (see `send`).
                    return TurnResult(text: Message(role: .assistant, content: content).text, stopReason: response.stopReason, toolCalls: turn.calls, usage: turn.usage)
                }
            }
        }
    }

    /// Compacts the history before the current turn and moves the turn's start; false when there was
    /// nothing to compact or no summary came back.
    @discardableResult
    func compactBeforeTurn(_ turn: inout TurnState, onEvent: @Sendable (AgentEvent) -> Void) async throws -> Bool {
        let kept = messages.count - turn.start
        let outcome = try await compactHistory(keepingFrom: turn.start)
        onEvent(.compacted(outcome))
        guard case .compacted = outcome else { return false }
        turn.start = messages.count - kept
        return true
    }

    // MARK: - Interrupted turns

    /// Said in place of an answer that never came, so the history keeps alternating.
    static let unansweredNote = "[No answer followed the message above; the turn ended there.]"

    static func emptyAnswerNote(_ reason: StopReason?) -> String {
        "[The response ended (stop reason: \(reason?.apiValue ?? "none")) without any text.]"
    }

    /// Closes a failed or cancelled turn whose answer was not stored: the partial text the user saw,
    /// then a note saying what happened, as the assistant's message.
    func closeInterruptedTurn(partial: String, error: any Error) {
        guard messages.last?.role == .user else { return }
        let what: String
        switch error {
        case is CancellationError: what = "the user cancelled it"
        case let claude as ClaudeError where claude.code == .cancelled: what = "the user cancelled it"
        case let claude as ClaudeError: what = "the request failed: \(claude.description)"
        default: what = "it failed: \(error)"
        }
        var content: [ContentBlock] = []
        if !partial.allSatisfy(\.isWhitespace) { content.append(.text(partial)) }
        content.append(.text("[Interrupted: \(what). The answer above is incomplete.]"))
        appendAssistant(content, usage: nil)
    }

    /// The text of the response being streamed, for closing an interrupted turn with what the user saw.
    final class PartialAnswer: Sendable {
        private let value = Mutex("")

        func reset() { value.withLock { $0 = "" } }
        func append(_ text: String) { value.withLock { $0 += text } }
        var text: String { value.withLock { $0 } }
    }

    /// The calls of `response` whose input never completed, with why: they are answered, never run.
    static func cutOffCalls(_ response: MessageResponse) -> [String: ToolRejection] {
        var rejected: [String: ToolRejection] = [:]
        for use in response.truncatedToolUses {
            rejected[use.id] = response.stopReason == .maxTokens ? .cutOff : .unparseableInput
        }
        return rejected
    }

    func appendAssistant(_ content: [ContentBlock], usage: Usage?) {
        let message = Message(role: .assistant, content: content)
        messages.append(message)
        record(.message(message, usage: usage, date: now()))
    }

    /// Adds user content: to the last message when it is the user's, so roles keep alternating
    /// (a turn never leaves one there, see `closeInterruptedTurn`).
    func appendUser(_ content: [ContentBlock]) {
        let message = Message(role: .user, content: content)
        if let last = messages.last, last.role == .user {
            messages[messages.count - 1].content += content
        } else {
            messages.append(message)
        }
        record(.message(message, usage: nil, date: now()))
    }

    func record(_ entry: TranscriptEntry) {
        guard let transcript else { return }
        do {
            try transcript.append(entry)
        } catch let error as AgentError {
            transcriptProblem = error
        } catch {
            transcriptProblem = AgentError(.transcript, "\(error)")
        }
    }

    // MARK: - Tools

    /// Runs one call and always returns its result: a failure of any kind becomes an `is_error` result.
    /// A call that cannot start (`rejected` by the stream, unknown, bad input) is a `.toolRejected` event.
    func runTool(_ use: ToolUse, rejected: ToolRejection?, onEvent: @escaping @Sendable (AgentEvent) -> Void) async -> (ToolResult, ToolCallRecord) {
        func answer(_ output: ToolOutput) -> (ToolResult, ToolCallRecord) {
            (ToolResult(toolUseId: use.id, content: outputLimit.bound(output.redacted(with: redact).text), isError: output.isError),
             ToolCallRecord(name: use.name, input: use.input, isError: output.isError))
        }
        func reject(_ rejection: ToolRejection) -> (ToolResult, ToolCallRecord) {
            onEvent(.toolRejected(id: use.id, name: use.name, reason: rejection.reason))
            return answer(.error(rejection.message))
        }

        if Task.isCancelled {
            return answer(.error("Cancelled by the user before it ran."))
        }
        if let rejected {
            return reject(rejected)
        }
        guard let tool = registry.tool(named: use.name) else {
            return reject(.unknownTool(use.name, available: registry.tools.map(\.name)))
        }
        let call: PreparedToolCall
        switch tool.prepare(use.input) {
        case .success(let prepared): call = prepared
        case .failure(let rejection): return reject(rejection)
        }
        if case .refuse(let reason) = await permissions.decide(tool, input: use.input, summary: call.summary) {
            onEvent(.toolDenied(id: use.id, name: tool.name))
            return answer(.error(reason))
        }
        if Task.isCancelled {
            return answer(.error("Cancelled by the user before it ran."))
        }

        onEvent(.toolStarted(id: use.id, name: tool.name, summary: call.summary))
        let context = ToolContext(projectRoot: projectRoot) { message in onEvent(.toolProgress(id: use.id, message: message)) }
        let clock = self.clock
        let (output, elapsed) = await Self.timed(clock) {
            do {
                return try await call.run(context)
            } catch is CancellationError {
                return .error("Cancelled by the user while it ran; it may have been partly done.")
            } catch {
                return .error(String(describing: error))
            }
        }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        onEvent(.toolFinished(id: use.id, name: tool.name, isError: output.isError, seconds: seconds))
        return answer(output)
    }

    static func timed<C: Clock>(_ clock: C, _ work: @Sendable () async -> ToolOutput) async -> (ToolOutput, Duration) where C.Duration == Duration {
        let start = clock.now
        let output = await work()
        return (output, start.duration(to: clock.now))
    }
}
