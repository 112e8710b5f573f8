import Agent
import Claude
import Foundation
import JSON
import Ledger
import Testing
@testable import Shell

@Suite(.timeLimit(.minutes(1))) struct REPLTests {
    @Test func aTurnStreamsTheAnswerAndKeepsTheHistory() async throws {
        let harness = try REPLHarness([.line("deploy it"), .endOfFile], replies: [ScriptedClaude.text("Deploying **now**.\n- step one\n")])
        defer { harness.folder.remove() }
        await harness.repl.run()
        #expect(harness.output.value.contains("Deploying **now**."))
        #expect(harness.output.value.contains("- step one"))
        let messages = await harness.conversation.messages
        #expect(messages.map(\.role) == [.user, .assistant])
        #expect(messages.first?.text == "deploy it")
        #expect(harness.reader.history == ["deploy it"])
    }

    @Test func aTrailingBackslashContinuesTheInput() async throws {
        let harness = try REPLHarness([.line("first \\"), .line("second"), .endOfFile], replies: [ScriptedClaude.text("ok")])
        defer { harness.folder.remove() }
        await harness.repl.run()
        #expect(await harness.conversation.messages.first?.text == "first \nsecond")
        #expect(Array(harness.reader.prompts.prefix(2)) == [REPL.prompt, REPL.continuationPrompt])
    }

    @Test func ctrlCTwiceOnAnEmptyLineExits() async throws {
        let harness = try REPLHarness([.interrupted, .interrupted, .line("never read")])
        defer { harness.folder.remove() }
        await harness.repl.run()
        #expect(harness.reader.prompts.count == 2)
        #expect(harness.output.value.contains("Ctrl-C again"))
    }

    @Test func ctrlCThenALineDoesNotExit() async throws {
        let harness = try REPLHarness([.interrupted, .line("/help"), .interrupted, .line("/exit"), .line("never read")])
        defer { harness.folder.remove() }
        await harness.repl.run()
        #expect(harness.reader.prompts.count == 4)
    }

    @Test func ctrlCDuringASlowStreamCancelsTheTurnAndTheREPLGoesOn() async throws {
        let harness = try REPLHarness(
            [.line("slow one"), .line("and again"), .endOfFile],
            replies: [.hang(deltas: ["Partial answer"]), ScriptedClaude.text("second answer")])
        defer { harness.folder.remove() }
        await harness.repl.run()
        let output = harness.output.value
        #expect(output.contains("Partial answer"))
        #expect(output.contains("Cancelled"))
        #expect(output.contains("second answer"))
        // The cancelled turn's question and what was shown of its answer stay, marked interrupted;
        // the next prompt is a message of its own and the history stays valid (roles alternate).
        let messages = await harness.conversation.messages
        #expect(messages.map(\.role) == [.user, .assistant, .user, .assistant])
        #expect(messages[0].text == "slow one")
        #expect(messages[1].text.hasPrefix("Partial answer"))
        #expect(messages[1].text.contains("Interrupted"))
        #expect(messages[2].text == "and again")
        #expect(harness.requestViolations.isEmpty)
    }

    @Test func ctrlCDuringAToolRecordsAnErrorResultForEveryPendingCall() async throws {
        let interrupts = InterruptSignal()
        let uses = [
            ToolUse(id: "toolu_1", name: "slow_tool", input: [:]),
            ToolUse(id: "toolu_2", name: "slow_tool", input: [:]),
        ]
        let harness = try REPLHarness(
            [.line("run the tools"), .line("/exit")], replies: [ScriptedClaude.toolUses(uses)],
            tools: [slowTool(pressing: interrupts)], interrupts: interrupts)
        defer { harness.folder.remove() }
        await harness.repl.run()
        let results = await harness.toolResults()
        #expect(results["toolu_1"]?.isError == true)
        #expect(results["toolu_2"]?.isError == true)
        #expect(harness.output.value.contains("Cancelled"))
        // Only the first request went out: the tool loop stopped.
        #expect(harness.claude.requests.count == 1)
    }

    @Test func anAPIErrorIsOneLineWithTheRequestID() async throws {
        let failure = ClaudeError(code: .http, status: 529, errorType: "overloaded_error", message: "Overloaded", requestID: "req_529")
        let harness = try REPLHarness([.line("hello"), .line("/help"), .endOfFile], replies: [.failure(failure)])
        defer { harness.folder.remove() }
        await harness.repl.run()
        let errorLines = harness.output.value.split(separator: "\n").filter { $0.contains("error:") }
        #expect(errorLines.count == 1)
        #expect(errorLines.first?.contains("req_529") == true)
        #expect(harness.output.value.contains("Commands"))
    }

    @Test func withoutAnAPIKeyTheREPLSaysHowAndSlashCommandsWork() async throws {
        let output = CapturedOutput()
        let reader = ScriptedLineReader([.line("hello"), .line("/model"), .line("/cost"), .endOfFile])
        let context = REPLContext(
            conversation: nil, model: "claude-sonnet-4-5", models: [], skills: SkillsCatalog(skills: []),
            projectRoot: URL(fileURLWithPath: "/tmp"), openLedger: nil,
            missingKeyMessage: "No API key: set ANTHROPIC_API_KEY to talk to Claude.")
        let repl = REPL(context: context, reader: reader, terminal: output.terminal(), interrupts: InterruptSignal())
        await repl.run()
        #expect(output.value.contains("ANTHROPIC_API_KEY"))
        #expect(output.value.contains("Model: claude-sonnet-4-5"))
        #expect(output.value.contains("Tokens: 0 in, 0 out"))
        #expect(!repl.talked)
    }
}
