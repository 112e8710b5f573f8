import Claude
import Foundation
import JSON
import Testing
@testable import Agent

@Suite struct CompactionTests {
    func conversation(_ client: ScriptedMessages, history: [Message], transcript: Transcript? = nil) throws -> Conversation {
        Conversation(
            client: client, registry: try ToolRegistry([ConversationTests.echo]), permissions: .oneShot(),
            system: [SystemBlock(text: "You deploy.")], model: "claude-test",
            projectRoot: URL(fileURLWithPath: NSTemporaryDirectory()), transcript: transcript, history: history)
    }

    static let history: [Message] = [
        .user("deploy"),
        Message(role: .assistant, content: [.toolUse(ToolUse(id: "t", name: "echo", input: ["text": "x"]))]),
        Message(role: .user, content: [.toolResult(ToolResult(toolUseId: "t", content: "x", isError: false))]),
        Message(role: .assistant, content: [.text("Deployed on port 8080.")]),
    ]

    @Test func replacesTheHistoryWithTheSummaryAndCountsItsUsage() async throws {
        let project = try TemporaryProject()
        let store = TranscriptStore(directory: project.url.appendingPathComponent("sessions"))
        let transcript = try store.create(projectRoot: project.url, model: "claude-test")
        let client = ScriptedMessages([ScriptedMessages.text("  Project shop, live on 8080 (d1).\n", usage: Usage(inputTokens: 300, outputTokens: 40))])
        let chat = try conversation(client, history: Self.history, transcript: transcript)

        let outcome = try await chat.compact()
        #expect(outcome == .compacted(messages: 4, words: 6))

        let request = try #require(client.requests.first)
        #expect(request.system == [SystemBlock(text: Compaction.instructions)])
        #expect(request.maxTokens == Compaction.maxTokens)
        #expect(request.tools.map(\.name) == ["echo"])
        #expect(request.messages.count == 5)
        #expect(request.messages.last == .user(Compaction.request))
        #expect(ConversationTests.isValid(request.messages))

        let messages = await chat.messages
        #expect(messages.map(\.role) == [.user, .assistant])
        #expect(messages[0].text.hasSuffix("Project shop, live on 8080 (d1)."))
        #expect(await chat.sessionUsage == Usage(inputTokens: 300, outputTokens: 40))
        #expect(try store.load(id: transcript.id).messages == messages)
    }

    @Test func aHistoryEndingWithTheUserGetsTheRequestInItsLastMessage() {
        let messages = Compaction.requestMessages([.user("hi"), Message(role: .assistant, content: [.text("hello")]), .user("and?")])
        #expect(messages.count == 3)
        #expect(messages.last?.content == [.text("and?"), .text(Compaction.request)])
    }

    @Test func aShortHistoryIsNotSent() async throws {
        let client = ScriptedMessages([])
        let chat = try conversation(client, history: [.user("hi"), Message(role: .assistant, content: [.text("hello")])])
        #expect(try await chat.compact() == .nothingToCompact)
        #expect(client.requests.isEmpty)
        #expect(await chat.messages.count == 2)
    }

    @Test func noSummaryOrAFailureLeavesTheHistory() async throws {
        let empty = ScriptedMessages([ScriptedMessages.text("   ")])
        var chat = try conversation(empty, history: Self.history)
        #expect(try await chat.compact() == .noSummary(stopReason: .endTurn))
        #expect(await chat.messages == Self.history)

        let failing = ScriptedMessages([.fail(ClaudeError(code: .http, status: 500, message: "boom"))])
        chat = try conversation(failing, history: Self.history)
        await #expect(throws: ClaudeError.self) { try await chat.compact() }
        #expect(await chat.messages == Self.history)
    }

    @Test func cancellingLeavesTheHistory() async throws {
        let client = ScriptedMessages([.hang])
        let chat = try conversation(client, history: Self.history)
        let compaction = Task { try await chat.compact() }
        while client.requests.isEmpty { try await Task.sleep(for: .milliseconds(2)) }
        compaction.cancel()
        await #expect(throws: CancellationError.self) { try await compaction.value }
        #expect(await chat.messages == Self.history)
    }

    @Test func notWhileATurnRuns() async throws {
        let client = ScriptedMessages([.hang])
        let chat = try conversation(client, history: Self.history)
        let turn = Task { try await chat.send("more", onEvent: { _ in }) }
        while client.requests.isEmpty { try await Task.sleep(for: .milliseconds(2)) }
        let error = await #expect(throws: AgentError.self) { try await chat.compact() }
        #expect(error?.code == .turnInProgress)
        turn.cancel()
        _ = try? await turn.value
        #expect(client.requests.count == 1)
    }
}
