import Agent
import Claude
import Foundation
import JSON
import Testing
@testable import Shell

/// A call Claude got wrong is one line in the REPL, and Claude hears why.
@Suite(.timeLimit(.minutes(1))) struct ToolRejectedREPLTests {
    struct PathInput: ToolInput, Codable {
        var path: String
        static let schema: JSONValue = [
            "type": "object", "properties": ["path": ["type": "string"]], "required": ["path"], "additionalProperties": false,
        ]
    }

    static let look = Tool.make(name: "look", description: "Looks at a path.", risk: .readOnly, input: PathInput.self, summarize: { $0.path }) { input, _ in
        ToolOutput(text: "saw \(input.path)")
    }

    @Test func invalidAndUnknownCallsAreOneLineEach() async throws {
        let harness = try REPLHarness(
            [.line("look around"), .endOfFile],
            replies: [
                ScriptedClaude.toolUses([
                    ToolUse(id: "a", name: "look", input: ["path": 7]),
                    ToolUse(id: "b", name: "peek", input: [:]),
                    ToolUse(id: "c", name: "look", input: ["path": "src"]),
                ], text: "Looking."),
                ScriptedClaude.text("Done looking."),
            ],
            tools: [Self.look])
        defer { harness.folder.remove() }
        await harness.repl.run()

        let lines = harness.output.value.split(separator: "\n").map(String.init)
        let rejected = lines.filter { $0.contains("rejected") }
        #expect(rejected == [
            "⏺ look rejected invalid input: input.path: expected string, got integer",
            "⏺ peek rejected no such tool",
        ])
        #expect(lines.contains { $0.hasPrefix("⏺ look src … ok") }, "\(lines)")
        #expect(harness.output.value.contains("Done looking."))

        let results = await harness.toolResults()
        #expect(results["a"]?.isError == true)
        #expect(results["b"]?.content.contains("There is no tool named 'peek'") == true)
        #expect(results["c"] == ToolResult(toolUseId: "c", content: "saw src", isError: false))
    }
}
