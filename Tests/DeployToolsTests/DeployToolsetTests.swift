import Agent
import Claude
import Deploy
import DeployTools
import Foundation
import JSON
import Ledger
import Synchronization
import Testing

@Suite struct DeployToolsetTests {
    /// A project folder, a real SQLite ledger file, and the toolset over them. Docker is never reached:
    /// its executable does not exist, so a tool that needed it would fail loudly.
    struct Fixture {
        let root: URL
        let ledger: SQLiteLedger
        let toolset: DeployToolset

        init(guid: String? = "0b7c1f3e-2f4a-4c55-9d0e-5a8f1c2b3d4e") throws {
            root = FileManager.default.temporaryDirectory.appendingPathComponent("tools-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
            ledger = try SQLiteLedger(path: root.appendingPathComponent("ledger.sqlite").path)
            let target = LocalDockerTarget(docker: DockerCLI(executable: root.appendingPathComponent("no-docker").path), workRoot: root, probe: { _ in false })
            let projectGuid = guid ?? "no-guid"
            let service = DeployService(
                store: ledger, target: target,
                projects: { DeployProject(guid: projectGuid, name: DeployService.containerName($0.lastPathComponent)) }, git: nil)
            toolset = DeployToolset(service: service, resources: ledger, projectGuid: guid)
        }

        func write(_ text: String, to path: String) throws {
            let url = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }

        func run(_ name: String, _ input: JSONValue) async throws -> ToolOutput {
            let tool = try #require(toolset.tools.first { $0.name == name })
            return try await tool.run(input, ToolContext(projectRoot: root))
        }

        func cleanUp() {
            try? FileManager.default.removeItem(at: root)
        }
    }

    @Test func everyToolRegistersWithTheRiskItsEffectCalls() throws {
        let fixture = try Fixture()
        defer { fixture.cleanUp() }
        let registry = try ToolRegistry(fixture.toolset.tools)
        let changing = Set(registry.tools.filter { $0.risk == .changes }.map(\.name))
        #expect(changing == ["generate_dockerfile", "generate_compose", "deploy_local", "deploy_s3_cloudfront", "deploy_ecs", "rollback", "stop_deployment", "restart_deployment", "remove_deployment"])
        #expect(registry.tool(named: "detect_stack")?.risk == .readOnly)
        #expect(registry.tool(named: "project_resources") != nil)
        for tool in registry.tools {
            #expect(tool.inputSchema["type"] == "object", "\(tool.name)")
            #expect(!tool.description.isEmpty, "\(tool.name)")
        }
    }

