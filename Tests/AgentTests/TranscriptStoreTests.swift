import Claude
import Foundation
import JSON
import Testing
@testable import Agent

@Suite struct TranscriptStoreTests {
    @Test func crashedTranscriptLoadsRepairedAndKeepsAppending() throws {
        let project = try TemporaryProject()
        let store = TranscriptStore(directory: project.url.appendingPathComponent("sessions"))
        let transcript = try store.create(projectRoot: project.url, model: "claude-test")
        let use = ToolUse(id: "t1", name: "write_file", input: ["path": "a", "content": "b"])
        try transcript.append(.message(.user("deploy it"), usage: nil, date: Date()))
        try transcript.append(.message(Message(role: .assistant, content: [.toolUse(use)]), usage: Usage(inputTokens: 7, outputTokens: 3), date: Date()))
        // A crash in the middle of writing the next line.
        let handle = try FileHandle(forWritingTo: transcript.url)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("{\"type\":\"message\",\"message\":{\"role\":\"us".utf8))
        try handle.close()

        let mode = try FileManager.default.attributesOfItem(atPath: transcript.url.path)[.posixPermissions] as? Int
        #expect(mode == 0o600)

        let saved = try store.load(id: transcript.id)
        #expect(saved.usage == Usage(inputTokens: 7, outputTokens: 3))
        #expect(saved.messages.count == 3)
        #expect(saved.messages[2].content == [.toolResult(ToolResult(toolUseId: "t1", content: HistoryRepair.interruptedResult, isError: true))])

        // Appending after the torn line starts a fresh line: the new message is read back.
        try saved.transcript.append(.message(.user("again"), usage: nil, date: Date()))
        let reloaded = try store.load(id: transcript.id)
        #expect(reloaded.messages.last?.text == "again")
        #expect(reloaded.messages.count == 3)
    }

    @Test func listsSessionsOfAProjectNewestFirst() throws {
        let project = try TemporaryProject()
        let other = try TemporaryProject()
        let store = TranscriptStore(directory: project.url.appendingPathComponent("sessions"))
        let old = try store.create(projectRoot: project.url, model: "m", date: Date(timeIntervalSince1970: 1_000))
        try old.append(.message(.user("first session"), usage: nil, date: Date()))
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: 2_000)], ofItemAtPath: old.url.path)
        let new = try store.create(projectRoot: project.url, model: "m")
        try new.append(.message(.user("second session\nmore"), usage: nil, date: Date()))
        _ = try store.create(projectRoot: other.url, model: "m")

        let listed = store.sessions(projectRoot: project.url)
        #expect(listed.map(\.id) == [new.id, old.id])
        #expect(listed.map(\.title) == ["second session", "first session"])
        #expect(store.sessions().count == 3)
        #expect(store.latest(projectRoot: project.url)?.id == new.id)
        #expect(throws: AgentError.self) { try store.load(id: "../../etc/passwd") }
        #expect(throws: AgentError.self) { try store.load(id: "20990101-000000-000000") }
    }

    @Test func messagesRoundTripThroughJSON() throws {
        let message = Message(role: .assistant, content: [
            .thinking(thinking: "hmm", signature: "sig"), .redactedThinking(data: "xyz"), .text("hi"),
            .toolUse(ToolUse(id: "t", name: "n", input: ["a": [1, "b", nil]])),
            .other(["type": "server_tool_use", "id": "s1"]),
        ])
        let line = message.jsonValue.encodedString()
        #expect(Message(jsonValue: try JSONValue(parsing: line)) == message)
    }
}
