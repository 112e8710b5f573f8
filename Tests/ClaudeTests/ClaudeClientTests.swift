import Foundation
import JSON
import Testing
import TestSupport
@testable import Claude

@Suite struct ClaudeClientTests {
    static let key = "sk-ant-test-SECRET-0123456789"

    private func client(_ server: FakeMessagesServer, credential: ClaudeConfiguration.Credential = .apiKey(key), clock: ImmediateClock = ImmediateClock(), jitter: Double = 0) -> ClaudeClient {
        ClaudeClient(
            configuration: ClaudeConfiguration(baseURL: server.baseURL, credential: credential),
            clock: clock, jitter: { jitter })
    }

    private var request: MessagesRequest {
        MessagesRequest(
            model: "claude-sonnet-4-5", maxTokens: 1024, system: [SystemBlock(text: "You deploy things.")],
            messages: [.user("deploy web")],
            tools: [ToolDefinition(name: "list_projects", description: "Lists projects.", inputSchema: ["type": "object"])])
    }

    // MARK: - Requests

    @Test func sendsAPIKeyVersionAndStreamingBody() async throws {
        try await FakeMessagesServer.with([.sse(FakeStream.text("Hello there"), requestID: "req_abc")]) { server in
            let response = try await client(server).stream(request) { _ in }
            #expect(response.message.text == "Hello there")
            #expect(response.requestID == "req_abc")
            let sent = try #require(await server.requests().first)
            #expect(sent.method == "POST")
            #expect(sent.path == "/v1/messages")
            #expect(sent.header("x-api-key") == Self.key)
            #expect(sent.header("authorization") == nil)
            #expect(sent.header("anthropic-version") == "2023-06-01")
            #expect(sent.header("content-type") == "application/json")
            let body = try #require(sent.body)
            #expect(body["stream"] == true)
            #expect(body["model"] == "claude-sonnet-4-5")
            #expect(body["tools"]?.arrayValue?.last?["cache_control"] == ["type": "ephemeral"])
            #expect(body["system"]?.arrayValue?.last?["cache_control"] == ["type": "ephemeral"])
            #expect(sent.bodyText == String(decoding: request.encodedBody(), as: UTF8.self))
        }
    }

    @Test func sendsAuthTokenAsBearer() async throws {
        try await FakeMessagesServer.with([.sse(FakeStream.text("ok"))]) { server in
            _ = try await client(server, credential: .authToken("tok-123")).stream(request) { _ in }
            let sent = try #require(await server.requests().first)
            #expect(sent.header("authorization") == "Bearer tok-123")
            #expect(sent.header("x-api-key") == nil)
        }
    }

    @Test func streamsUpdatesFromABodySentOneByteAtATime() async throws {
        let sse = FakeStream.toolUse(id: "toolu_1", name: "list_projects", inputChunks: ["{\"li", "mit\":", " 5}"], text: "Looking.")
        try await FakeMessagesServer.with([.sse(sse, chunkSize: 1)]) { server in
            let updates = Recorder<StreamUpdate>()
            let response = try await client(server).stream(request) { updates.append($0) }
            #expect(response.message.toolUses == [ToolUse(id: "toolu_1", name: "list_projects", input: ["limit": 5])])
            #expect(response.stopReason == .toolUse)
            #expect(updates.all.contains(.textDelta(index: 0, text: "Looking.")))
            #expect(updates.all.contains(.toolUseStarted(index: 1, id: "toolu_1", name: "list_projects")))
            let timing = try #require(await server.requests().first)
            let finished = try #require(timing.finishedAt)
            #expect(finished >= timing.receivedAt)
            #expect(!timing.clientDisconnected)
        }
    }

    @Test(arguments: [
        SSEFixtures.text, SSEFixtures.toolUseChunked, SSEFixtures.parallelToolUse, SSEFixtures.thinking,
        SSEFixtures.maxTokensCutOff, SSEFixtures.unknownThings, SSEFixtures.cumulativeUsage,
    ])
    func recordedFormatStreamsOverTheSocketMatchDirectDecoding(_ sse: String) async throws {
        var decoder = ServerSentEventDecoder()
        var accumulator = StreamAccumulator(requestID: "req_fixture")
        for event in decoder.feed(Array(sse.utf8)) + decoder.finish() { _ = try accumulator.consume(event) }
        let expected = try accumulator.response()
        try await FakeMessagesServer.with([.sse(sse, requestID: "req_fixture", chunkSize: 7)]) { server in
            let response = try await client(server).stream(request) { _ in }
            #expect(response == expected)
            #expect(await server.requests().count == 1)
        }
    }

