import Foundation
import JSON
import Testing
import TestSupport

/// `deployotron analyze` as a user runs it: offline, and with a key against the fake Messages API.
@Suite(.timeLimit(.minutes(2))) struct AnalyzeCommandTests {
    static let secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
    static let log = """
        Step 5/9 : RUN npm ci
        added 312 packages in 9s
        AWS_SECRET_ACCESS_KEY=\(secret)
        > shop@1.0.0 start
        npm ERR! Missing script: "start"
        npm ERR! To see a list of scripts, run:
        npm ERR!   npm run
        """

    @Test func offlineJSONNamesTheFailureAndLeaksNoSecret() async throws {
        let sandbox = try OneShotProcess.Sandbox()
        try sandbox.write(Self.log, to: "build.log")
        let outcome = try await OneShotProcess.run(["analyze", "build.log", "--offline", "--json"], in: sandbox, baseURL: nil, apiKey: nil)
        #expect(outcome.status == 0, "stderr: \(outcome.stderr)")
        let report = try JSONValue(parsing: outcome.stdout)
        let titles = report["signatures"]?.arrayValue?.compactMap { $0["title"]?.stringValue } ?? []
        #expect(titles.contains { $0.lowercased().contains("script") }, "\(titles)")
        #expect(!outcome.stdout.contains(Self.secret))
    }

    @Test func withAKeyTheRedactedExcerptGoesToClaudeAndTheAnswerStreams() async throws {
        let sandbox = try OneShotProcess.Sandbox()
        try sandbox.write(Self.log, to: "build.log")
        let answer = "**Error**: npm cannot find the start script.\n**Cause**: package.json has no start.\n**Fix**: add it."
        try await FakeMessagesServer.with([.sse(FakeStream.text(answer))]) { server in
            let outcome = try await OneShotProcess.run(["analyze", "build.log"], in: sandbox, baseURL: server.baseURL)
            #expect(outcome.status == 0, "stderr: \(outcome.stderr)")
            #expect(outcome.stdout.contains("npm cannot find the start script"))
            let requests = await server.requests()
            #expect(requests.count == 1)
            let body = try #require(requests.first?.bodyText)
            #expect(body.contains("Missing script"))
            #expect(!body.contains(Self.secret))
            #expect(!body.contains("sk-test-key"))
        }
    }

    @Test func aMissingFileIsOneLineAndNonZero() async throws {
        let sandbox = try OneShotProcess.Sandbox()
        let outcome = try await OneShotProcess.run(["analyze", "nope.log", "--offline"], in: sandbox, baseURL: nil, apiKey: nil)
        #expect(outcome.status != 0)
        #expect(outcome.stderr.contains("nope.log"))
        #expect(outcome.stderr.split(separator: "\n").count <= 2, "\(outcome.stderr)")
    }
}
