import Agent
import Claude
import Foundation
import JSON
import Testing
@testable import Shell

@Suite(.timeLimit(.minutes(1))) struct PermissionAndResumeTests {
    static let write = ToolUse(id: "toolu_w", name: "write_file", input: ["path": "Dockerfile", "content": "FROM node:22\n"])

    func run(answer: String) async throws -> (REPLHarness, Bool) {
        let harness = try REPLHarness(
            [.line("write a Dockerfile"), .line(answer), .endOfFile],
            replies: [ScriptedClaude.toolUses([Self.write]), ScriptedClaude.text("done")], tools: FileTools.all)
        await harness.repl.run()
        let written = FileManager.default.fileExists(atPath: harness.folder.url.appendingPathComponent("Dockerfile").path)
        return (harness, written)
    }

    @Test func yesRunsTheTool() async throws {
        let (harness, written) = try await run(answer: "y")
        defer { harness.folder.remove() }
        #expect(written)
        #expect(await harness.toolResults()["toolu_w"]?.isError == false)
        #expect(harness.output.value.contains("write_file: Dockerfile"))
        #expect(harness.reader.prompts.contains { $0.contains("[y]es / [n]o / [a]lways") })
        // The answer is not a line of the history.
        #expect(harness.reader.history == ["write a Dockerfile"])
    }

    @Test func noRefusesIt() async throws {
        let (harness, written) = try await run(answer: "no")
        defer { harness.folder.remove() }
        #expect(!written)
        #expect(await harness.toolResults()["toolu_w"]?.isError == true)
        #expect(harness.output.value.contains("declined"))
    }

    @Test func alwaysRunsItAndIsRememberedForTheProject() async throws {
        let (harness, written) = try await run(answer: "always")
        defer { harness.folder.remove() }
        #expect(written)
        #expect(harness.grants.allowed(projectRoot: harness.folder.url).contains("write_file"))
    }

    @Test func anUnclearAnswerIsAskedAgain() async throws {
        let harness = try REPLHarness(
            [.line("write"), .line("maybe"), .line("y"), .endOfFile],
            replies: [ScriptedClaude.toolUses([Self.write]), ScriptedClaude.text("done")], tools: FileTools.all)
        defer { harness.folder.remove() }
        await harness.repl.run()
        #expect(harness.reader.prompts.filter { $0.contains("[y]es") }.count == 2)
        #expect(await harness.toolResults()["toolu_w"]?.isError == false)
    }

    @Test func ctrlCAtThePermissionQuestionRefusesAndCancelsTheTurn() async throws {
        let harness = try REPLHarness(
            [.line("write"), .interrupted, .line("/exit")],
            replies: [ScriptedClaude.toolUses([Self.write]), ScriptedClaude.text("never sent")], tools: FileTools.all)
        defer { harness.folder.remove() }
        await harness.repl.run()
        #expect(!FileManager.default.fileExists(atPath: harness.folder.url.appendingPathComponent("Dockerfile").path))
        #expect(await harness.toolResults()["toolu_w"]?.isError == true)
        #expect(harness.claude.requests.count == 1)
        #expect(harness.output.value.contains("Cancelled"))
    }

    @Test func aCutOffTranscriptResumesWithItsDanglingToolUseAnswered() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let store = TranscriptStore(directory: folder.url.appendingPathComponent("sessions"))
        let transcript = try store.create(projectRoot: folder.url, model: "claude-test")
        let dangling = ToolUse(id: "toolu_cut", name: "list_files", input: ["path": "."])
        try transcript.append(.message(.user("list the files"), usage: nil, date: Date()))
        try transcript.append(.message(Message(role: .assistant, content: [.text("Looking."), .toolUse(dangling)]), usage: Usage(inputTokens: 5), date: Date()))
        // The crash tore the last line in half.
        let handle = try FileHandle(forWritingTo: transcript.url)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("{\"type\":\"message\",\"message\":{\"role\":\"user\",\"con".utf8))
        try handle.close()

        let saved = try store.load(id: transcript.id)
        let harness = try REPLHarness(
            [.line("go on"), .endOfFile], replies: [ScriptedClaude.text("Resumed fine.")], tools: FileTools.all,
            history: saved.messages, transcript: saved.transcript, folder: folder)
        await harness.repl.run()

        #expect(harness.output.value.contains("Resumed fine."))
        let request = try #require(harness.claude.requests.first)
        #expect(request.messages.map(\.role) == [.user, .assistant, .user])
        let answered = request.messages[2].content.compactMap { block -> ToolResult? in
            if case .toolResult(let result) = block { result } else { nil }
        }
        #expect(answered.map(\.toolUseId) == ["toolu_cut"])
        #expect(answered.first?.isError == true)
        #expect(request.messages[2].text.contains("go on"))

        // The transcript goes on cleanly after the torn line and reads back whole.
        let again = try store.load(id: transcript.id)
        #expect(again.messages.last?.text == "Resumed fine.")
        let mode = try FileManager.default.attributesOfItem(atPath: transcript.url.path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }
}
