import Claude
import Foundation
import JSON
import Synchronization
import Testing
@testable import Agent

@Suite struct ConversationTests {
    final class Asker: PermissionAsker {
        let answer: PermissionAnswer
        let asked = Mutex<[String]>([])
        init(answer: PermissionAnswer) { self.answer = answer }
        func ask(_ request: PermissionRequest) async -> PermissionAnswer {
            asked.withLock { $0.append(request.toolName) }
            return answer
        }
    }

    static let echo = Tool.make(name: "echo", description: "Echoes its text.", risk: .readOnly, input: EchoInput.self) { input, _ in
        ToolOutput(text: input.text)
    }

    static let failing = Tool.make(name: "fail", description: "Always fails.", risk: .readOnly, input: NoInput.self) { _, _ in
        throw AgentError(.file, "disk on fire")
    }

    static let blocking = Tool.make(name: "block", description: "Runs until cancelled.", risk: .readOnly, input: NoInput.self) { _, _ in
        try await Task.sleep(for: .seconds(600))
        return ToolOutput(text: "finished")
    }

    func conversation(
        _ client: ScriptedMessages, tools: [Tool] = [echo], permissions: PermissionPolicy = .oneShot(),
        root: URL = URL(fileURLWithPath: NSTemporaryDirectory()), transcript: Transcript? = nil, limit: Int = 50_000
    ) throws -> Conversation {
        Conversation(
            client: client, registry: try ToolRegistry(tools), permissions: permissions, system: [SystemBlock(text: "You test.")],
            model: "claude-test", projectRoot: root, transcript: transcript, outputLimit: ToolOutputLimit(maxCharacters: limit))
    }

    /// What the API accepts: it starts with the user, roles alternate, no text block is empty, every
    /// tool_use has an object input and is answered by the next message, which starts with its results.
    static func isValid(_ history: [Message]) -> Bool {
        if !HistoryRepair.violations(history).isEmpty { return false }
        if let first = history.first, first.role != .user { return false }
        for (index, message) in history.enumerated() {
            if index > 0, history[index - 1].role == message.role { return false }
            if message.content.isEmpty || message.content.contains(.text("")) { return false }
            if message.toolUses.contains(where: { $0.input.objectValue == nil }) { return false }
            let uses = message.toolUses.map(\.id)
            guard message.role == .assistant, !uses.isEmpty else { continue }
            guard index + 1 < history.count else { return false }
            let results = history[index + 1].content.prefix(uses.count).compactMap { block -> String? in
                if case .toolResult(let result) = block { result.toolUseId } else { nil }
            }
            if results != uses { return false }
        }
        return true
    }

    static func results(_ message: Message?) -> [ToolResult] {
        (message?.content ?? []).compactMap { if case .toolResult(let result) = $0 { result } else { nil } }
    }

    @Test func toolLoopAnswersEveryCallInOneUserMessage() async throws {
        let client = ScriptedMessages([
            ScriptedMessages.tools([ToolUse(id: "t1", name: "echo", input: ["text": "one"]), ToolUse(id: "t2", name: "echo", input: ["text": "two"])]),
            ScriptedMessages.text("done"),
        ])
        let chat = try conversation(client)
        let events = EventLog()
        let result = try await chat.send("hi", onEvent: events.handler)

        #expect(result.text == "done")
        #expect(result.stopReason == .endTurn)
        #expect(result.toolCalls == [ToolCallRecord(name: "echo", input: ["text": "one"], isError: false), ToolCallRecord(name: "echo", input: ["text": "two"], isError: false)])
        #expect(result.usage == Usage(inputTokens: 20, outputTokens: 10))
        #expect(await chat.sessionUsage == Usage(inputTokens: 20, outputTokens: 10))
        #expect(events.started == ["echo", "echo"])
        #expect(await chat.estimatedCost == nil, "claude-test has no published prices: no guess")

        let requests = client.requests
        #expect(requests.count == 2)
        #expect(requests[0].tools.map(\.name) == ["echo"])
        #expect(requests[0].system == [SystemBlock(text: "You test.")])
        let answer = try #require(requests[1].messages.last)
        #expect(answer.role == .user)
        #expect(Self.results(answer) == [ToolResult(toolUseId: "t1", content: "one", isError: false), ToolResult(toolUseId: "t2", content: "two", isError: false)])
        let history = await chat.messages
        #expect(history.count == 4)
        #expect(Self.isValid(history))
    }

