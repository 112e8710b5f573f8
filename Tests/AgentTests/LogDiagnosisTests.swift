import Claude
import Foundation
import LogTriage
import Testing
@testable import Agent

@Suite struct LogDiagnosisTests {
    /// The prompts shipped in the repository's `prompts/` folder.
    static var shippedPrompts: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("prompts")
    }

    static let token = "ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789"

    static func analysis(_ log: String) throws -> LogAnalysis {
        try LogAnalyzer().analyze(.text(log))
    }

    @Test func rendersTheShippedTemplate() throws {
        let analysis = try Self.analysis("npm ERR! Missing script: \"build\"\nGITHUB_TOKEN=\(Self.token)\n")
        let library = PromptLibrary(bundled: Self.shippedPrompts, projectRoot: nil)
        let diagnosis = try LogDiagnosis(library: library, analysis: analysis)
        #expect(diagnosis.system.contains("npm ERR! Missing script: \"build\""))
        #expect(diagnosis.system.contains("npm script not found"))
        #expect(diagnosis.system.contains("**Error**") && diagnosis.system.contains("**Cause**") && diagnosis.system.contains("**Fix**"))
        #expect(!diagnosis.system.contains("{{"))
        #expect(!diagnosis.system.contains(Self.token))
        #expect(diagnosis.userMessage == LogDiagnosis.question)
    }

    @Test func aProjectOverrideReplacesTheShippedTemplate() throws {
        let project = try TemporaryProject()
        try project.write("Look at this: {{excerpt}}", to: ".deployotron/prompts/log-diagnosis.md")
        let library = PromptLibrary(bundled: Self.shippedPrompts, projectRoot: project.url)
        let diagnosis = try LogDiagnosis(library: library, analysis: try Self.analysis("Error: boom\n"))
        #expect(diagnosis.system.hasPrefix("Look at this: "))
        #expect(diagnosis.system.contains("Error: boom"))
    }

    @Test func placeholdersInsideTheLogAreNotExpanded() throws {
        let diagnosis = try LogDiagnosis(template: "S={{summary}}\nE={{excerpt}}", analysis: try Self.analysis("echo {{summary}}\nError: boom\n"))
        #expect(diagnosis.system.contains("echo {{summary}}"))
    }

    @Test func aTemplateWithoutTheExcerptIsAPromptError() throws {
        let error = #expect(throws: AgentError.self) { try LogDiagnosis(template: "no placeholder", analysis: try Self.analysis("x")) }
        #expect(error?.code == .prompt)
    }

    @Test func onlyWhatComesFromTheLogIsRedactedNotTheInstructions() throws {
        let template = "Fix: the change that makes the next run pass: a command.\n{{summary}}\n{{excerpt}}"
        let diagnosis = try LogDiagnosis(template: template, analysis: try Self.analysis("password: hunter2hunter2\nError: boom\n"))
        #expect(diagnosis.system.hasPrefix("Fix: the change that makes the next run pass: a command.\n"))
        #expect(!diagnosis.system.contains("hunter2hunter2"))
    }

    @Test func runStreamsTheAnswerAndSendsOnlyTheRedactedPrompt() async throws {
        let analysis = try Self.analysis("Step 3/9 : RUN npm ci\nGITHUB_TOKEN=\(Self.token)\nnpm ERR! Missing script: \"start\"\n")
        let diagnosis = try LogDiagnosis(template: "Log:\n{{excerpt}}\nKnown:\n{{signatures}}", analysis: analysis)
        let client = ScriptedMessages([ScriptedMessages.text("**Error**: no start script.")])
        let events = EventLog()
        let answer = try await diagnosis.run(client: client, model: "claude-test", onEvent: events.handler)

        #expect(answer == "**Error**: no start script.")
        let streamed = events.all.compactMap { if case .textDelta(let text) = $0 { text } else { nil } }.joined()
        #expect(streamed == answer)
        let request = try #require(client.requests.first)
        #expect(request.model == "claude-test")
        #expect(request.maxTokens == LogDiagnosis.maxTokens)
        #expect(request.tools.isEmpty)
        #expect(request.messages == [.user(LogDiagnosis.question)])
        let body = String(decoding: request.encodedBody(), as: UTF8.self)
        #expect(body.contains("Missing script"))
        #expect(!body.contains(Self.token))
    }
}
