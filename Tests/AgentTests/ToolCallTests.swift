import Claude
import Foundation
import JSON
import Synchronization
import Testing
import TestSupport
@testable import Agent

/// Calls that cannot run (cut off, not JSON, unknown, invalid, undecodable) and what reaches
/// Claude, the history and the transcript from calls that do.
@Suite struct ToolCallTests {
    static let secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
    static let password = "hunter2hunter2"

    func conversation(_ client: ScriptedMessages, tools: [Tool] = [ConversationTests.echo], transcript: Transcript? = nil) throws -> Conversation {
        Conversation(
            client: client, registry: try ToolRegistry(tools), permissions: .oneShot(), system: [SystemBlock(text: "You test.")],
            model: "claude-test", projectRoot: URL(fileURLWithPath: NSTemporaryDirectory()), transcript: transcript)
    }

    static func rejections(_ events: EventLog) -> [(id: String, name: String, reason: String)] {
        events.all.compactMap { if case .toolRejected(let id, let name, let reason) = $0 { (id, name, reason) } else { nil } }
    }

    // MARK: - Cut off and unparseable

    @Test func aCallCutOffByMaxTokensIsKeptAnsweredAndShown() async throws {
        let runs = Mutex(0)
        let counting = Tool.make(name: "echo", description: "Echoes.", risk: .readOnly, input: EchoInput.self) { input, _ in
            runs.withLock { $0 += 1 }
            return ToolOutput(text: input.text)
        }
        // An empty text block, then a tool call whose input stops mid-string when max_tokens is reached.
        let cut = FakeStream.message(
            [.text(chunks: []), .toolUse(id: "toolu_cut", name: "echo", inputChunks: ["{\"text\": \"a very lo"])],
            stopReason: "max_tokens", closeLastBlock: false)
        let client = ScriptedMessages([.sse(cut), .sse(FakeStream.text("I will write less."))])
        let chat = try conversation(client, tools: [counting])
        let events = EventLog()
        let result = try await chat.send("go", onEvent: events.handler)

        #expect(result.text == "I will write less.")
        #expect(runs.withLock { $0 } == 0)
        #expect(events.started.isEmpty)
        let rejected = Self.rejections(events)
        #expect(rejected.map(\.id) == ["toolu_cut"])
        #expect(rejected.first?.reason.contains("max_tokens") == true)

        let next = client.requests[1].messages
        #expect(ConversationTests.isValid(next))
        #expect(next[1] == Message(role: .assistant, content: [.toolUse(ToolUse(id: "toolu_cut", name: "echo", input: [:]))]))
        let answer = try #require(ConversationTests.results(next.last).first)
        #expect(answer.toolUseId == "toolu_cut")
        #expect(answer.isError)
        #expect(answer.content.contains("max_tokens"))
        #expect(ConversationTests.isValid(await chat.messages))
        #expect(await chat.sessionToolCalls == [ToolCallRecord(name: "echo", input: [:], isError: true)])
    }

    @Test func aCallWhoseInputIsNotJSONIsAnsweredAndShown() async throws {
        let broken = FakeStream.message(
            [.text("Checking."), .toolUse(id: "toolu_bad", name: "echo", inputChunks: ["{\"text\": ", "tru"]),
             .toolUse(id: "toolu_ok", name: "echo", input: ["text": "fine"])],
            stopReason: "tool_use")
        let client = ScriptedMessages([.sse(broken), .sse(FakeStream.text("done"))])
        let chat = try conversation(client)
        let events = EventLog()
        _ = try await chat.send("go", onEvent: events.handler)

        #expect(Self.rejections(events).map(\.id) == ["toolu_bad"])
        #expect(Self.rejections(events).first?.reason == "input was not valid JSON")
        #expect(events.started == ["echo"])
        let next = client.requests[1].messages
        #expect(ConversationTests.isValid(next))
        #expect(next[1].toolUses.map(\.input) == [[:], ["text": "fine"]])
        let results = ConversationTests.results(next.last)
        #expect(results.map(\.toolUseId) == ["toolu_bad", "toolu_ok"])
        #expect(results.map(\.isError) == [true, false])
        #expect(results[0].content.contains("JSON"))
    }