    // MARK: - Errors that are not retried

    @Test(arguments: [
        (401, "authentication_error", "invalid x-api-key"),
        (404, "not_found_error", "model: claude-nonexistent"),
        (400, "invalid_request_error", "messages: at least one message is required"),
    ])
    func clientErrorsFailAtOnceWithStatusTypeMessageAndRequestID(status: Int, type: String, message: String) async throws {
        try await FakeMessagesServer.with([.error(status: status, type: type, message: message, requestID: "req_err_1")]) { server in
            let updates = Recorder<StreamUpdate>()
            let error = try await #require(throws: ClaudeError.self) {
                try await client(server).stream(request) { updates.append($0) }
            }
            #expect(await server.requests().count == 1)
            #expect(error.code == .http)
            #expect(error.status == status)
            #expect(error.errorType == type)
            #expect(error.message == message)
            #expect(error.requestID == "req_err_1")
            #expect(error.description == "HTTP \(status) \(type): \(message) (request-id: req_err_1)")
            #expect(!error.description.contains(Self.key))
            #expect(updates.all.isEmpty)
        }
    }

    // MARK: - Retries

    @Test func overloaded529WithRetryAfterIsRetriedOnce() async throws {
        let responses: [FakeResponse] = [
            .error(status: 529, type: "overloaded_error", message: "Overloaded", headers: ["retry-after": "2"]),
            .sse(FakeStream.text("made it")),
        ]
        try await FakeMessagesServer.with(responses) { server in
            let clock = ImmediateClock()
            let updates = Recorder<StreamUpdate>()
            let response = try await client(server, clock: clock).stream(request) { updates.append($0) }
            #expect(response.message.text == "made it")
            #expect(await server.requests().count == 2)
            let retries = updates.all.compactMap { if case .retrying(let attempt, let delay, let reason) = $0 { (attempt, delay, reason) } else { nil } }
            #expect(retries.count == 1)
            #expect(retries.first?.0 == 1)
            #expect(retries.first?.1 == 2.0)
            #expect(retries.first?.2.contains("HTTP 529 overloaded_error") == true)
            #expect(clock.sleeps.all.count == 1)
            let slept = try #require(clock.sleeps.all.first)
            #expect(slept > .milliseconds(1900) && slept <= .seconds(2))
        }
    }

    @Test func rateLimit429HonoursRetryAfterMilliseconds() async throws {
        let responses: [FakeResponse] = [
            .error(status: 429, type: "rate_limit_error", message: "slow down", headers: ["retry-after-ms": "1500", "retry-after": "30"]),
            .sse(FakeStream.text("ok")),
        ]
        try await FakeMessagesServer.with(responses) { server in
            let updates = Recorder<StreamUpdate>()
            _ = try await client(server).stream(request) { updates.append($0) }
            #expect(await server.requests().count == 2)
            #expect(updates.all.contains { if case .retrying(1, 1.5, _) = $0 { true } else { false } })
        }
    }

    @Test func serverDelayOverSixtySecondsFallsBackToBackoff() async throws {
        let responses: [FakeResponse] = [
            .error(status: 429, type: "rate_limit_error", message: "later", headers: ["retry-after": "3600"]),
            .sse(FakeStream.text("ok")),
        ]
        try await FakeMessagesServer.with(responses) { server in
            let updates = Recorder<StreamUpdate>()
            _ = try await client(server).stream(request) { updates.append($0) }
            #expect(updates.all.contains { if case .retrying(1, 0.5, _) = $0 { true } else { false } })
        }
    }

    @Test func atMostTwoRetriesWithDoublingJitteredBackoff() async throws {
        let failures = (0..<3).map { _ in FakeResponse.error(status: 500, type: "api_error", message: "Internal server error") }
        try await FakeMessagesServer.with(failures + [.sse(FakeStream.text("never reached"))]) { server in
            let updates = Recorder<StreamUpdate>()
            let error = try await #require(throws: ClaudeError.self) {
                try await client(server, jitter: 0.5).stream(request) { updates.append($0) }
            }
            #expect(error.status == 500)
            #expect(error.errorType == "api_error")
            #expect(await server.requests().count == 3)
            let delays = updates.all.compactMap { if case .retrying(_, let delay, _) = $0 { delay } else { nil } }
            #expect(delays == [0.5 * 0.875, 1.0 * 0.875])
        }
    }

    @Test func shouldRetryHeaderOverridesTheStatus() async throws {
        let responses: [FakeResponse] = [
            .error(status: 529, type: "overloaded_error", message: "Overloaded", headers: ["x-should-retry": "false"]),
            .error(status: 400, type: "invalid_request_error", message: "try again", headers: ["x-should-retry": "true"]),
            .sse(FakeStream.text("second try")),
        ]
        try await FakeMessagesServer.with(responses) { server in
            let first = try await #require(throws: ClaudeError.self) {
                try await client(server).stream(request) { _ in }
            }
            #expect(first.status == 529)
            #expect(await server.requests().count == 1)
            let response = try await client(server).stream(request) { _ in }
            #expect(response.message.text == "second try")
            #expect(await server.requests().count == 3)
        }
    }

    @Test func inStreamOverloadedBeforeContentIsRetried() async throws {
        let overloaded = FakeStream.messageStart() + FakeStream.error(type: "overloaded_error", message: "Overloaded")
        try await FakeMessagesServer.with([.sse(overloaded), .sse(FakeStream.text("recovered"))]) { server in
            let updates = Recorder<StreamUpdate>()
            let response = try await client(server).stream(request) { updates.append($0) }
            #expect(response.message.text == "recovered")
            #expect(await server.requests().count == 2)
            #expect(updates.all.contains { if case .retrying(1, _, let reason) = $0 { reason.contains("overloaded_error") } else { false } })
        }
    }

    @Test func inStreamOverloadedAfterContentIsNotRetried() async throws {
        let partial = FakeStream.messageStart()
            + FakeStream.block(.text("Half an ans"), index: 0, close: false)
            + FakeStream.error(type: "overloaded_error", message: "Overloaded")
        try await FakeMessagesServer.with([.sse(partial, requestID: "req_partial"), .sse(FakeStream.text("unused"))]) { server in
            let updates = Recorder<StreamUpdate>()
            let error = try await #require(throws: ClaudeError.self) {
                try await client(server).stream(request) { updates.append($0) }
            }
            #expect(error.code == .stream)
            #expect(error.errorType == "overloaded_error")
            #expect(error.requestID == "req_partial")
            #expect(await server.requests().count == 1)
            #expect(updates.all.contains(.textDelta(index: 0, text: "Half an ans")))
            #expect(!updates.all.contains { if case .retrying = $0 { true } else { false } })
        }
    }

    @Test func connectionRefusedIsRetriedThenReported() async throws {
        // A port that was just listening and is now closed.
        let closedURL = try await FakeMessagesServer.with([]) { server in server.baseURL }
        let clock = ImmediateClock()
        let updates = Recorder<StreamUpdate>()
        let client = ClaudeClient(
            configuration: ClaudeConfiguration(baseURL: closedURL, credential: .apiKey(Self.key)),
            clock: clock, jitter: { 0 })
        let error = try await #require(throws: ClaudeError.self) {
            try await client.stream(request) { updates.append($0) }
        }
        #expect(error.code == .connection)
        #expect(error.description.contains(closedURL))
        #expect(!error.description.contains(Self.key))
        #expect(clock.sleeps.all.count == 2)
        #expect(updates.all.compactMap { if case .retrying(let attempt, _, _) = $0 { attempt } else { nil } } == [1, 2])
    }

    @Test func cancellingAStalledStreamStopsTheRequest() async throws {
        let stalled = FakeResponse.sse(FakeStream.messageStart() + FakeStream.block(.text("Thinking about it"), index: 0, close: false), stalls: true)
        try await FakeMessagesServer.with([stalled]) { server in
            let started = AsyncStream<Void>.makeStream()
            let client = client(server)
            let request = request
            let task = Task {
                try await client.stream(request) { update in
                    if case .textDelta = update { started.continuation.yield() }
                }
            }
            for await _ in started.stream { break }
            task.cancel()
            let error = try await #require(throws: ClaudeError.self) { try await task.value }
            #expect(error.code == .cancelled)
            #expect(await server.requests().count == 1)
            // The server notices the client went away and ends the stalled response.
            var record = try #require(await server.requests().first)
            for _ in 0..<400 where record.finishedAt == nil {
                try await Task.sleep(for: .milliseconds(10))
                record = try #require(await server.requests().first)
            }
            #expect(record.clientDisconnected)
        }
    }

    @Test func emptyQueueAnswersANonRetryableError() async throws {
        try await FakeMessagesServer.with([]) { server in
            let error = try await #require(throws: ClaudeError.self) { try await client(server).stream(request) { _ in } }
            #expect(error.status == 400)
            #expect(await server.requests().count == 1)
        }
    }

    // MARK: - Faults: stalls, malformed lines, cut streams

    private func client(_ server: FakeMessagesServer, idleClock: GateClock, idle: Duration = .seconds(30)) -> ClaudeClient {
        ClaudeClient(
            configuration: ClaudeConfiguration(baseURL: server.baseURL, credential: .apiKey(Self.key), streamIdleTimeout: idle),
            clock: ImmediateClock(), idleClock: idleClock, jitter: { 0 })
    }

    @Test func aStallAfterMessageStartIsABrokenStreamThatIsRetried() async throws {
        try await FakeMessagesServer.with([.stall(), .sse(FakeStream.text("recovered"))]) { server in
            let gate = GateClock()
            let updates = Recorder<StreamUpdate>()
            let response = try await client(server, idleClock: gate).stream(request) { update in
                updates.append(update)
                switch update {
                case .messageStarted: gate.open()  // from here on the stream is silent
                case .retrying: gate.close()
                default: break
                }
            }
            #expect(response.message.text == "recovered")
            #expect(await server.requests().count == 2)
            let reason = updates.all.compactMap { if case .retrying(_, _, let reason) = $0 { reason } else { nil } }.first
            #expect(reason?.contains("sent nothing for 30s") == true, "\(reason ?? "no retry")")
            #expect(reason?.contains("could not reach") == false)
        }
    }

    @Test func aStallAfterTextIsNotRetriedAndSaysTheAPIAnswered() async throws {
        let partial = FakeStream.messageStart() + FakeStream.block(.text("Half an"), index: 0, close: false)
        try await FakeMessagesServer.with([.stall(after: partial), .sse(FakeStream.text("unused"))]) { server in
            let gate = GateClock()
            let error = try await #require(throws: ClaudeError.self) {
                try await client(server, idleClock: gate).stream(request) { update in
                    if case .textDelta = update { gate.open() }
                }
            }
            #expect(error.code == .brokenStream)
            #expect(error.description.contains("the API answered"))
            #expect(!error.description.contains("could not reach"))
            #expect(await server.requests().count == 1)
        }
    }

    @Test func oneMalformedDataLineBeforeAnyContentIsRetried() async throws {
        let malformed = FakeStream.messageStart() + FakeStream.malformedDelta()
        try await FakeMessagesServer.with([.sse(malformed), .sse(FakeStream.text("fine"))]) { server in
            let response = try await client(server).stream(request) { _ in }
            #expect(response.message.text == "fine")
            #expect(await server.requests().count == 2)
        }
    }

    @Test func aStreamCutMidwayAfterTextFailsAsBrokenNotUnreachable() async throws {
        try await FakeMessagesServer.with([.sse(FakeStream.cutOff("Half an ans"), requestID: "req_cut"), .sse(FakeStream.text("unused"))]) { server in
            let error = try await #require(throws: ClaudeError.self) { try await client(server).stream(request) { _ in } }
            #expect(error.code == .brokenStream)
            #expect(error.requestID == "req_cut")
            #expect(!error.description.contains("could not reach"))
            #expect(await server.requests().count == 1)
        }
    }

    @Test func idleTimeoutComesFromTheEnvironment() throws {
        let configuration = try ClaudeConfiguration(environment: ["ANTHROPIC_API_KEY": "k", "DEPLOYOTRON_STREAM_IDLE_TIMEOUT": "0.5"])
        #expect(configuration.streamIdleTimeout == .milliseconds(500))
        #expect(try ClaudeConfiguration(environment: ["ANTHROPIC_API_KEY": "k"]).streamIdleTimeout == .seconds(30))
        #expect(try ClaudeConfiguration(environment: ["ANTHROPIC_API_KEY": "k", "DEPLOYOTRON_STREAM_IDLE_TIMEOUT": "soon"]).streamIdleTimeout == .seconds(30))
    }

    // MARK: - Models

    @Test func modelsListsWhatGetV1ModelsReturns() async throws {
        try await FakeMessagesServer.with([.models(["claude-fable-5", "claude-sonnet-5"])]) { server in
            let models = try await client(server).models()
            #expect(models.map(\.id) == ["claude-fable-5", "claude-sonnet-5"])
            let sent = try #require(await server.requests().first)
            #expect(sent.method == "GET")
            #expect(sent.path == "/v1/models")
            #expect(sent.header("x-api-key") == Self.key)
            #expect(sent.header("anthropic-version") == "2023-06-01")
        }
    }

    @Test func modelsReportsTheAPIError() async throws {
        try await FakeMessagesServer.with([.error(status: 401, type: "authentication_error", message: "invalid x-api-key")]) { server in
            let error = try await #require(throws: ClaudeError.self) { try await client(server).models() }
            #expect(error.status == 401)
            #expect(!error.description.contains(Self.key))
        }
    }
}
