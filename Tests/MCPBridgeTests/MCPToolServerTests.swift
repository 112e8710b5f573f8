import Agent
import Foundation
import JSON
import MCP
import Testing

@testable import MCPBridge

/// The server half against the SDK's own client, over an in-memory connection.
@Suite struct MCPToolServerTests {
    struct Input: ToolInput {
        var name: String
        static var schema: JSONValue {
            ["type": "object", "properties": ["name": ["type": "string"]], "required": ["name"], "additionalProperties": false]
        }
    }

    static let look = Agent.Tool.make(name: "look", description: "Looks.", risk: .readOnly, input: Input.self) { input, context in
        context.progress("looking at \(input.name)")
        return ToolOutput(text: "saw \(input.name) with key sk-ant-api03-\(String(repeating: "a", count: 30))")
    }

    static let change = Agent.Tool.make(name: "change", description: "Changes.", risk: .changes, input: Input.self) { input, _ in
        ToolOutput(json: ["changed": .string(input.name)])
    }

    func connected(allowed: Set<String> = [], _ body: (Client) async throws -> Void) async throws {
        let server = MCPToolServer(
            name: "test", version: "1", tools: [Self.look, Self.change], allowed: allowed, allowAll: false,
            projectRoot: URL(fileURLWithPath: "/tmp"), redact: Conversation.secretRedaction, outputLimit: ToolOutputLimit(maxCharacters: 20),
            log: { _ in })
        let (clientSide, serverSide) = await InMemoryTransport.createConnectedPair()
        // Connected before the client speaks: the in-memory transport drops what reaches a side
        // that is not connected yet, and the client's initialize would then wait forever.
        try await serverSide.connect()
        let serving = Task { try await server.run(transport: serverSide) }
        let client = Client(name: "test-client", version: "1")
        try await client.connect(transport: clientSide)
        try await body(client)
        await client.disconnect()
        await serverSide.disconnect()
        serving.cancel()
    }

    @Test func listsTheToolsWithTheirSchemasAndAnnotations() async throws {
        try await connected { client in
            let tools = try await client.listTools().tools
            #expect(tools.map(\.name) == ["look", "change"])
            #expect(tools[0].annotations.readOnlyHint == true)
            #expect(tools[1].annotations.readOnlyHint == false)
            #expect(tools[1].annotations.destructiveHint == true)
            #expect(MCPValue.json(tools[0].inputSchema) == Input.schema)
        }
    }

    @Test func outputIsRedactedAndBoundAsInTheREPL() async throws {
        try await connected { client in
            let result = try await client.callTool(name: "look", arguments: ["name": "the-app"])
            guard case .text(let text, _, _) = try #require(result.content.first) else { Issue.record("no text"); return }
            #expect(result.isError == false)
            #expect(text.hasPrefix("saw the-app with key\n"))
            #expect(!text.contains("sk-ant-api03-aaaa"))
            #expect(text.hasSuffix("[output cut: 20 of 31 characters shown]"))
        }
    }

    @Test func aChangingToolIsRefusedUnlessAllowedAtStartAndTheRefusalSaysHow() async throws {
        try await connected { client in
            let refused = try await client.callTool(name: "change", arguments: ["name": "x"])
            #expect(refused.isError == true)
            guard case .text(let text, _, _) = try #require(refused.content.first) else { return }
            #expect(text.contains("--allow change"))
            #expect(text.contains("--yes"))
        }
        try await connected(allowed: ["change"]) { client in
            let ran = try await client.callTool(name: "change", arguments: ["name": "x"])
            #expect(ran.isError == false)
            guard case .text(let text, _, _) = try #require(ran.content.first) else { return }
            #expect(text == #"{"changed":"x"}"#)
        }
    }

    @Test func invalidInputAndUnknownToolsAreErrorResultsThatSayWhatWasWrong() async throws {
        try await connected { client in
            let invalid = try await client.callTool(name: "look", arguments: ["name": 3])
            #expect(invalid.isError == true)
            guard case .text(let text, _, _) = try #require(invalid.content.first) else { return }
            #expect(text.contains("input.name: expected string, got integer"))
            let unknown = try await client.callTool(name: "nope", arguments: [:])
            #expect(unknown.isError == true)
        }
    }
}
