import Claude
import Foundation
import JSON
import LogTriage

/// A conversation with Claude in a project: the history, and the tool loop that runs one user turn.
///
/// The history is valid for the Messages API after every turn, whatever happened: each `tool_use`
/// is answered by a `tool_result` (an `is_error` one when the tool was unknown, refused, invalid,
/// cut off, failed or cancelled), and roles alternate. Every message is appended to the
/// `transcript` as it joins the history.
public actor Conversation {
    public private(set) var messages: [Message]
    /// Usage of every response since the conversation began (or was resumed with its usage).
    public internal(set) var sessionUsage: Usage
    public private(set) var model: String
    /// The session's estimated cost in US dollars, each response priced for the model that produced it
    /// (see `Pricing`); usage restored with a resumed session is priced for the current model.
    public var estimatedCost: Double { accounting.estimatedCost }
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

    public init(
        client: any MessagesStreaming,
        registry: ToolRegistry,
        permissions: PermissionPolicy,
        system: [SystemBlock],
        model: String,
        maxTokens: Int = 8192,
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

    /// Starts over with an empty history; the transcript notes it.
    public func clear() {
        messages = []
        record(.cleared(date: now()))
    }

    /// Replaces the history (after `/compact`, or to resume); it is repaired first, and the transcript notes it.
    public func replaceHistory(_ messages: [Message]) {
        self.messages = HistoryRepair.repaired(messages)
        record(.replaced(self.messages, date: now()))
    }

    // MARK: - Turn

    /// Runs one user turn to its end (tool loop included). Cancelling the calling Task cancels the stream
    /// and running tools and leaves the history valid (every tool_use answered).
    public func send(_ text: String, onEvent: @escaping @Sendable (AgentEvent) -> Void) async throws -> TurnResult {
        guard !turnRunning else { throw AgentError(.turnInProgress, "a turn is still running; wait for it or cancel it") }
        turnRunning = true
        defer { turnRunning = false }

        appendUser([.text(text)])
        var usage = Usage()
        var calls: [ToolCallRecord] = []
        var pauses = 0
        var cutOffs = 0
        while true {
            try Task.checkCancellation()
            let request = MessagesRequest(model: model, maxTokens: maxTokens, system: system, messages: messages, tools: registry.definitions)
            let response = try await client.stream(request) { update in
                switch update {
                case .textDelta(_, let text): onEvent(.textDelta(text))
                case .thinkingDelta(_, let text): onEvent(.thinkingDelta(text))
                case .retrying(let attempt, let delay, let reason): onEvent(.retrying(attempt: attempt, delay: delay, reason: reason))
                default: break
                }
            }
            usage += response.usage
            sessionUsage += response.usage
            accounting.add(response.usage, model: response.model.isEmpty ? model : response.model)
            onEvent(.responseFinished(stopReason: response.stopReason, usage: response.usage))
            // Empty text blocks (a block cut off before its first delta) are not kept: the API refuses them.
            let message = Message(role: .assistant, content: response.content.filter { $0 != .text("") })
            if !message.content.isEmpty {
                messages.append(message)
                record(.message(message, usage: response.usage, date: now()))
            }

            let uses = message.toolUses
            if uses.isEmpty {
                if response.stopReason == .pauseTurn, pauses < Self.maxPauseContinuations, !message.content.isEmpty {
                    pauses += 1
                    continue
                }
                return TurnResult(text: message.text, stopReason: response.stopReason, toolCalls: calls, usage: usage)
            }

            let rejected = Self.cutOffCalls(response)
            var results: [ContentBlock] = []
            for use in uses {
                let (result, record) = await runTool(use, rejected: rejected[use.id], onEvent: onEvent)
                results.append(.toolResult(result))
                calls.append(record)
                sessionToolCalls.append(record)
            }
            appendUser(results)
            // Cancelled while tools ran: every call is answered above, so the history is valid.
            try Task.checkCancellation()
            // Claude is told each time; a response that keeps being cut off ends the turn rather than
            // looping on max_tokens.
            if !rejected.isEmpty {
                cutOffs += 1
                if cutOffs > Self.maxCutOffRetries {
                    return TurnResult(text: message.text, stopReason: response.stopReason, toolCalls: calls, usage: usage)
                }
            }
        }
    }

    /// The calls of `response` whose input never completed, with why: they are answered, never run.
    static func cutOffCalls(_ response: MessageResponse) -> [String: ToolRejection] {
        var rejected: [String: ToolRejection] = [:]
        for use in response.truncatedToolUses {
            rejected[use.id] = response.stopReason == .maxTokens ? .cutOff : .unparseableInput
        }
        return rejected
    }

    /// Adds user content: to the last message when it is the user's (a turn that failed before Claude
    /// answered), so roles keep alternating.
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
