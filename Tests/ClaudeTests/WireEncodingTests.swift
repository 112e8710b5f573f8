import Foundation
import JSON
import Testing
@testable import Claude

@Suite struct WireEncodingTests {
    private let tools = [
        ToolDefinition(name: "list_projects", description: "Lists projects.", inputSchema: ["type": "object", "properties": [:]]),
        ToolDefinition(
            name: "deploy_project", description: "Deploys a project.",
            inputSchema: ["type": "object", "required": ["project"], "properties": ["project": ["type": "string"], "target": ["type": "string"]]]),
    ]
    private let system = [SystemBlock(text: "You are deployotron."), SystemBlock(text: "Project: shop-api")]

    private func request(_ messages: [Message], thinking: ThinkingConfiguration? = nil) -> MessagesRequest {
        MessagesRequest(model: "claude-sonnet-4-5", maxTokens: 4096, system: system, messages: messages, tools: tools, thinking: thinking)
    }

    @Test func bodyShapeWithCacheBreakpoints() throws {
        let body = try JSONValue(parsing: request([.user("deploy shop-api")]).encodedBody())
        #expect(body["model"] == "claude-sonnet-4-5")
        #expect(body["max_tokens"] == 4096)
        #expect(body["stream"] == true)
        #expect(body["thinking"] == nil)
        let systemBlocks = try #require(body["system"]?.arrayValue)
        #expect(systemBlocks == [
            ["type": "text", "text": "You are deployotron."],
            ["type": "text", "text": "Project: shop-api", "cache_control": ["type": "ephemeral"]],
        ])
        let wireTools = try #require(body["tools"]?.arrayValue)
        #expect(wireTools.count == 2)
        #expect(wireTools[0]["cache_control"] == nil)
        #expect(wireTools[1]["cache_control"] == ["type": "ephemeral"])
        #expect(wireTools[1]["input_schema"]?["required"] == ["project"])
        #expect(body["messages"] == [
            ["role": "user", "content": [["type": "text", "text": "deploy shop-api", "cache_control": ["type": "ephemeral"]]]],
        ])
    }

    @Test func toolsAndSystemRenderByteIdenticallyFromTurnToTurn() throws {
        let first = request([.user("deploy shop-api")])
        let assistant = Message(role: .assistant, content: [
            .thinking(thinking: "need status", signature: "sig=="),
            .text("Checking."),
            .toolUse(ToolUse(id: "toolu_1", name: "list_projects", input: ["b": 1, "a": [true, nil]])),
        ])
        let second = request([.user("deploy shop-api"), assistant, Message(role: .user, content: [.toolResult(ToolResult(toolUseId: "toolu_1", content: "[]", isError: false))])])
        let a = String(decoding: first.encodedBody(), as: UTF8.self)
        let b = String(decoding: second.encodedBody(), as: UTF8.self)
        // Keys are sorted, so `system` and `tools` close the body: those bytes are the same on both turns.
        let tailA = a[try #require(a.range(of: ",\"system\":", options: .backwards)).lowerBound...]
        let tailB = b[try #require(b.range(of: ",\"system\":", options: .backwards)).lowerBound...]
        #expect(tailA == tailB)
        #expect(tailA.contains("\"tools\":["))
        #expect(a != b)
        // Rendering the same request twice gives the same bytes.
        #expect(second.encodedBody() == second.encodedBody())
        #expect(b.contains(#""tools":[{"description":"Lists projects.","input_schema":{"properties":{},"type":"object"},"name":"list_projects"}"#))
    }

    @Test func assistantAndToolResultBlocks() throws {
        let messages = [
            Message.user("status?"),
            Message(role: .assistant, content: [
                .thinking(thinking: "hmm", signature: "c2ln"),
                .redactedThinking(data: "opaque"),
                .toolUse(ToolUse(id: "toolu_9", name: "project_status", input: ["project": "web"])),
                .other(["type": "server_tool_use", "id": "srvtoolu_1", "name": "web_search", "input": ["query": "x"]]),
            ]),
            Message(role: .user, content: [.toolResult(ToolResult(toolUseId: "toolu_9", content: "port 8080 in use", isError: true))]),
        ]
        let body = try JSONValue(parsing: request(messages, thinking: .budget(tokens: 2048)).encodedBody())
        #expect(body["thinking"] == ["type": "enabled", "budget_tokens": 2048])
        let wire = try #require(body["messages"]?.arrayValue)
        #expect(wire[1]["content"] == [
            ["type": "thinking", "thinking": "hmm", "signature": "c2ln"],
            ["type": "redacted_thinking", "data": "opaque"],
            ["type": "tool_use", "id": "toolu_9", "name": "project_status", "input": ["project": "web"]],
            ["type": "server_tool_use", "id": "srvtoolu_1", "name": "web_search", "input": ["query": "x"]],
        ])
        #expect(wire[2]["content"] == [[
            "type": "tool_result", "tool_use_id": "toolu_9", "content": "port 8080 in use", "is_error": true,
            "cache_control": ["type": "ephemeral"],
        ]])
        // Earlier messages carry no breakpoint.
        #expect(wire[0]["content"]?.arrayValue?.first?["cache_control"] == nil)
    }

    @Test func contentBlocksRoundTripThroughTheirWireForm() {
        let blocks: [ContentBlock] = [
            .text("hi"), .thinking(thinking: "t", signature: "s"), .redactedThinking(data: "d"),
            .toolUse(ToolUse(id: "i", name: "n", input: ["k": [1, 2]])),
            .toolResult(ToolResult(toolUseId: "i", content: "ok", isError: false)),
            .other(["type": "future_block", "x": 1]),
        ]
        for block in blocks { #expect(ContentBlock(wireValue: block.wireValue) == block) }
        let message = Message(role: .assistant, content: blocks)
        #expect(Message(wireValue: message.wireValue) == message)
    }

    @Test func encodableMatchesEncodedBody() throws {
        let request = request([.user("x")])
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        #expect(try encoder.encode(request) == request.encodedBody())
    }

    @Test func adaptiveThinkingCarriesTheEffortAndNoBudget() throws {
        let body = try JSONValue(parsing: request([.user("x")], thinking: .adaptive(effort: .medium)).encodedBody())
        #expect(body["thinking"] == ["type": "adaptive"])
        #expect(body["output_config"] == ["effort": "medium"])
        let plain = try JSONValue(parsing: request([.user("x")], thinking: .adaptive(effort: nil)).encodedBody())
        #expect(plain["thinking"] == ["type": "adaptive"])
        #expect(plain["output_config"] == nil)
    }

    @Test func noToolsAndNoSystemAreLeftOut() throws {
        let bare = MessagesRequest(model: "m", maxTokens: 1, system: [], messages: [.user("x")])
        let body = try JSONValue(parsing: bare.encodedBody())
        #expect(body["tools"] == nil)
        #expect(body["system"] == nil)
    }
}