    @Test func detectsTheStackOfTheProject() async throws {
        let fixture = try Fixture()
        defer { fixture.cleanUp() }
        try fixture.write(#"{"name":"shop","scripts":{"start":"node server.js"},"dependencies":{"express":"^4.19.0"}}"#, to: "package.json")
        try fixture.write("require('express')().listen(process.env.PORT || 3000)\n", to: "server.js")
        let output = try await fixture.run("detect_stack", [:])
        #expect(!output.isError, "\(output.text)")
        let json = try JSONValue(parsing: output.text)
        #expect(json["language"] == "node")
        #expect(json["framework"] == "express")
    }

    @Test func refusesPathsOutsideTheProject() async throws {
        let fixture = try Fixture()
        defer { fixture.cleanUp() }
        let output = try await fixture.run("detect_stack", ["path": "../.."])
        #expect(output.isError)
        let absolute = try await fixture.run("generate_dockerfile", ["path": "/etc"])
        #expect(absolute.isError)
        #expect(!FileManager.default.fileExists(atPath: "/etc/Dockerfile"))
    }

    @Test func generateDockerfileWritesIntoTheProject() async throws {
        let fixture = try Fixture()
        defer { fixture.cleanUp() }
        try fixture.write("flask==3.0.0\ngunicorn==22.0.0\n", to: "requirements.txt")
        try fixture.write("from flask import Flask\napp = Flask(__name__)\n", to: "app.py")
        let output = try await fixture.run("generate_dockerfile", [:])
        #expect(!output.isError, "\(output.text)")
        let dockerfile = try String(contentsOf: fixture.root.appendingPathComponent("Dockerfile"), encoding: .utf8)
        #expect(dockerfile.contains("FROM python"))
    }

    @Test func logsReachClaudeWithSecretsRedactedOnce() async throws {
        let fixture = try Fixture()
        defer { fixture.cleanUp() }
        let secretKey = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
        let excerpt = """
            Starting app
            AWS_SECRET_ACCESS_KEY=\(secretKey)
            connecting to postgres://app:hunter2hunter2@db:5432/app
            Error: connect ECONNREFUSED 10.0.0.5:5432
            """
        try await fixture.ledger.save(DeploymentRecord(
            id: "4bd0ed9b-1111-2222-3333-444455556666", projectId: "0b7c1f3e-2f4a-4c55-9d0e-5a8f1c2b3d4e", name: "shop",
            target: .local, status: .failed, imageTag: "shop:deploy_4bd0ed9b", startedAt: Date(), finishedAt: Date(),
            error: "container exited with code 1", logExcerpt: excerpt))

        // Through a conversation, as Claude calls them: the one redaction pass is the conversation's.
        let client = OneCallClaude(calls: [
            ToolUse(id: "l", name: "get_logs", input: ["deployment_id": "4bd0ed9b"]),
            ToolUse(id: "s", name: "deployment_status", input: ["deployment_id": "4bd0ed9b"]),
            ToolUse(id: "d", name: "list_deployments", input: [:]),
        ])
        let conversation = Conversation(
            client: client, registry: try ToolRegistry(fixture.toolset.tools), permissions: .oneShot(), system: [],
            model: "claude-test", projectRoot: fixture.root)
        _ = try await conversation.send("why did it fail?", onEvent: { _ in })

        let request = try #require(client.requests.last)
        let body = String(decoding: request.encodedBody(), as: UTF8.self)
        #expect(!body.contains(secretKey))
        #expect(!body.contains("hunter2hunter2"))
        let results = request.messages.last?.content.compactMap { block -> ToolResult? in
            if case .toolResult(let result) = block { result } else { nil }
        } ?? []
        #expect(results.map(\.isError) == [false, false, false])
        let logs = try JSONValue(parsing: results[0].content)
        #expect(logs["lines"]?.arrayValue?.contains { $0.stringValue?.contains("ECONNREFUSED") == true } == true)
        let deployments = try JSONValue(parsing: results[2].content)["deployments"]?.arrayValue
        #expect(deployments?.count == 1)
        #expect(deployments?.first?["status"] == "failed")
    }

    @Test func analyzesALogFileInTheProject() async throws {
        let fixture = try Fixture()
        defer { fixture.cleanUp() }
        try fixture.write("""
            > shop@1.0.0 build
            npm ERR! Missing script: "start"
            npm ERR!
            npm ERR! To see a list of scripts, run:
            npm ERR!   npm run
            """, to: "logs/build.log")
        let output = try await fixture.run("analyze_logs", ["path": "logs/build.log"])
        #expect(!output.isError, "\(output.text)")
        let json = try JSONValue(parsing: output.text)
        #expect((json["signatures"]?.arrayValue?.count ?? 0) >= 1)
        #expect(json["excerpt"]?.stringValue?.contains("Missing script") == true)

        let neither = try await fixture.run("analyze_logs", [:])
        #expect(neither.isError)
    }

    @Test func reportsTheResourcesBuildAgentsSent() async throws {
        let fixture = try Fixture()
        defer { fixture.cleanUp() }
        let guid = "0b7c1f3e-2f4a-4c55-9d0e-5a8f1c2b3d4e"
        let before = try await fixture.run("project_resources", [:])
        #expect(try JSONValue(parsing: before.text)["found"] == false)
        try await fixture.ledger.record(NotifyEvent(guid: guid, kind: .resources, data: ["s3Bucket": .string("tmux-builder-\(guid)")]), at: Date())
        let after = try await fixture.run("project_resources", [:])
        let json = try JSONValue(parsing: after.text)
        #expect(json["found"] == true)
        #expect(json["resources"]?["s3Bucket"]?.stringValue == "tmux-builder-\(guid)")
    }
}

/// Answers the first request with `calls`, the second with "done", and records the requests.
final class OneCallClaude: MessagesStreaming {
    let calls: [ToolUse]
    private let received = Mutex<[MessagesRequest]>([])

    init(calls: [ToolUse]) {
        self.calls = calls
    }

    var requests: [MessagesRequest] { received.withLock { $0 } }

    func stream(_ request: MessagesRequest, onUpdate: @escaping @Sendable (StreamUpdate) -> Void) async throws -> MessageResponse {
        let first = received.withLock { requests in
            requests.append(request)
            return requests.count == 1
        }
        let content: [ContentBlock] = first ? calls.map(ContentBlock.toolUse) : [.text("done")]
        return MessageResponse(id: "msg", model: "claude-test", content: content, stopReason: first ? .toolUse : .endTurn, usage: Usage())
    }
}
