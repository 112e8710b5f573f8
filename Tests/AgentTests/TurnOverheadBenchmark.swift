import Agent
import Claude
import Foundation
import JSON
import Synchronization
import Testing
import TestSupport

/// Not a test: measures the loop's own time per tool turn, from the last SSE byte of a `tool_use`
/// response to the next request arriving at the server, minus the time the tool ran. Prints figures
/// for `bench/engine/run.sh`; runs only with DEPLOYOTRON_BENCH=1 and asserts nothing about speed.
@Suite struct TurnOverheadBenchmark {
    static let enabled = ProcessInfo.processInfo.environment["DEPLOYOTRON_BENCH"] == "1"
    static var turns: Int { Int(ProcessInfo.processInfo.environment["DEPLOYOTRON_BENCH_TURNS"] ?? "") ?? 50 }

    @Test(.enabled(if: enabled)) func perTurnOverhead() async throws {
        let project = try TemporaryProject()
        try project.write("hello\n", to: "README.md")
        let turns = Self.turns
        var script: [FakeResponse] = (0..<turns).map { index in
            .sse(FakeStream.toolUse(id: "toolu_\(index)", name: "read_file", input: ["path": "README.md"]))
        }
        script.append(.sse(FakeStream.text("done")))
        // Reference: plain text round trips with the same client, no tool loop.
        script += Array(repeating: FakeResponse.sse(FakeStream.text("pong")), count: turns)

        try await FakeMessagesServer.with(script) { server in
            let client = ClaudeClient(configuration: ClaudeConfiguration(baseURL: server.baseURL, credential: .apiKey("bench")))
            let toolTimes = Mutex<[String: Double]>([:])
            let chat = Conversation(
                client: client, registry: try ToolRegistry(FileTools.all), permissions: .oneShot(),
                system: [SystemBlock(text: "bench")], model: "claude-sonnet-4-5", projectRoot: project.url)
            let result = try await chat.send("read the readme \(turns) times") { event in
                if case .toolFinished(let id, _, _, let seconds) = event { toolTimes.withLock { $0[id] = seconds } }
            }
            #expect(result.text == "done")

            var roundTrips: [Double] = []
            for _ in 0..<turns {
                let start = ContinuousClock.now
                _ = try await client.stream(MessagesRequest(model: "claude-sonnet-4-5", maxTokens: 16, system: [], messages: [.user("ping")])) { _ in }
                roundTrips.append(Self.seconds(start.duration(to: .now)))
            }

            let requests = await server.requests()
            let tools = toolTimes.withLock { $0 }
            var overheads: [Double] = []
            for index in 1...turns {
                guard let finished = requests[index - 1].finishedAt else { continue }
                let gap = Self.seconds(finished.duration(to: requests[index].receivedAt))
                // The fake server stamps `receivedAt` after parsing the body as JSON; that is the
                // server's time, not the client's: parse the same body again here and take it off.
                let parseStart = ContinuousClock.now
                _ = try? JSONValue(parsing: requests[index].bodyText)
                let parse = Self.seconds(parseStart.duration(to: .now))
                overheads.append(gap - parse - (tools["toolu_\(index - 1)"] ?? 0))
            }
            let overhead = Self.percentiles(overheads)
            if ProcessInfo.processInfo.environment["DEPLOYOTRON_BENCH_VERBOSE"] == "1" {
                print("per turn (µs): " + overheads.map { String(Int($0 * 1e6)) }.joined(separator: " "))
            }
            let reference = Self.percentiles(roundTrips)
            print(String(format: "per-turn client overhead over %d tool turns: median %.0f µs, p90 %.0f µs (tool time and the fake server's body parse excluded, median tool %.0f µs)",
                         overheads.count, overhead.median * 1e6, overhead.p90 * 1e6, Self.percentiles(Array(tools.values)).median * 1e6))
            print(String(format: "reference: one whole loopback request/response with the same client: median %.0f µs, p90 %.0f µs", reference.median * 1e6, reference.p90 * 1e6))
            print(String(format: "ratio overhead/reference (median): %.3f", overhead.median / reference.median))
        }
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    static func percentiles(_ values: [Double]) -> (median: Double, p90: Double) {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return (0, 0) }
        func at(_ q: Double) -> Double { sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * q).rounded()))] }
        return (at(0.5), at(0.9))
    }
}