    @Test func unknownToolInvalidInputAndFailureBecomeErrorResults() async throws {
        let client = ScriptedMessages([
            ScriptedMessages.tools([
                ToolUse(id: "a", name: "nope", input: [:]),
                ToolUse(id: "b", name: "echo", input: ["text": 5]),
                ToolUse(id: "c", name: "fail", input: [:]),
            ]),
            ScriptedMessages.text("ok"),
        ])
        let chat = try conversation(client, tools: [Self.echo, Self.failing])
        let result = try await chat.send("go", onEvent: { _ in })
        #expect(result.toolCalls.map(\.isError) == [true, true, true])

        let results = Self.results(client.requests[1].messages.last)
        #expect(results.map(\.toolUseId) == ["a", "b", "c"])
        #expect(results.allSatisfy { $0.isError })
        #expect(results[0].content.contains("no tool named 'nope'"))
        #expect(results[1].content.contains("input.text: expected string, got integer"))
        #expect(results[2].content.contains("disk on fire"))
    }

    @Test func longOutputIsCutWithANote() async throws {
        let text = String(repeating: "word ", count: 100)
        let client = ScriptedMessages([
            ScriptedMessages.tools([ToolUse(id: "t", name: "echo", input: ["text": .string(text)])]),
            ScriptedMessages.text("ok"),
        ])
        let chat = try conversation(client, limit: 100)
        _ = try await chat.send("go", onEvent: { _ in })
        let content = try #require(Self.results(client.requests[1].messages.last).first).content
        #expect(content.hasPrefix(String(text.prefix(100)) + "\n"))
        #expect(content.hasSuffix("[output cut: 100 of 500 characters shown]"))
    }

    @Test func oneShotRefusesToolsThatChangeUnlessAllowed() async throws {
        let writer = Tool.make(name: "poke", description: "Changes something.", risk: .changes, input: NoInput.self) { _, _ in ToolOutput(text: "poked") }
        for (policy, refused) in [(PermissionPolicy.oneShot(), true), (.oneShot(allowed: ["poke"]), false), (.oneShot(allowAll: true), false), (.oneShot(allowed: ["other"]), true)] {
            let client = ScriptedMessages([ScriptedMessages.tools([ToolUse(id: "p", name: "poke", input: [:])]), ScriptedMessages.text("ok")])
            let chat = try conversation(client, tools: [writer], permissions: policy)
            let events = EventLog()
            _ = try await chat.send("go", onEvent: events.handler)
            let result = try #require(Self.results(client.requests[1].messages.last).first)
            #expect(result.isError == refused)
            #expect(result.content.contains("--allow poke") == refused)
            #expect(events.denied == (refused ? ["poke"] : []))
        }
    }

    @Test func interactivePolicyAsksAndRemembersAlways() async throws {
        let project = try TemporaryProject(), state = try TemporaryProject()
        // The user's grants, kept in a state folder of the test's own.
        let grants = ToolGrants(url: state.url.appendingPathComponent("permissions.json"))
        let writer = Tool.make(name: "poke", description: "Changes something.", risk: .changes, input: NoInput.self) { _, _ in ToolOutput(text: "poked") }
        let reader = Tool.make(name: "look", description: "Looks.", risk: .readOnly, input: NoInput.self) { _, _ in ToolOutput(text: "seen") }

        let no = Asker(answer: .no)
        var client = ScriptedMessages([ScriptedMessages.tools([ToolUse(id: "l", name: "look", input: [:]), ToolUse(id: "p", name: "poke", input: [:])]), ScriptedMessages.text("ok")])
        _ = try await conversation(client, tools: [writer, reader], permissions: .interactive(asker: no, projectRoot: project.url, grants: grants)).send("go", onEvent: { _ in })
        #expect(no.asked.withLock { $0 } == ["poke"])
        #expect(Self.results(client.requests[1].messages.last).map(\.isError) == [false, true])

        let always = Asker(answer: .always)
        client = ScriptedMessages([ScriptedMessages.tools([ToolUse(id: "p", name: "poke", input: [:])]), ScriptedMessages.text("ok")])
        _ = try await conversation(client, tools: [writer], permissions: .interactive(asker: always, projectRoot: project.url, grants: grants)).send("go", onEvent: { _ in })
        #expect(Self.results(client.requests[1].messages.last).map(\.isError) == [false])
        #expect(grants.allowed(projectRoot: project.url) == ["poke"])

        // Remembered: a later session in the project does not ask.
        let never = Asker(answer: .no)
        client = ScriptedMessages([ScriptedMessages.tools([ToolUse(id: "p", name: "poke", input: [:])]), ScriptedMessages.text("ok")])
        _ = try await conversation(client, tools: [writer], permissions: .interactive(asker: never, projectRoot: project.url, grants: grants)).send("go", onEvent: { _ in })
        #expect(never.asked.withLock { $0 }.isEmpty)
        #expect(Self.results(client.requests[1].messages.last).map(\.isError) == [false])
    }

