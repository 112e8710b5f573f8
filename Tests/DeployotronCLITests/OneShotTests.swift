import Foundation
import JSON
import Testing
import TestSupport

/// The built binary in one-shot mode against a fake Messages API on 127.0.0.1.
@Suite struct OneShotTests {
    static func toolResults(_ request: FakeMessagesServer.RecordedRequest) -> [JSONValue] {
        let last = request.body?["messages"]?.arrayValue?.last
        return (last?["content"]?.arrayValue ?? []).filter { $0["type"]?.stringValue == "tool_result" }
    }

    @Test func twoTurnToolLoopCarriesTheToolResult() async throws {
        let sandbox = try OneShotProcess.Sandbox()
        try sandbox.write("hello from the project readme\n", to: "README.md")
        try await FakeMessagesServer.with([
            .sse(FakeStream.toolUse(id: "toolu_read1", name: "read_file", input: ["path": "README.md"])),
            .sse(FakeStream.text("The README says hello.")),
        ]) { server in
            let outcome = try await OneShotProcess.run(["-p", "what does the readme say?", "--output-format", "json"], in: sandbox, baseURL: server.baseURL)
            #expect(outcome.status == 0, "stderr: \(outcome.stderr)")

            let report = try JSONValue(parsing: outcome.stdout)
            #expect(report["result"] == "The README says hello.")
            #expect(report["is_error"] == false)
            #expect(report["tool_calls"] == [["name": "read_file", "input": ["path": "README.md"], "is_error": false]])
            #expect((report["usage"]?["output_tokens"]?.intValue ?? 0) > 0)
            #expect((report["estimated_cost_usd"]?.doubleValue ?? 0) > 0)
            let sessionID = try #require(report["session_id"]?.stringValue)
            #expect(outcome.stderr.contains("read_file README.md"))

            let requests = await server.requests()
            #expect(requests.count == 2)
            let results = Self.toolResults(requests[1])
            #expect(results.count == 1)
            #expect(results.first?["tool_use_id"] == "toolu_read1")
            #expect(results.first?["content"]?.stringValue?.contains("hello from the project readme") == true)
            #expect(results.first?["is_error"] != true)

            // The session was saved, privately, under XDG_STATE_HOME.
            let file = try #require(sandbox.sessionFiles.first)
            #expect(file.lastPathComponent == "\(sessionID).jsonl")
            let mode = try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? Int
            #expect(mode == 0o600)
        }
    }

    @Test func overloadedThenSuccessMakesExactlyTwoRequests() async throws {
        let sandbox = try OneShotProcess.Sandbox()
        try await FakeMessagesServer.with([
            .error(status: 529, type: "overloaded_error", message: "Overloaded", headers: ["retry-after-ms": "20"]),
            .sse(FakeStream.text("fine now")),
        ]) { server in
            let outcome = try await OneShotProcess.run(["-p", "hi"], in: sandbox, baseURL: server.baseURL)
            #expect(outcome.status == 0, "stderr: \(outcome.stderr)")
            #expect(outcome.stdout == "fine now\n")
            #expect(outcome.stderr.contains("retry 1"))
            #expect(await server.requests().count == 2)
        }
    }

    @Test func retryableFailureAfterTheRetriesExits75() async throws {
        let sandbox = try OneShotProcess.Sandbox()
        let overloaded = FakeResponse.error(status: 529, type: "overloaded_error", message: "Overloaded", headers: ["retry-after-ms": "10"])
        try await FakeMessagesServer.with(Array(repeating: overloaded, count: 6)) { server in
            let outcome = try await OneShotProcess.run(["-p", "hi"], in: sandbox, baseURL: server.baseURL)
            #expect(outcome.status == 75, "stderr: \(outcome.stderr)")
            #expect(outcome.stderr.contains("Overloaded"))
            #expect(outcome.stdout.isEmpty)
        }
    }

