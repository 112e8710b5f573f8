import Claude
import Foundation
import JSON

/// A conversation with Claude in a project: the history, and the tool loop that runs one user turn.
///
/// The history is valid for the Messages API after every turn, whatever happened: each `tool_use`
/// is answered by a `tool_result` (an `is_error` one when the tool was unknown, refused, invalid,
/// failed or cancelled), and roles alternate. Every message is appended to the `transcript` as it
/// joins the history.
public actor Conversation {
    public private(set) var messages: [Message]
    /// Usage of every response since the conversation began (or was resumed with its usage).
    public private(set) var sessionUsage: Usage
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
    /// Applied to every tool result before it joins the history, the transcript or a request:
    /// a tool that reads a `.env` must not hand its keys to Claude.
    let redact: @Sendable (String) -> String
    let clock: any Clock<Duration>
    let now: @Sendable () -> Date
    var turnRunning = false

    /// Continuing after `pause_turn` this many times at most in one turn.
    static let maxPauseContinuations = 8

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
        redact: @escaping @Sendable (String) -> String = { $0 },
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
            if !response.content.isEmpty {
                messages.append(response.message)
                record(.message(response.message, usage: response.usage, date: now()))
            }

            let uses = response.message.toolUses
            if uses.isEmpty {
                if response.stopReason == .pauseTurn, pauses < Self.maxPauseContinuations, !response.content.isEmpty {
                    pauses += 1
                    continue
                }
                return TurnResult(text: response.message.text, stopReason: response.stopReason, toolCalls: calls, usage: usage)
            }

            let truncated = Set(response.truncatedToolUses.map(\.id))
            var results: [ContentBlock] = []
            for use in uses {
                let (result, record) = await runTool(use, truncated: truncated.contains(use.id), onEvent: onEvent)
                results.append(.toolResult(result))
                calls.append(record)
                sessionToolCalls.append(record)
            }
            appendUser(results)
            // Cancelled while tools ran: every call is answered above, so the history is valid.
            try Task.checkCancellation()
        }
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
    func runTool(_ use: ToolUse, truncated: Bool, onEvent: @escaping @Sendable (AgentEvent) -> Void) async -> (ToolResult, ToolCallRecord) {
        func answer(_ text: String, isError: Bool) -> (ToolResult, ToolCallRecord) {
            (ToolResult(toolUseId: use.id, content: outputLimit.bound(redact(text)), isError: isError),
             ToolCallRecord(name: use.name, input: use.input, isError: isError))
        }

        if Task.isCancelled {
            return answer("Cancelled by the user before it ran.", isError: true)
        }
        if truncated {
            return answer("The input of this call was cut off (the response hit max_tokens), so it was not run. Try again with a smaller input.", isError: true)
        }
        guard let tool = registry.tool(named: use.name) else {
            let names = registry.tools.map(\.name).joined(separator: ", ")
            return answer("There is no tool named '\(use.name)'. Available tools: \(names.isEmpty ? "none" : names).", isError: true)
        }
        let problems = JSONSchemaValidator(schema: tool.inputSchema).problems(in: use.input)
        if !problems.isEmpty {
            return answer("Invalid input for \(tool.name):\n" + problems.joined(separator: "\n"), isError: true)
        }
        let summary = tool.summarize(use.input)
        if case .refuse(let reason) = await permissions.decide(tool, input: use.input, summary: summary) {
            onEvent(.toolDenied(id: use.id, name: tool.name))
            return answer(reason, isError: true)
        }
        if Task.isCancelled {
            return answer("Cancelled by the user before it ran.", isError: true)
        }

        onEvent(.toolStarted(id: use.id, name: tool.name, summary: summary))
        let context = ToolContext(projectRoot: projectRoot) { message in onEvent(.toolProgress(id: use.id, message: message)) }
        let input = use.input
        let clock = self.clock
        let (output, elapsed) = await Self.timed(clock) {
            do {
                return try await tool.run(input, context)
            } catch is CancellationError {
                return .error("Cancelled by the user while it ran; it may have been partly done.")
            } catch {
                return .error(String(describing: error))
            }
        }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        onEvent(.toolFinished(id: use.id, name: tool.name, isError: output.isError, seconds: seconds))
        return answer(output.text, isError: output.isError)
    }

    static func timed<C: Clock>(_ clock: C, _ work: @Sendable () async -> ToolOutput) async -> (ToolOutput, Duration) where C.Duration == Duration {
        let start = clock.now
        let output = await work()
        return (output, start.duration(to: clock.now))
    }
}
