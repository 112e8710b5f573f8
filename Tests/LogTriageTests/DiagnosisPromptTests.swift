import Foundation
import Testing
@testable import LogTriage

@Suite struct DiagnosisPromptTests {
    /// The prompt shipped in the repository's `prompts/` folder.
    static var shippedPrompts: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("prompts")
    }

    @Test func rendersTheShippedTemplate() throws {
        let analysis = try LogAnalyzer().analyze(.text("npm ERR! Missing script: \"build\"\nGITHUB_TOKEN=ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789\n"))
        let prompt = try DiagnosisPrompt(template: try DiagnosisPrompt.template(in: Self.shippedPrompts), analysis: analysis)
        #expect(prompt.system.contains("npm ERR! Missing script: \"build\""))
        #expect(prompt.system.contains("npm script not found"))
        #expect(prompt.system.contains("**Error**") && prompt.system.contains("**Cause**") && prompt.system.contains("**Fix**"))
        #expect(!prompt.system.contains("{{"))
        #expect(!prompt.system.contains("ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789"))
        #expect(!prompt.userMessage.isEmpty)
    }

    @Test func placeholdersInsideTheLogAreNotExpanded() throws {
        let analysis = try LogAnalyzer().analyze(.text("echo {{summary}}\nError: boom\n"))
        let prompt = try DiagnosisPrompt(template: "S={{summary}}\nE={{excerpt}}", analysis: analysis)
        #expect(prompt.system.contains("echo {{summary}}"))
    }

    @Test func templateWithoutExcerptIsRejected() throws {
        let analysis = try LogAnalyzer().analyze(.text("x"))
        #expect(throws: LogTriageError.self) { try DiagnosisPrompt(template: "no placeholder", analysis: analysis) }
        #expect(throws: LogTriageError.self) { try DiagnosisPrompt.template(in: URL(fileURLWithPath: "/nonexistent")) }
    }
}
