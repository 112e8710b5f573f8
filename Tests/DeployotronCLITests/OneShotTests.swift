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
