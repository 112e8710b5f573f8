import Agent
import Claude
import Foundation
import JSON
import Testing
import TestSupport
@testable import Shell

/// The REPL against what the API can send besides a plain answer: each fault reproduced through
/// the scripted harness, then the next turn checked against the API's rules.
@Suite(.timeLimit(.minutes(1))) struct FaultREPLTests {
    @Test(arguments: [
        ("refusal", "Claude declined to answer"),
        ("max_tokens", "cut off at the output limit"),
        ("model_context_window_exceeded", "filled the model's context window"),
    ])
    func anEmptyAnswerSaysWhyInOneLineAndTheSessionGoesOn(stopReason: String, notice: String) async throws {
        let harness = try REPLHarness(
            [.line("hi"), .line("again"), .endOfFile],
            replies: [.sse(FakeStream.emptyText(stopReason: stopReason)), ScriptedClaude.text("fine")])
        defer { harness.folder.remove() }
        await harness.repl.run()
        let output = harness.output.value
        #expect(output.contains("⚠ "), "\(output)")
        #expect(output.contains(notice), "\(output)")
        #expect(output.components(separatedBy: "⚠").count == 2, "one notice")
        #expect(harness.requestViolations.isEmpty, "\(harness.requestViolations)")
        #expect(harness.claude.requests.count == 2)
        #expect(harness.claude.requests[1].messages.map(\.role) == [.user, .assistant, .user])
    }

    @Test func anEmptyEndTurnPrintsNoBlankLine() async throws {
        let harness = try REPLHarness([.line("hi"), .endOfFile], replies: [.sse(FakeStream.emptyText(stopReason: "end_turn"))])
        defer { harness.folder.remove() }
        await harness.repl.run()
        #expect(!harness.output.value.contains("⚠"))
        #expect(harness.output.value.trimmingCharacters(in: .newlines).isEmpty, "\(harness.output.value.debugDescription)")
    }

    @Test func aPausedTurnIsOneAnswer() async throws {
        let harness = try REPLHarness(
            [.line("search"), .line("thanks"), .endOfFile],
            replies: [
                .sse(FakeStream.message([.text("Looking… ")], stopReason: "pause_turn")),
                .sse(FakeStream.message([.text("found.")], stopReason: "end_turn")),
                ScriptedClaude.text("welcome"),
            ])
        defer { harness.folder.remove() }
        await harness.repl.run()
        #expect(harness.output.value.contains("Looking… found."))
        #expect(!harness.output.value.contains("⚠"))
        #expect(harness.requestViolations.isEmpty, "\(harness.requestViolations)")
        #expect(harness.claude.requests[2].messages.map(\.role) == [.user, .assistant, .user])
    }

    @Test func aCancelledTurnKeepsThePromptAndThePartialAnswer() async throws {
        let harness = try REPLHarness(
            [.line("explain the logs"), .line("shorter please"), .endOfFile],
            replies: [.hang(deltas: ["The build fails because"]), ScriptedClaude.text("ok")])
        defer { harness.folder.remove() }
        await harness.repl.run()
        #expect(harness.output.value.contains("Cancelled."))
        #expect(harness.requestViolations.isEmpty, "\(harness.requestViolations)")
        let sent = harness.claude.requests[1].messages
        #expect(sent.map(\.role) == [.user, .assistant, .user])
        #expect(sent[0].text == "explain the logs")
        #expect(sent[1].text.hasPrefix("The build fails because"))
        #expect(sent[1].text.contains("[Interrupted: the user cancelled it"))
        #expect(sent[2].text == "shorter please")
    }

    @Test func aBrokenStreamIsReportedAsBrokenAndTheNextTurnWorks() async throws {
        let harness = try REPLHarness(
            [.line("go"), .line("again"), .endOfFile],
            replies: [.sse(FakeStream.cutOff("Half an ans")), ScriptedClaude.text("whole")])
        defer { harness.folder.remove() }
        await harness.repl.run()
        let output = harness.output.value
        #expect(output.contains("stream ended before the message was complete"))
        #expect(!output.contains("could not reach"))
        #expect(harness.requestViolations.isEmpty, "\(harness.requestViolations)")
        #expect(harness.claude.requests[1].messages[1].text.hasPrefix("Half an ans"))
    }

    @Test func aRefusedHistorySaysHowToRecover() async throws {
        let refused = ClaudeError(
            code: .http, status: 400, errorType: "invalid_request_error",
            message: "messages.1.content.0.text: text content blocks must be non-empty", requestID: "req_h")
        let harness = try REPLHarness([.line("hi"), .endOfFile], replies: [.failure(refused)])
        defer { harness.folder.remove() }
        await harness.repl.run()
        #expect(harness.output.value.contains("/compact summarises it, /clear starts afresh"))
    }

    @Test func nearTheContextWindowTheREPLSaysItCompacts() async throws {
        let harness = try REPLHarness(
            [.line("one"), .line("two"), .line("three"), .endOfFile],
            replies: [
                ScriptedClaude.text("a", usage: Usage(inputTokens: 100, outputTokens: 10)),
                ScriptedClaude.text("b", usage: Usage(inputTokens: 900, outputTokens: 10)),
                ScriptedClaude.text("summary of the session"),
                ScriptedClaude.text("c"),
            ],
            contextWindow: 1000)
        defer { harness.folder.remove() }
        await harness.repl.run()
        let output = harness.output.value
        #expect(output.contains("of the model's context window"), "\(output)")
        #expect(output.contains("Compacted 4 messages into a summary of 4 words."))
        #expect(harness.requestViolations.isEmpty, "\(harness.requestViolations)")
        #expect(harness.claude.requests[3].messages.first?.text.contains("summary of the session") == true)
    }

    // MARK: - /model and /cost

    @Test func modelListsWhatTheAPIOffersAndRefusesAnUnknownName() async throws {
        let listed = ["claude-fable-5", "claude-opus-4-8", "claude-sonnet-5", "claude-haiku-4-5"]
        let harness = try REPLHarness(
            [.line("/model"), .line("/model claude-sonet-5"), .line("hi"), .line("/model claude-sonnet-5"), .line("hi"), .endOfFile],
            replies: [ScriptedClaude.text("one"), ScriptedClaude.text("two")],
            listModels: { listed.map { ModelInfo(id: $0) } })
        defer { harness.folder.remove() }
        await harness.repl.run()
        let output = harness.output.value
        for model in listed { #expect(output.contains("  " + model), "\(model)") }
        #expect(output.contains("claude-fable-5 (1M context)"))
        #expect(output.contains("claude-sonet-5 is a model the API does not offer; the model stays claude-test. Did you mean claude-sonnet-5"))
        #expect(harness.claude.requests.map(\.model) == ["claude-test", "claude-sonnet-5"])
        // Tab offers the API's list from then on.
        let completer = SlashCommandCompleter(modelNames: harness.repl.context.modelNames)
        #expect(completer.complete("/model claude-f").candidates == ["claude-fable-5"])
    }

    @Test func modelWithoutTheAPIFallsBackToTheKnownModels() async throws {
        let harness = try REPLHarness([.line("/model claude-opus-4-8"), .line("/model gpt-5"), .endOfFile])
        defer { harness.folder.remove() }
        await harness.repl.run()
        let output = harness.output.value
        #expect(output.contains("Model: claude-opus-4-8"))
        #expect(output.contains("gpt-5 is a model deployotron does not know"))
        #expect(await harness.conversation.model == "claude-opus-4-8")
    }

    @Test func costIsUnknownRatherThanGuessedForAModelWithoutPrices() async throws {
        let harness = try REPLHarness(
            [.line("/model claude-other"), .line("hi"), .line("/cost"), .endOfFile], replies: [ScriptedClaude.text("hey")])
        defer { harness.folder.remove() }
        await harness.repl.run()
        #expect(harness.output.value.contains("Estimated cost: unknown (deployotron does not know the prices of claude-other)."))
        #expect(!harness.output.value.contains("$"))
    }
}