    @Test func unauthorizedExitsWithTheAPIMessageAndRequestID() async throws {
        let sandbox = try OneShotProcess.Sandbox()
        try await FakeMessagesServer.with([
            .error(status: 401, type: "authentication_error", message: "invalid x-api-key", requestID: "req_011CUnauthorized")
        ]) { server in
            let outcome = try await OneShotProcess.run(["-p", "hi"], in: sandbox, baseURL: server.baseURL, apiKey: "sk-secret-do-not-print")
            #expect(outcome.status != 0)
            #expect(outcome.status != 75)
            #expect(outcome.stderr.contains("invalid x-api-key"))
            #expect(outcome.stderr.contains("req_011CUnauthorized"))
            #expect(!outcome.stderr.contains("sk-secret-do-not-print"))
            #expect(await server.requests().count == 1)
        }
    }

    @Test func readingOutsideTheProjectIsAnError() async throws {
        let sandbox = try OneShotProcess.Sandbox()
        try await FakeMessagesServer.with([
            .sse(FakeStream.toolUse(id: "toolu_escape", name: "read_file", input: ["path": "../../etc/passwd"])),
            .sse(FakeStream.text("I cannot read that.")),
        ]) { server in
            let outcome = try await OneShotProcess.run(["-p", "read /etc/passwd", "--output-format", "json"], in: sandbox, baseURL: server.baseURL)
            #expect(outcome.status == 0, "stderr: \(outcome.stderr)")
            let report = try JSONValue(parsing: outcome.stdout)
            #expect(report["tool_calls"]?.arrayValue?.first?["is_error"] == true)

            let results = Self.toolResults(try #require(await server.requests().last))
            #expect(results.first?["tool_use_id"] == "toolu_escape")
            #expect(results.first?["is_error"] == true)
            #expect(results.first?["content"]?.stringValue?.contains("outside the project") == true)
            #expect(results.first?["content"]?.stringValue?.contains("root:") == false)
        }
    }

    @Test func secretsInAReadFileNeverReachClaudeOrTheTranscript() async throws {
        let sandbox = try OneShotProcess.Sandbox()
        let secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
        try sandbox.write("DATABASE_HOST=db\nAWS_SECRET_ACCESS_KEY=\(secret)\nSTRIPE_API_KEY=sk_live_51Habcdefghijklmnop\n", to: ".env")
        try await FakeMessagesServer.with([
            .sse(FakeStream.toolUse(id: "toolu_env", name: "read_file", input: ["path": ".env"])),
            .sse(FakeStream.text("The app needs a database host.")),
        ]) { server in
            let outcome = try await OneShotProcess.run(["-p", "what does .env configure?"], in: sandbox, baseURL: server.baseURL)
            #expect(outcome.status == 0, "stderr: \(outcome.stderr)")
            let sent = try #require(await server.requests().last?.bodyText)
            #expect(sent.contains("DATABASE_HOST=db"), "the harmless lines still reach Claude")
            #expect(!sent.contains(secret))
            #expect(!sent.contains("sk_live_51Habcdefghijklmnop"))
            let transcript = try String(contentsOf: try #require(sandbox.sessionFiles.first), encoding: .utf8)
            #expect(!transcript.contains(secret))
        }
    }

    @Test func writeFileIsRefusedUnlessAllowed() async throws {
        let sandbox = try OneShotProcess.Sandbox()
        let write = FakeStream.toolUse(id: "toolu_w", name: "write_file", input: ["path": "notes.txt", "content": "written"])
        try await FakeMessagesServer.with([.sse(write), .sse(FakeStream.text("done")), .sse(write), .sse(FakeStream.text("done"))]) { server in
            let refused = try await OneShotProcess.run(["-p", "write notes"], in: sandbox, baseURL: server.baseURL)
            #expect(refused.status == 0)
            #expect(refused.stderr.contains("--allow write_file"))
            #expect(!FileManager.default.fileExists(atPath: sandbox.project.appendingPathComponent("notes.txt").path))
            let first = Self.toolResults(try #require(await server.requests().dropFirst().first))
            #expect(first.first?["is_error"] == true)

            let allowed = try await OneShotProcess.run(["-p", "write notes", "--allow", "write_file"], in: sandbox, baseURL: server.baseURL)
            #expect(allowed.status == 0, "stderr: \(allowed.stderr)")
            let written = FileManager.default.contents(atPath: sandbox.project.appendingPathComponent("notes.txt").path)
            #expect(written == Data("written".utf8))
        }
    }

    @Test func withoutCredentialsOneLineNamesTheVariable() async throws {
        let sandbox = try OneShotProcess.Sandbox()
        let outcome = try await OneShotProcess.run(["-p", "hi"], in: sandbox, baseURL: nil, apiKey: nil)
        #expect(outcome.status != 0)
        #expect(outcome.stderr.contains("ANTHROPIC_API_KEY"))
        #expect(outcome.stderr.split(separator: "\n").count == 1)
        #expect(outcome.stdout.isEmpty)
    }

    @Test func withoutCredentialsTheJSONReportIsStillPrinted() async throws {
        let sandbox = try OneShotProcess.Sandbox()
        let outcome = try await OneShotProcess.run(["-p", "hi", "--output-format", "json"], in: sandbox, baseURL: nil, apiKey: nil)
        #expect(outcome.status == 1)
        let report = try JSONValue(parsing: outcome.stdout)
        #expect(report["is_error"] == true)
        #expect(report["result"]?.stringValue?.contains("ANTHROPIC_API_KEY") == true)
    }

    @Test func continueResumesTheLastSessionOfTheProject() async throws {
        let sandbox = try OneShotProcess.Sandbox()
        try await FakeMessagesServer.with([.sse(FakeStream.text("first answer")), .sse(FakeStream.text("second answer"))]) { server in
            let first = try await OneShotProcess.run(["-p", "remember the word zebra"], in: sandbox, baseURL: server.baseURL)
            #expect(first.status == 0, "stderr: \(first.stderr)")
            let second = try await OneShotProcess.run(["-p", "which word?", "--continue"], in: sandbox, baseURL: server.baseURL)
            #expect(second.status == 0, "stderr: \(second.stderr)")
            #expect(second.stdout == "second answer\n")

            let messages = try #require(await server.requests().last?.body?["messages"]?.arrayValue)
            #expect(messages.count == 3)
            #expect(messages.first?["content"]?.arrayValue?.first?["text"] == "remember the word zebra")
            #expect(messages[1]["content"]?.arrayValue?.first?["text"] == "first answer")
            #expect(sandbox.sessionFiles.count == 1)
        }
    }
}

/// One-shot mode against a fake API that misbehaves: each fault of issue 14 reproduced with the real
/// binary, then the next request (`--continue`) checked against the API's rules.
@Suite struct OneShotFaultTests {
    /// The API's rules for a request's messages, checked on the JSON the server received: it starts
    /// with the user, roles alternate, no text block is empty or whitespace, and every tool_use is
    /// answered at the start of the next message, in order.
    static func violations(_ request: FakeMessagesServer.RecordedRequest?) -> [String] {
        guard let messages = request?.body?["messages"]?.arrayValue else { return ["no messages"] }
        var problems: [String] = []
        if messages.first?["role"] != "user" { problems.append("the first message is not the user's") }
        for (index, message) in messages.enumerated() {
            let blocks = message["content"]?.arrayValue ?? []
            if blocks.isEmpty { problems.append("message \(index) is empty") }
            if index > 0, messages[index - 1]["role"] == message["role"] { problems.append("messages \(index - 1) and \(index) share a role") }
            for block in blocks where block["type"] == "text" {
                if (block["text"]?.stringValue ?? "").allSatisfy(\.isWhitespace) { problems.append("message \(index) has an empty text block") }
            }
            let asked = blocks.filter { $0["type"] == "tool_use" }.compactMap { $0["id"]?.stringValue }
            guard !asked.isEmpty else { continue }
            let next = index + 1 < messages.count ? messages[index + 1]["content"]?.arrayValue ?? [] : []
            let answered = next.prefix(asked.count).compactMap { $0["type"] == "tool_result" ? $0["tool_use_id"]?.stringValue : nil }
            if answered != asked { problems.append("message \(index)'s tool calls are not answered first in the next message") }
        }
        return problems
    }

    static func json(_ outcome: OneShotProcess.Outcome) throws -> JSONValue {
        try JSONValue(parsing: outcome.stdout)
    }

    @Test(arguments: ["refusal", "max_tokens", "model_context_window_exceeded"])
    func anEmptyAnswerIsAnErrorWithItsStopReasonAndTheSessionGoesOn(stopReason: String) async throws {
        let sandbox = try OneShotProcess.Sandbox()
        try await FakeMessagesServer.with([.sse(FakeStream.emptyText(stopReason: stopReason)), .sse(FakeStream.text("fine"))]) { server in
            let first = try await OneShotProcess.run(["-p", "hi", "--output-format", "json"], in: sandbox, baseURL: server.baseURL)
            #expect(first.status == 1, "stderr: \(first.stderr)")
            let report = try Self.json(first)
            #expect(report["is_error"] == true)
            #expect(report["stop_reason"] == .string(stopReason))
            #expect(report["result"] == "")
            #expect(first.stderr.contains("warning:"))

            let second = try await OneShotProcess.run(["-p", "again", "--continue"], in: sandbox, baseURL: server.baseURL)
            #expect(second.status == 0, "stderr: \(second.stderr)")
            #expect(second.stdout == "fine\n")
            let problems = Self.violations(await server.requests().last)
            #expect(problems.isEmpty, "\(problems)")
        }
    }

    @Test func aToolCallCutOffByMaxTokensIsListedAndAnsweredAsAnError() async throws {
        let sandbox = try OneShotProcess.Sandbox()
        let cut = FakeStream.message(
            [.text("Reading it."), .toolUse(id: "toolu_cut", name: "read_file", inputChunks: ["{\"path\": \"REA"])],
            stopReason: "max_tokens", closeLastBlock: false)
        try await FakeMessagesServer.with([.sse(cut), .sse(FakeStream.text("I was cut off."))]) { server in
            let outcome = try await OneShotProcess.run(["-p", "read the readme", "--output-format", "json"], in: sandbox, baseURL: server.baseURL)
            #expect(outcome.status == 0, "stderr: \(outcome.stderr)")
            let report = try Self.json(outcome)
            #expect(report["tool_calls"] == [["name": "read_file", "input": [:], "is_error": true]])
            #expect(outcome.stderr.contains("read_file rejected"))
            let requests = await server.requests()
            let results = OneShotTests.toolResults(try #require(requests.last))
            #expect(results.first?["tool_use_id"] == "toolu_cut")
            #expect(results.first?["is_error"] == true)
            #expect(Self.violations(requests.last).isEmpty)
        }
    }

    @Test func sigintWhileTheStreamStallsStillPrintsTheJSON() async throws {
        let sandbox = try OneShotProcess.Sandbox()
        let partial = FakeStream.messageStart() + FakeStream.block(.text("Working on"), index: 0, close: false)
        try await FakeMessagesServer.with([.stall(after: partial), .sse(FakeStream.text("next"))]) { server in
            let outcome = try await OneShotProcess.run(
                ["-p", "deploy", "--output-format", "json"], in: sandbox, baseURL: server.baseURL,
                interrupt: {
                    while await server.requests().isEmpty { try await Task.sleep(for: .milliseconds(20)) }
                    try await Task.sleep(for: .milliseconds(300))
                })
            #expect(outcome.status == 130, "stderr: \(outcome.stderr)")
            let report = try Self.json(outcome)
            #expect(report["is_error"] == true)
            #expect(report["result"] == "cancelled")

            // The prompt and what was shown of the answer stay, marked interrupted.
            let next = try await OneShotProcess.run(["-p", "go on", "--continue"], in: sandbox, baseURL: server.baseURL)
            #expect(next.status == 0, "stderr: \(next.stderr)")
            let sent = try #require(await server.requests().last)
            #expect(Self.violations(sent).isEmpty, "\(Self.violations(sent))")
            let messages = try #require(sent.body?["messages"]?.arrayValue)
            #expect(messages.count == 3)
            #expect(messages[1]["content"]?.arrayValue?.first?["text"] == "Working on")
            #expect(messages[2]["content"]?.arrayValue?.first?["text"] == "go on")
        }
    }

    @Test func aStallAfterMessageStartTimesOutAndIsRetried() async throws {
        let sandbox = try OneShotProcess.Sandbox()
        try await FakeMessagesServer.with([.stall(), .sse(FakeStream.text("recovered"))]) { server in
            let outcome = try await OneShotProcess.run(
                ["-p", "hi"], in: sandbox, baseURL: server.baseURL, environment: ["DEPLOYOTRON_STREAM_IDLE_TIMEOUT": "0.8"])
            #expect(outcome.status == 0, "stderr: \(outcome.stderr)")
            #expect(outcome.stdout == "recovered\n")
            #expect(outcome.stderr.contains("sent nothing for 0.8s"))
            #expect(!outcome.stderr.contains("could not reach"))
            #expect(await server.requests().count == 2)
        }
    }

    @Test func oneMalformedDataLineBeforeContentIsRetried() async throws {
        let sandbox = try OneShotProcess.Sandbox()
        try await FakeMessagesServer.with([.sse(FakeStream.messageStart() + FakeStream.malformedDelta()), .sse(FakeStream.text("fine"))]) { server in
            let outcome = try await OneShotProcess.run(["-p", "hi"], in: sandbox, baseURL: server.baseURL)
            #expect(outcome.status == 0, "stderr: \(outcome.stderr)")
            #expect(outcome.stdout == "fine\n")
            #expect(await server.requests().count == 2)
        }
    }

    @Test func aStreamCutAfterTextIsABrokenStreamNotAnUnreachableServer() async throws {
        let sandbox = try OneShotProcess.Sandbox()
        try await FakeMessagesServer.with([.sse(FakeStream.cutOff("Half an ans")), .sse(FakeStream.text("whole"))]) { server in
            let outcome = try await OneShotProcess.run(["-p", "hi", "--output-format", "json"], in: sandbox, baseURL: server.baseURL)
            #expect(outcome.status == 75, "stderr: \(outcome.stderr)")
            #expect(try Self.json(outcome)["is_error"] == true)
            #expect(outcome.stderr.contains("stream ended before the message was complete"))
            #expect(!outcome.stderr.contains("could not reach"))
            #expect(await server.requests().count == 1)

            _ = try await OneShotProcess.run(["-p", "again", "--continue"], in: sandbox, baseURL: server.baseURL)
            let sent = await server.requests().last
            #expect(Self.violations(sent).isEmpty, "\(Self.violations(sent))")
            #expect(sent?.body?["messages"]?.arrayValue?.count == 3)
        }
    }

    @Test func aPausedTurnIsStoredAsOneAssistantMessage() async throws {
        let sandbox = try OneShotProcess.Sandbox()
        try await FakeMessagesServer.with([
            .sse(FakeStream.message([.text("Searching. ")], stopReason: "pause_turn")),
            .sse(FakeStream.message([.text("Found it.")], stopReason: "end_turn")),
            .sse(FakeStream.text("bye")),
        ]) { server in
            let first = try await OneShotProcess.run(["-p", "find it", "--output-format", "json"], in: sandbox, baseURL: server.baseURL)
            let report = try Self.json(first)
            #expect(report["result"] == "Searching. Found it.")
            #expect(report["is_error"] == false)
            _ = try await OneShotProcess.run(["-p", "thanks", "--continue"], in: sandbox, baseURL: server.baseURL)
            let sent = await server.requests().last
            #expect(Self.violations(sent).isEmpty, "\(Self.violations(sent))")
            #expect(sent?.body?["messages"]?.arrayValue?.map { $0["role"] } == ["user", "assistant", "user"])
        }
    }

    @Test func promptTooLongCompactsAndAsksAgainOnce() async throws {
        let sandbox = try OneShotProcess.Sandbox()
        try await FakeMessagesServer.with([
            .sse(FakeStream.text("one")), .sse(FakeStream.text("two")),
            .promptTooLong(), .sse(FakeStream.text("The project is a Node app.")), .sse(FakeStream.text("three")),
        ]) { server in
            _ = try await OneShotProcess.run(["-p", "first"], in: sandbox, baseURL: server.baseURL)
            _ = try await OneShotProcess.run(["-p", "second", "--continue"], in: sandbox, baseURL: server.baseURL)
            let third = try await OneShotProcess.run(["-p", "third", "--continue"], in: sandbox, baseURL: server.baseURL)
            #expect(third.status == 0, "stderr: \(third.stderr)")
            #expect(third.stdout == "three\n")
            #expect(third.stderr.contains("compacting"))
            let requests = await server.requests()
            #expect(requests.count == 5)
            let retried = requests[4].body?["messages"]?.arrayValue ?? []
            #expect(retried.count == 3)
            #expect(retried.first?["content"]?.arrayValue?.first?["text"]?.stringValue?.contains("The project is a Node app.") == true)
            #expect(Self.violations(requests[4]).isEmpty)
        }
    }

    @Test(arguments: [
        ("claude-fable-5", 0.0011), ("claude-opus-4-8", 0.00055), ("claude-sonnet-5", 0.00033), ("claude-haiku-4-5", 0.00011),
    ])
    func theCostIsPricedForTheCurrentFamilies(model: String, dollars: Double) async throws {
        let sandbox = try OneShotProcess.Sandbox()
        let answer = FakeStream.message([.text("hi")], model: model, inputTokens: 10, outputTokens: 20)
        try await FakeMessagesServer.with([.sse(answer)]) { server in
            let outcome = try await OneShotProcess.run(["-p", "hi", "--model", model, "--output-format", "json"], in: sandbox, baseURL: server.baseURL)
            let report = try Self.json(outcome)
            #expect(abs((report["estimated_cost_usd"]?.doubleValue ?? -1) - dollars) < 1e-9, "\(report)")
        }
    }

    @Test func anUnknownModelHasNoCostRatherThanAGuess() async throws {
        let sandbox = try OneShotProcess.Sandbox()
        let answer = FakeStream.message([.text("hi")], model: "claude-mystery-9")
        try await FakeMessagesServer.with([.sse(answer)]) { server in
            let outcome = try await OneShotProcess.run(["-p", "hi", "--model", "claude-mystery-9", "--output-format", "json"], in: sandbox, baseURL: server.baseURL)
            #expect(outcome.status == 0, "stderr: \(outcome.stderr)")
            #expect(try Self.json(outcome)["estimated_cost_usd"] == .null)
        }
    }

    @Test func adaptiveModelsAreSentAdaptiveThinkingWithTheEffort() async throws {
        let sandbox = try OneShotProcess.Sandbox()
        try await FakeMessagesServer.with([.sse(FakeStream.text("a")), .sse(FakeStream.text("b"))]) { server in
            _ = try await OneShotProcess.run(["-p", "hi", "--model", "claude-fable-5", "--effort", "low"], in: sandbox, baseURL: server.baseURL)
            _ = try await OneShotProcess.run(["-p", "hi", "--model", "claude-sonnet-4-5"], in: sandbox, baseURL: server.baseURL)
            let requests = await server.requests()
            #expect(requests[0].body?["thinking"] == ["type": "adaptive"])
            #expect(requests[0].body?["output_config"] == ["effort": "low"])
            #expect(requests[1].body?["thinking"] == nil, "budget models think only when asked")
        }
    }
}
