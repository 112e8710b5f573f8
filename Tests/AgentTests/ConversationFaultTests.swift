import Claude
import Foundation
import JSON
import Synchronization
import Testing
import TestSupport
@testable import Agent

/// What the API can send that is not a plain answer, each reproduced through `Conversation` with
/// the stream decoded as the real client does; every request the turn makes is checked against the
/// API's rules (`HistoryRepair.violations`).
@Suite struct ConversationFaultTests {
    static let echo = Tool.make(name: "echo", description: "Echoes its text.", risk: .readOnly, input: EchoInput.self) { input, _ in
        ToolOutput(text: input.text)
    }

    func conversation(
        _ client: ScriptedMessages, history: [Message] = [], contextWindow: Int? = nil, model: String = "claude-test"
    ) throws -> Conversation {
        Conversation(
            client: client, registry: try ToolRegistry([Self.echo]), permissions: .oneShot(), system: [SystemBlock(text: "You test.")],
            model: model, contextWindow: contextWindow, projectRoot: URL(fileURLWithPath: NSTemporaryDirectory()), history: history)
    }

    /// Every request the client received obeys the API's rules.
    static func expectValidRequests(_ client: ScriptedMessages, sourceLocation: SourceLocation = #_sourceLocation) {
        for (index, request) in client.requests.enumerated() {
            let problems = HistoryRepair.violations(request.messages)
            #expect(problems.isEmpty, "request \(index): \(problems)", sourceLocation: sourceLocation)
        }
    }

    // MARK: - Empty text (issue item 1)

    @Test(arguments: ["refusal", "max_tokens"])
    func anEmptyAnswerIsNeverStoredOrSentBack(stopReason: String) async throws {
        let client = ScriptedMessages([.sse(FakeStream.emptyText(stopReason: stopReason)), ScriptedMessages.text("fine")])
        let chat = try conversation(client)
        let first = try await chat.send("hi", onEvent: { _ in })
        #expect(first.text == "")
        #expect(first.stopReason == StopReason(apiValue: stopReason))
        _ = try await chat.send("again", onEvent: { _ in })
        Self.expectValidRequests(client)
        let sent = client.requests[1].messages
        #expect(sent.map(\.role) == [.user, .assistant, .user])
        #expect(sent[1].text.contains("stop reason: \(stopReason)"))
    }

    @Test func whitespaceOnlyTextBeforeAToolCallIsDropped() async throws {
        let client = ScriptedMessages([
            .sse(FakeStream.message([.text("  \n"), .toolUse(id: "t1", name: "echo", input: ["text": "x"])], stopReason: "tool_use")),
            ScriptedMessages.text("done"),
        ])
        _ = try await conversation(client).send("go", onEvent: { _ in })
        Self.expectValidRequests(client)
        #expect(client.requests[1].messages[1].content == [.toolUse(ToolUse(id: "t1", name: "echo", input: ["text": "x"]))])
    }

    @Test func aBrokenSavedHistoryIsRepairedBeforeTheFirstRequest() async throws {
        let broken = [
            Message(role: .user, content: [.text("a")]),
            Message(role: .assistant, content: [.text("")]),
            Message(role: .assistant, content: [.text("   "), .toolUse(ToolUse(id: "t", name: "echo", input: .string("{\"te")))]),
            Message(role: .user, content: [.text("b")]),
            Message(role: .user, content: [.text("c")]),
        ]
        #expect(!HistoryRepair.violations(broken).isEmpty)
        let client = ScriptedMessages([ScriptedMessages.text("ok")])
        let chat = try conversation(client, history: broken)
        _ = try await chat.send("d", onEvent: { _ in })
        Self.expectValidRequests(client)
        #expect(HistoryRepair.violations(await chat.messages).isEmpty)
    }

    // MARK: - Tool calls that never completed (item 2)

    @Test func aToolCallCutOffByMaxTokensIsAnsweredAsAnError() async throws {
        let cut = FakeStream.message([.toolUse(id: "cut", name: "echo", inputChunks: ["{\"te"])], stopReason: "max_tokens", closeLastBlock: false)
        let client = ScriptedMessages([.sse(cut), ScriptedMessages.text("ok")])
        let result = try await conversation(client).send("go", onEvent: { _ in })
        #expect(result.toolCalls == [ToolCallRecord(name: "echo", input: [:], isError: true)])
        Self.expectValidRequests(client)
        let answer = try #require(client.requests[1].messages.last?.content.first)
        guard case .toolResult(let toolResult) = answer else { Issue.record("no tool result: \(answer)"); return }
        #expect(toolResult.isError)
        #expect(toolResult.content.contains("max_tokens"))
    }

    // MARK: - pause_turn (item 4)