    @Test func cancellingDuringAToolAnswersEveryPendingCall() async throws {
        let client = ScriptedMessages([
            ScriptedMessages.tools([ToolUse(id: "b", name: "block", input: [:]), ToolUse(id: "e", name: "echo", input: ["text": "later"])]),
            ScriptedMessages.text("never sent"),
        ])
        let chat = try conversation(client, tools: [Self.echo, Self.blocking])
        let events = EventLog()
        let turn = Task { try await chat.send("go", onEvent: events.handler) }
        while events.started.isEmpty { try await Task.sleep(for: .milliseconds(2)) }
        turn.cancel()
        await #expect(throws: CancellationError.self) { try await turn.value }

        let history = await chat.messages
        #expect(Self.isValid(history))
        let results = Self.results(history.dropLast().last)
        #expect(results.map(\.toolUseId) == ["b", "e"])
        #expect(history.last?.text.contains("Interrupted: the user cancelled it") == true)
        #expect(results.allSatisfy { $0.isError })
        #expect(client.requests.count == 1)
        #expect(await chat.sessionToolCalls.map(\.isError) == [true, true])
    }

    @Test func cancellingDuringTheStreamKeepsAValidHistoryAndTheNextTurnWorks() async throws {
        let client = ScriptedMessages([.hang, ScriptedMessages.text("second")])
        let chat = try conversation(client)
        let turn = Task { try await chat.send("first", onEvent: { _ in }) }
        while client.requests.isEmpty { try await Task.sleep(for: .milliseconds(2)) }
        turn.cancel()
        await #expect(throws: (any Error).self) { try await turn.value }

        let result = try await chat.send("again", onEvent: { _ in })
        #expect(result.text == "second")
        // The cancelled prompt stays a message of its own, answered by a note; never merged with "again".
        let sent = client.requests[1].messages
        #expect(sent.count == 3)
        #expect(sent[0].content == [.text("first")])
        #expect(sent[1].role == .assistant)
        #expect(sent[1].text.contains("Interrupted: the user cancelled it"))
        #expect(sent[2].content == [.text("again")])
        #expect(Self.isValid(await chat.messages))
    }

    @Test func apiErrorPropagatesAndLeavesHistoryValid() async throws {
        let client = ScriptedMessages([
            ScriptedMessages.tools([ToolUse(id: "t", name: "echo", input: ["text": "x"])]),
            .fail(ClaudeError(code: .http, status: 529, errorType: "overloaded_error", message: "Overloaded", isRetryable: true)),
        ])
        let chat = try conversation(client)
        await #expect(throws: ClaudeError.self) { try await chat.send("go", onEvent: { _ in }) }
        let history = await chat.messages
        #expect(Self.isValid(history))
        #expect(history.last?.role == .assistant)
        #expect(history.last?.text.contains("Interrupted: the request failed: HTTP 529 overloaded_error: Overloaded") == true)
        #expect(await chat.sessionToolCalls.count == 1)
    }

    @Test func truncatedToolUseIsAnsweredButNotRun() async throws {
        let runs = Mutex(0)
        let counting = Tool.make(name: "count", description: "Counts runs.", risk: .readOnly, input: NoInput.self) { _, _ in
            runs.withLock { $0 += 1 }
            return ToolOutput(text: "ran")
        }
        let use = ToolUse(id: "cut", name: "count", input: [:])
        let client = ScriptedMessages([
            .respond(MessageResponse(id: "m", model: "claude-test", content: [.toolUse(use)], stopReason: .maxTokens, usage: Usage(), truncatedToolUses: [use])),
            ScriptedMessages.text("ok"),
        ])
        let chat = try conversation(client, tools: [counting])
        _ = try await chat.send("go", onEvent: { _ in })
        #expect(runs.withLock { $0 } == 0)
        let result = try #require(Self.results(client.requests[1].messages.last).first)
        #expect(result.isError)
        #expect(result.content.contains("max_tokens"))
    }

    @Test func transcriptRecordsTheTurnAndResumes() async throws {
        let project = try TemporaryProject()
        let store = TranscriptStore(directory: project.url.appendingPathComponent("state/sessions"))
        let transcript = try store.create(projectRoot: project.url, model: "claude-test")
        let client = ScriptedMessages([
            ScriptedMessages.tools([ToolUse(id: "t", name: "echo", input: ["text": "x"])]),
            ScriptedMessages.text("answer"),
        ])
        let chat = try conversation(client, root: project.url, transcript: transcript)
        _ = try await chat.send("remember me", onEvent: { _ in })

        let saved = try store.load(id: transcript.id)
        #expect(saved.messages == (await chat.messages))
        #expect(saved.usage == Usage(inputTokens: 20, outputTokens: 10))
        #expect(saved.summary.title == "remember me")
        #expect(saved.summary.project == project.url.path)
        #expect(store.latest(projectRoot: project.url)?.id == transcript.id)

        await chat.clear()
        #expect(try store.load(id: transcript.id).messages.isEmpty)
    }
}
