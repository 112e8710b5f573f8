import Claude
import Foundation
import JSON
import Testing
@testable import Agent

@Suite struct ToolTests {
    static let echo = ConversationTests.echo
    static let context = ToolContext(projectRoot: URL(fileURLWithPath: NSTemporaryDirectory()))

    @Test func theSchemaSentToClaudeIsTheInputTypes() throws {
        let registry = try ToolRegistry([Self.echo])
        #expect(registry.definitions.first?.inputSchema == EchoInput.schema)
        #expect(ObjectIdentifier(Self.echo.inputType) == ObjectIdentifier(EchoInput.self))
    }

    @Test func aValidInputIsDecodedSummarisedAndRun() async throws {
        let tool = Tool.make(name: "echo", description: "Echoes.", risk: .readOnly, input: EchoInput.self, summarize: { "say " + $0.text }) { input, _ in
            ToolOutput(text: input.text.uppercased())
        }
        let call = try tool.prepare(["text": "hi"]).get()
        #expect(call.summary == "say hi")
        #expect(try await call.run(Self.context) == ToolOutput(text: "HI"))
    }

    @Test func anInputTheSchemaRefusesNeverRuns() async throws {
        let rejection = try #require(Self.echo.prepare(["text": 1]).failure)
        #expect(rejection.kind == .invalidInput)
        #expect(rejection.message == "Invalid input for echo:\ninput.text: expected string, got integer")
        #expect(rejection.reason == "invalid input: input.text: expected string, got integer")
        let output = try await Self.echo.run([:], Self.context)
        #expect(output.isError)
        #expect(output.text.contains("input.text: is required but missing"))
    }

    @Test func anInputThatPassesTheSchemaButDoesNotDecodeIsRejected() throws {
        let drifted = Tool.make(name: "drift", description: "Counts.", risk: .readOnly, input: DriftedInput.self) { _, _ in ToolOutput(text: "ran") }
        let rejection = try #require(drifted.prepare(["count": 2.5]).failure)
        #expect(rejection.kind == .undecodableInput)
        #expect(rejection.message == "The input does not fit drift: a value does not fit its field's type. It was not run.")
        let missing = try #require(drifted.prepare(["other": 1]).failure)
        #expect(missing.kind == .invalidInput)
    }

    @Test func redactionKeepsJSONStructureAndRedactsOnlyStrings() throws {
        let output = ToolOutput(json: ["key_lines": ["TOKEN=abc", "ok"], "n": 1, "nested": ["TOKEN": "abc"]])
        let redacted = output.redacted { $0.replacingOccurrences(of: "abc", with: "[REDACTED]") }
        let json = try JSONValue(parsing: redacted.text)
        #expect(json == ["key_lines": ["TOKEN=[REDACTED]", "ok"], "n": 1, "nested": ["TOKEN": "[REDACTED]"]])
        #expect(ToolOutput.error("abc").redacted { _ in "x" } == .error("x"))
    }
}

extension Result {
    var failure: Failure? {
        if case .failure(let error) = self { error } else { nil }
    }
}
