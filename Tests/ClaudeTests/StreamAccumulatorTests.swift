import Foundation
import JSON
import Testing
import TestSupport
@testable import Claude

@Suite struct StreamAccumulatorTests {
    /// Runs `sse` through the decoder (one byte at a time) and an accumulator.
    private func accumulate(_ sse: String, requestID: String? = "req_1") throws -> (updates: [StreamUpdate], response: MessageResponse) {
        var decoder = ServerSentEventDecoder()
        var accumulator = StreamAccumulator(requestID: requestID)
        var updates: [StreamUpdate] = []
        for byte in sse.utf8 {
            for event in decoder.feed([byte]) { updates += try accumulator.consume(event) }
        }
        for event in decoder.finish() { updates += try accumulator.consume(event) }
        return (updates, try accumulator.response())
    }

    @Test func textAnswer() throws {
        let (updates, response) = try accumulate(SSEFixtures.text)
        #expect(response.id == "msg_text_1")
        #expect(response.model == "claude-sonnet-4-5")
        #expect(response.content == [.text("Deployed shop-api to staging.")])
        #expect(response.stopReason == .endTurn)
        #expect(response.requestID == "req_1")
        #expect(response.usage == Usage(inputTokens: 25, outputTokens: 12, cacheCreationInputTokens: 100, cacheReadInputTokens: 2000))
        #expect(updates.filter { if case .textDelta = $0 { true } else { false } } == [
            .textDelta(index: 0, text: "Deployed "), .textDelta(index: 0, text: "shop-api "), .textDelta(index: 0, text: "to staging."),
        ])
        #expect(updates.first == .messageStarted(id: "msg_text_1", model: "claude-sonnet-4-5"))
        #expect(updates.contains(.blockStopped(index: 0)))
    }

    @Test func toolInputInManyPiecesIsParsedAtBlockStop() throws {
        let (updates, response) = try accumulate(SSEFixtures.toolUseChunked)
        #expect(response.stopReason == .toolUse)
        #expect(response.message.text == "Let me look at the project.")
        let expected: JSONValue = ["project": "shop-api", "target": "staging", "replicas": 2, "env": ["A": "1"]]
        #expect(response.message.toolUses == [ToolUse(id: "toolu_01Deploy", name: "deploy_project", input: expected)])
        #expect(response.truncatedToolUses.isEmpty)
        #expect(updates.contains(.toolUseStarted(index: 1, id: "toolu_01Deploy", name: "deploy_project")))
        let pieces = updates.compactMap { if case .toolInputDelta(1, let json) = $0 { json } else { nil } }
        #expect(pieces.count == 6)  // the empty first piece is not reported
        #expect(try JSONValue(parsing: pieces.joined()) == expected)
    }

    @Test func parallelToolUses() throws {
        let (_, response) = try accumulate(SSEFixtures.parallelToolUse)
        #expect(response.message.toolUses == [
            ToolUse(id: "toolu_A", name: "project_status", input: ["project": "web"]),
            ToolUse(id: "toolu_B", name: "list_projects", input: [:]),
        ])
    }

    @Test func thinkingKeepsItsSignature() throws {
        let (updates, response) = try accumulate(SSEFixtures.thinking)
        #expect(response.content == [
            .thinking(thinking: "The port is taken, so pick another.", signature: "EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxsig=="),
            .text("Use port 8081."),
        ])
        #expect(updates.compactMap { if case .thinkingDelta(_, let text) = $0 { text } else { nil } } == ["The port is taken, ", "so pick another."])
    }

    @Test func toolCallCutOffByMaxTokensStaysInTheMessageWithAnEmptyInput() throws {
        let (_, response) = try accumulate(SSEFixtures.maxTokensCutOff)
        #expect(response.stopReason == .maxTokens)
        // Kept, so the next request can answer it; `{}` because the API wants an object.
        #expect(response.content == [.text("Writing the Dockerfile."), .toolUse(ToolUse(id: "toolu_cut", name: "write_file", input: [:]))])
        let cut = try #require(response.truncatedToolUses.first)
        #expect(response.truncatedToolUses.count == 1)
        #expect(cut.id == "toolu_cut")
        #expect(cut.name == "write_file")
        #expect(cut.input == .string("{\"path\": \"Dockerfile\", \"content\": \"FROM swift:6"))
    }

    @Test func stoppedBlockWithInvalidJSONIsTruncatedToo() throws {
        let sse = FakeSSE.message(toolJSON: ["{\"a\": ", "tru"])
        let (_, response) = try accumulate(sse)
        #expect(response.message.toolUses.map(\.id) == ["toolu_x"])
        #expect(response.message.toolUses.first?.input == [:])
        #expect(response.truncatedToolUses.map(\.id) == ["toolu_x"])
        #expect(response.truncatedToolUses.first?.input == .string("{\"a\": tru"))
    }

    @Test func toolInputThatIsJSONButNotAnObjectIsTruncated() throws {
        let (_, response) = try accumulate(FakeSSE.message(toolJSON: ["[1, 2]"]))
        #expect(response.message.toolUses == [ToolUse(id: "toolu_x", name: "broken", input: [:])])
        #expect(response.truncatedToolUses.map(\.id) == ["toolu_x"])
    }

    @Test func inStreamOverloadedErrorThrowsRetryableError() throws {
        var decoder = ServerSentEventDecoder()
        var accumulator = StreamAccumulator(requestID: "req_over")
        let events = decoder.feed(Array(SSEFixtures.overloadedInStream.utf8)) + decoder.finish()
        _ = try accumulator.consume(events[0])
        #expect(!accumulator.hasContent)
        let error = try #require(throws: ClaudeError.self) { try accumulator.consume(events[1]) }
        #expect(error.code == .stream)
        #expect(error.errorType == "overloaded_error")
        #expect(error.message == "Overloaded")
        #expect(error.requestID == "req_over")
        #expect(error.isRetryable)
        #expect(error.description.contains("overloaded_error: Overloaded (request-id: req_over)"))
    }

    @Test func otherInStreamErrorsAreNotRetryable() throws {
        var accumulator = StreamAccumulator()
        let error = try #require(throws: ClaudeError.self) {
            try accumulator.consume(ServerSentEvent(event: "error", data: #"{"type":"error","error":{"type":"invalid_request_error","message":"bad"}}"#))
        }
        #expect(!error.isRetryable)
    }

    @Test func unknownEventsBlocksDeltasAndFieldsAreIgnored() throws {
        let (updates, response) = try accumulate(SSEFixtures.unknownThings)
        #expect(response.stopReason == .endTurn)
        #expect(response.message.text == "Still here.")
        // The unknown block is kept whole, to be sent back as it came.
        #expect(response.content.first == .other(["type": "compaction", "summary": "earlier turns"]))
        #expect(response.content.count == 2)
        #expect(!updates.contains { if case .textDelta(0, _) = $0 { true } else { false } })
    }

    @Test func serverToolBlocksKeepTheirStreamedInput() throws {
        let sse = FakeStream.messageStart()
            + FakeStream.block(.unknown(["type": "server_tool_use", "id": "srvtoolu_1", "name": "web_search", "input": [:]]), index: 0, close: false)
            + FakeStream.event("content_block_delta", ["type": "content_block_delta", "index": 0, "delta": ["type": "input_json_delta", "partial_json": "{\"query\": "]])
            + FakeStream.event("content_block_delta", ["type": "content_block_delta", "index": 0, "delta": ["type": "input_json_delta", "partial_json": "\"swift\"}"]])
            + FakeStream.event("content_block_stop", ["type": "content_block_stop", "index": 0])
            + FakeStream.messageDelta(stopReason: "end_turn") + FakeStream.messageStop()
        let (_, response) = try accumulate(sse)
        #expect(response.content == [.other(["type": "server_tool_use", "id": "srvtoolu_1", "name": "web_search", "input": ["query": "swift"]])])
        #expect(response.message.toolUses.isEmpty)
    }

    @Test func usageCountersAreCumulative() throws {
        let (updates, response) = try accumulate(SSEFixtures.cumulativeUsage)
        #expect(response.usage == Usage(inputTokens: 25, outputTokens: 40, cacheCreationInputTokens: 9, cacheReadInputTokens: 5))
        let reported = updates.compactMap { if case .usage(let usage) = $0 { usage } else { nil } }
        #expect(reported.first == Usage(inputTokens: 11, outputTokens: 1, cacheCreationInputTokens: 7, cacheReadInputTokens: 3))
        #expect(reported.last == response.usage)
    }

    @Test func messageDeltaWithOnlyOutputTokensKeepsTheOtherCounters() throws {
        let (_, response) = try accumulate(SSEFixtures.text)
        #expect(response.usage.inputTokens == 25)
        #expect(response.usage.cacheReadInputTokens == 2000)
        #expect(response.usage.outputTokens == 12)
    }

    @Test func streamThatBreaksOffIsAnErrorNotAnAnswer() throws {
        let empty = try #require(throws: ClaudeError.self) { try accumulate("") }
        #expect(empty.code == .malformedResponse)
        let noStop = SSEFixtures.text.components(separatedBy: "event: message_delta")[0]
        let broken = try #require(throws: ClaudeError.self) { try accumulate(noStop) }
        #expect(broken.code == .brokenStream)
        #expect(broken.isRetryable)
    }

    @Test func aTextBlockThatNeverGotACharacterIsLeftOut() throws {
        let refusal = FakeStream.message([.text(chunks: [])], stopReason: "refusal")
        let (_, response) = try accumulate(refusal)
        #expect(response.content.isEmpty)
        #expect(response.stopReason == .refusal)
        let beforeTool = FakeStream.message([.text(chunks: []), .toolUse(id: "t", name: "n", input: [:])], stopReason: "tool_use")
        #expect(try accumulate(beforeTool).1.content == [.toolUse(ToolUse(id: "t", name: "n", input: [:]))])
    }

    @Test func knownEventWithBrokenJSONIsMalformed() throws {
        var accumulator = StreamAccumulator()
        let error = try #require(throws: ClaudeError.self) {
            try accumulator.consume(ServerSentEvent(event: "content_block_delta", data: "{not json"))
        }
        #expect(error.code == .malformedResponse)
        #expect(error.isRetryable, "the client retries it while no content was shown")
    }

    @Test func fakeStreamBuilderOutputAccumulates() throws {
        let (_, response) = try accumulate(FakeSSE.builder)
        #expect(response.content == [
            .thinking(thinking: "plan", signature: "sig"),
            .text("Hello world"),
            .toolUse(ToolUse(id: "toolu_1", name: "list_projects", input: ["limit": 3])),
        ])
        #expect(response.stopReason == .toolUse)
    }
}
