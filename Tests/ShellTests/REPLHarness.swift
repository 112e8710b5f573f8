import Agent
import Claude
import Foundation
import JSON
import Ledger
import Shell

/// A REPL wired to a scripted reader, a captured terminal and a real `Conversation` over `ScriptedClaude`.
struct REPLHarness {
    let folder: TemporaryFolder
    let grants: ToolGrants
    let claude: ScriptedClaude
    let conversation: Conversation
    let output: CapturedOutput
    let interrupts: InterruptSignal
    let reader: ScriptedLineReader
    let repl: REPL

    init(
        _ steps: [ScriptedLineReader.Step], replies: [ScriptedClaude.Reply] = [], tools: [Tool] = [],
        history: [Message] = [], transcript: Transcript? = nil, skills: SkillsCatalog = SkillsCatalog(skills: []),
        folder: TemporaryFolder? = nil, openLedger: (@Sendable () async throws -> any LedgerStore)? = nil,
        interrupts: InterruptSignal = InterruptSignal(), onHang: (@Sendable () -> Void)? = nil,
        contextWindow: Int? = nil, listModels: (@Sendable () async throws -> [ModelInfo])? = nil
    ) throws {
        let folder = try folder ?? TemporaryFolder()
        self.folder = folder
        // The user's grants ("always"), in a file of the harness's own rather than the real state folder.
        grants = ToolGrants(url: FileManager.default.temporaryDirectory.appendingPathComponent("grants-\(UUID().uuidString).json"))
        self.interrupts = interrupts
        claude = ScriptedClaude(replies, onHang: onHang ?? { interrupts.fire() })
        output = CapturedOutput()
        reader = ScriptedLineReader(steps)
        let terminal = output.terminal()
        // Ctrl-C at a permission question goes the same way as SIGINT.
        let asker = TerminalPermissionAsker(reader: reader, terminal: terminal) { interrupts.fire() }
        conversation = Conversation(
            client: claude, registry: try ToolRegistry(tools),
            permissions: .interactive(asker: asker, projectRoot: folder.url, grants: grants),
            system: [SystemBlock(text: "test")], model: "claude-test", contextWindow: contextWindow, projectRoot: folder.url,
            transcript: transcript, history: history)
        let context = REPLContext(
            conversation: conversation, model: "claude-test", models: ["claude-test", "claude-other"],
            skills: skills, projectRoot: folder.url, openLedger: openLedger,
            estimateCost: { model, usage in model == "claude-test" ? Double(usage.inputTokens + usage.outputTokens) / 1000 : nil },
            sessionID: transcript?.id, listModels: listModels)
        repl = REPL(context: context, reader: reader, terminal: terminal, interrupts: interrupts)
    }

    /// Every way the requests Claude received break the API's rules (empty when they are valid).
    var requestViolations: [String] {
        claude.requests.enumerated().flatMap { index, request in
            HistoryRepair.violations(request.messages).map { "request \(index): \($0)" }
        }
    }

    /// The `tool_result` blocks of the history, by tool_use id.
    func toolResults() async -> [String: ToolResult] {
        var results: [String: ToolResult] = [:]
        for message in await conversation.messages {
            for case .toolResult(let result) in message.content { results[result.toolUseId] = result }
        }
        return results
    }
}

/// Input for tools that take none (any object passes).
struct NoInput: ToolInput, Codable {
    static let schema: JSONValue = ["type": "object"]
}

/// A read-only tool that presses Ctrl-C once it runs, then waits to be cancelled.
func slowTool(pressing interrupts: InterruptSignal) -> Tool {
    Tool.make(name: "slow_tool", description: "waits", risk: .readOnly, input: NoInput.self) { _, _ in
        interrupts.fire()
        try await Task.sleep(for: .seconds(3600))
        return ToolOutput(text: "finished")
    }
}