    @Test func aPausedTurnContinuesInTheSameAssistantMessage() async throws {
        let client = ScriptedMessages([
            .sse(FakeStream.message([.text("Searching… ")], stopReason: "pause_turn")),
            .sse(FakeStream.message([.text("found it.")], stopReason: "end_turn")),
            ScriptedMessages.text("next"),
        ])
        let chat = try conversation(client)
        let result = try await chat.send("find it", onEvent: { _ in })
        #expect(result.text == "Searching… found it.")
        #expect(result.stopReason == .endTurn)
        // The continuation request ends with the paused assistant message, as the API wants.
        #expect(client.requests[1].messages.map(\.role) == [.user, .assistant])
        _ = try await chat.send("thanks", onEvent: { _ in })
        Self.expectValidRequests(client)
        #expect(client.requests[2].messages.map(\.role) == [.user, .assistant, .user])
        #expect(client.requests[2].messages[1].content == [.text("Searching… "), .text("found it.")])
    }

    // MARK: - Interrupted turns (item 5)

    @Test func aFailedTurnKeepsThePromptAndThePartialAnswerMarkedInterrupted() async throws {
        let client = ScriptedMessages([
            .sse(FakeStream.cutOff("The Dockerfile needs")),
            ScriptedMessages.text("second"),
        ])
        let chat = try conversation(client)
        let events = EventLog()
        await #expect(throws: ClaudeError.self) { try await chat.send("what is wrong?", onEvent: events.handler) }
        let history = await chat.messages
        #expect(history.count == 2)
        #expect(history[0].content == [.text("what is wrong?")])
        #expect(history[1].content.first == .text("The Dockerfile needs"))
        #expect(history[1].text.contains("[Interrupted: the request failed"))

        _ = try await chat.send("try again", onEvent: { _ in })
        Self.expectValidRequests(client)
        #expect(client.requests[1].messages.map(\.role) == [.user, .assistant, .user])
        #expect(client.requests[1].messages[2].content == [.text("try again")])
    }

    // MARK: - Compaction (item 6)

    @Test func nearTheContextWindowTheHistoryBeforeTheTurnIsCompactedFirst() async throws {
        let big = Usage(inputTokens: 850, outputTokens: 10)
        let client = ScriptedMessages([
            ScriptedMessages.text("one", usage: Usage(inputTokens: 100, outputTokens: 10)),
            ScriptedMessages.text("two", usage: big),
            ScriptedMessages.text("the summary of it all"),
            ScriptedMessages.text("three"),
        ])
        let chat = try conversation(client, contextWindow: 1000)
        _ = try await chat.send("first", onEvent: { _ in })
        _ = try await chat.send("second", onEvent: { _ in })
        let events = EventLog()
        let result = try await chat.send("third", onEvent: events.handler)
        #expect(result.text == "three")
        #expect(events.all.contains { if case .compacting(.nearContextWindow(let tokens, 1000)) = $0 { tokens >= 860 } else { false } })
        #expect(events.all.contains { if case .compacted(.compacted(messages: 4, words: 5)) = $0 { true } else { false } })
        Self.expectValidRequests(client)
        let after = client.requests[3].messages
        #expect(after.count == 3)
        #expect(after[0].text.contains("the summary of it all"))
        #expect(after[2].content == [.text("third")])
    }

    @Test func promptTooLongCompactsAndRetriesOnce() async throws {
        let tooLong = ClaudeError(code: .http, status: 400, errorType: "invalid_request_error", message: "prompt is too long: 1000231 tokens > 1000000 maximum")
        let client = ScriptedMessages([
            ScriptedMessages.text("one"), ScriptedMessages.text("two"),
            .fail(tooLong), ScriptedMessages.text("summary"), ScriptedMessages.text("three"),
            .fail(tooLong), ScriptedMessages.text("summary again"), .fail(tooLong),
        ])
        let chat = try conversation(client)
        _ = try await chat.send("first", onEvent: { _ in })
        _ = try await chat.send("second", onEvent: { _ in })
        let events = EventLog()
        #expect(try await chat.send("third", onEvent: events.handler).text == "three")
        #expect(events.all.contains { if case .compacting(.promptTooLong) = $0 { true } else { false } })
        #expect(client.requests[4].messages.last?.content == [.text("third")])

        // Still too long after compacting: the turn fails once, with the error, and is closed.
        let error = await #expect(throws: ClaudeError.self) { try await chat.send("fourth", onEvent: { _ in }) }
        #expect(error?.isPromptTooLong == true)
        #expect(client.requests.count == 8)
        Self.expectValidRequests(client)
        #expect(HistoryRepair.violations(await chat.messages).isEmpty)
    }

    // MARK: - Thinking

    @Test func requestsCarryTheThinkingTheModelTakes() async throws {
        let client = ScriptedMessages([ScriptedMessages.text("a"), ScriptedMessages.text("b")])
        let chat = Conversation(
            client: client, registry: try ToolRegistry([]), permissions: .oneShot(), system: [], model: "claude-fable-5",
            effort: .low, projectRoot: URL(fileURLWithPath: NSTemporaryDirectory()))
        _ = try await chat.send("x", onEvent: { _ in })
        #expect(client.requests[0].thinking == .adaptive(effort: .low))
        await chat.setModel("claude-sonnet-4-5")
        _ = try await chat.send("y", onEvent: { _ in })
        #expect(client.requests[1].thinking == .budget(tokens: Effort.low.budgetTokens))
    }
}