    @Test func responsesThatKeepBeingCutOffEndTheTurn() async throws {
        let cut = FakeStream.message([.toolUse(id: "toolu_cut", name: "echo", inputChunks: ["{\"te"])], stopReason: "max_tokens", closeLastBlock: false)
        let client = ScriptedMessages([.sse(cut), .sse(cut.replacingOccurrences(of: "toolu_cut", with: "toolu_cut2")),
                                       .sse(cut.replacingOccurrences(of: "toolu_cut", with: "toolu_cut3")), ScriptedMessages.text("never asked")])
        let chat = try conversation(client)
        let result = try await chat.send("go", onEvent: { _ in })
        #expect(result.stopReason == .maxTokens)
        #expect(client.requests.count == Conversation.maxCutOffRetries + 1)
        let history = await chat.messages
        #expect(ConversationTests.isValid(history))
        #expect(ConversationTests.results(history.last).map(\.toolUseId) == ["toolu_cut3"])

        // The next turn goes on from a valid history.
        let client2 = ScriptedMessages([ScriptedMessages.text("ok")])
        let resumed = Conversation(
            client: client2, registry: try ToolRegistry([ConversationTests.echo]), permissions: .oneShot(), system: [],
            model: "claude-test", projectRoot: URL(fileURLWithPath: NSTemporaryDirectory()), history: history)
        _ = try await resumed.send("again", onEvent: { _ in })
        #expect(ConversationTests.isValid(client2.requests[0].messages))
    }

    // MARK: - Unknown, invalid, undecodable

    @Test func unknownInvalidAndUndecodableCallsAreOneRejectionEach() async throws {
        let drifted = Tool.make(name: "drift", description: "Counts.", risk: .readOnly, input: DriftedInput.self) { input, _ in
            ToolOutput(text: "\(input.count)")
        }
        let client = ScriptedMessages([
            ScriptedMessages.tools([
                ToolUse(id: "a", name: "nope", input: [:]),
                ToolUse(id: "b", name: "echo", input: ["text": 5, "extra": true]),
                ToolUse(id: "c", name: "drift", input: ["count": 1.5]),
                ToolUse(id: "d", name: "drift", input: ["count": 2]),
            ]),
            ScriptedMessages.text("ok"),
        ])
        let chat = try conversation(client, tools: [ConversationTests.echo, drifted])
        let events = EventLog()
        _ = try await chat.send("go", onEvent: events.handler)

        let rejected = Self.rejections(events)
        #expect(rejected.map(\.id) == ["a", "b", "c"])
        #expect(rejected[0].reason == "no such tool")
        #expect(rejected[1].reason == "invalid input: input.extra: is not an allowed field (allowed: text) (and 1 more)")
        #expect(rejected[2].reason == "invalid input: a value does not fit its field's type")
        #expect(rejected.allSatisfy { !$0.reason.contains("\n") })
        #expect(events.started == ["drift"])

        let results = ConversationTests.results(client.requests[1].messages.last)
        #expect(results.map(\.isError) == [true, true, true, false])
        #expect(results[1].content.contains("input.text: expected string, got integer"))
        #expect(results[2].content.contains("does not fit drift"))
        #expect(results[3].content == "2")
    }

    // MARK: - Redaction

    @Test func aSecretInAToolResultReachesNeitherHistoryTranscriptNorRequest() async throws {
        let project = try TemporaryProject()
        let store = TranscriptStore(directory: project.url.appendingPathComponent("state/sessions"))
        let transcript = try store.create(projectRoot: project.url, model: "claude-test")
        let secret = Self.secret
        let password = Self.password
        let report = Tool.make(name: "report", description: "Reports.", risk: .readOnly, input: NoInput.self) { _, _ in
            ToolOutput(json: [
                "summary": "the app failed",
                "key_lines": [.string("AWS_SECRET_ACCESS_KEY=\(secret)"), "Error: boom"],
                "database": .string("postgres://app:\(password)@db:5432/app"),
                "count": 2,
            ])
        }
        let env = Tool.make(name: "env", description: "Reads .env.", risk: .readOnly, input: NoInput.self) { _, _ in
            ToolOutput(text: "PORT=3000\nAWS_SECRET_ACCESS_KEY=\(secret)\n")
        }
        let client = ScriptedMessages([
            ScriptedMessages.tools([ToolUse(id: "r", name: "report", input: [:]), ToolUse(id: "e", name: "env", input: [:])]),
            ScriptedMessages.text("done"),
        ])
        let chat = try conversation(client, tools: [report, env], transcript: transcript)
        _ = try await chat.send("what failed?", onEvent: { _ in })

        let body = String(decoding: client.requests[1].encodedBody(), as: UTF8.self)
        let history = await chat.messages.map { String(describing: $0) }.joined()
        let saved = try String(contentsOf: transcript.url, encoding: .utf8)
        for place in [body, history, saved] {
            #expect(!place.contains(secret))
            #expect(!place.contains(password))
        }
        #expect(body.contains("PORT=3000"))

        // The JSON result is still JSON, with its keys and non-secret values as they were.
        let results = ConversationTests.results(client.requests[1].messages.last)
        let json = try JSONValue(parsing: results[0].content)
        #expect(json["summary"] == "the app failed")
        #expect(json["count"] == 2)
        #expect(json["key_lines"]?.arrayValue?.count == 2)
        #expect(json["key_lines"]?.arrayValue?.last == "Error: boom")
        #expect(json["database"]?.stringValue?.contains("db:5432") == true)
    }
}
