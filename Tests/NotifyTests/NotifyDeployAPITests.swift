import AsyncHTTPClient
import Foundation
import Ledger
import NIOCore
import NIOHTTP1
import Notify
import Synchronization
import Testing

/// The deploy API's answers against the OpenAPI document, over a scripted backend.
@Suite struct NotifyDeployAPITests {
    /// Deploys that go live at once (or are refused, for a folder named `/missing`), and one deployment.
    struct ScriptedBackend: DeployBackend {
        static let record = DeploymentRecord(
            id: "d0d0d0d0-1111-2222-3333-444455556666", projectId: "shop-1", name: "shop", target: .local, status: .running,
            imageTag: "shop:deploy_d0d0d0d0", port: 20000, url: "http://localhost:20000", startedAt: Date(timeIntervalSince1970: 1_800_000_000),
            source: "/srv/shop", environment: "staging")

        func deploy(_ request: DeployJobRequest, project guid: String, reporter: DeployJobReporter) async throws -> DeployJobOutcome {
            guard request.source.path != "/missing" else { throw DeployBackendError(.invalidRequest, "/missing is not a folder") }
            reporter.progress(DeployJobProgress(step: "take deploy lock", stepIndex: 1, stepCount: 2, share: 0.5, phase: "finished", message: "done"))
            reporter.accepted()
            reporter.progress(DeployJobProgress(step: "record", stepIndex: 2, stepCount: 2, share: 1, phase: "finished", message: "done"))
            return DeployJobOutcome(deployment: Self.record, message: "shop is live")
        }

        func rollback(_ request: RollbackJobRequest, project guid: String, reporter: DeployJobReporter) async throws -> DeployJobOutcome {
            throw DeployBackendError(.notFound, "no earlier successful deployment of this project to roll back to")
        }

        func stop(deploymentId: String) async throws -> DeploymentRecord { try find(deploymentId) }
        func restart(deploymentId: String) async throws -> DeploymentRecord {
            throw DeployBackendError(.failed, "the container did not start again")
        }
        func remove(deploymentId: String) async throws -> DeploymentRecord { try find(deploymentId) }
        func deployments(_ query: DeploymentQuery) async throws -> [DeploymentRecord] { [Self.record] }
        func deployment(id: String) async throws -> DeploymentDetail { DeploymentDetail(deployment: try find(id), live: true, container: "running") }

        /// The follows the backend ran, and how many it saw cancelled.
        let follows = Follows()

        final class Follows: Sendable {
            let counts = Mutex((started: 0, cancelled: 0))
            var started: Int { counts.withLock { $0.started } }
            var cancelled: Int { counts.withLock { $0.cancelled } }
        }

        func logs(_ request: DeploymentLogsRequest) async throws -> DeploymentLogs {
            if request.since == "soon" { throw DeployBackendError(.invalidRequest, "since \"soon\" is neither a duration (30s, 10m) nor a time") }
            let record = try find(request.deploymentId)
            return DeploymentLogs(deploymentId: record.id, source: "container", lines: Array(["listening on :3000", "GET / 200"].suffix(request.tail)))
        }

        /// Two lines, then nothing until cancelled. `e0e0…` is a deployment that is not live.
        func followLogs(_ request: DeploymentLogsRequest, follower: DeployLogFollower) async throws {
            if request.deploymentId.hasPrefix("e0e0") {
                throw DeployBackendError(.conflict, "deployment e0e0e0e0 is stopped and not its project's current one, so there is nothing to follow")
            }
            _ = try find(request.deploymentId)
            follows.counts.withLock { $0.started += 1 }
            follower.started()
            follower.line("listening on :3000")
            follower.line(#"{"event":"ready","apiKey":"[REDACTED]"}"#)
            do {
                try await Task.sleep(for: .seconds(600))
            } catch {
                follows.counts.withLock { $0.cancelled += 1 }
                throw error
            }
        }

        func find(_ id: String) throws -> DeploymentRecord {
            guard Self.record.id.hasPrefix(id) else { throw DeployBackendError(.notFound, "no deployment \(id)") }
            return Self.record
        }
    }

    @Test func everyAnswerConformsToTheDocument() async throws {
        let dir = try TemporaryDirectory()
        let store = try SQLiteLedger(path: dir.path("l.sqlite"))
        let contract = try OpenAPIContract()
        try await LiveServer.with(store: store, deployBackend: ScriptedBackend()) { server in
            let json = [("Content-Type", "application/json"), ("Accept", "application/json")]
            let started = try await server.request("/api/projects/shop-1/deploy", method: .POST, body: #"{"source":{"path":"/srv/shop"}}"#, headers: json)
            #expect(started.status == 202)
            #expect(try contract.problems("POST", "/api/projects/{guid}/deploy", status: 202, body: started.body) == [])
            let job = try #require((started.json?["job"] as? [String: Any])?["id"] as? String)
            let events = try await server.request("/api/jobs/\(job)/events")
            #expect(events.headers["Content-Type"].first == "text/event-stream")
            #expect(events.body.contains("event: outcome"))
            let cases: [(method: HTTPMethod, path: String, template: String, body: String?, status: Int)] = [
                (.POST, "/api/projects/shop-1/deploy", "/api/projects/{guid}/deploy", #"{"source":{"path":"/missing"}}"#, 400),
                (.POST, "/api/projects/shop-1/deploy", "/api/projects/{guid}/deploy", #"{"source":{"path":"/srv/shop"},"extra":1}"#, 400),
                (.POST, "/api/projects/shop-1/rollback", "/api/projects/{guid}/rollback", nil, 404),
                (.GET, "/api/jobs", "/api/jobs", nil, 200),
                (.GET, "/api/jobs/\(job)", "/api/jobs/{jobId}", nil, 200),
                (.GET, "/api/jobs/nope", "/api/jobs/{jobId}", nil, 404),
                (.POST, "/api/jobs/\(job)/cancel", "/api/jobs/{jobId}/cancel", nil, 409),
                (.GET, "/api/deployments?project=shop-1&environment=staging", "/api/deployments", nil, 200),
                (.GET, "/api/deployments?limit=0", "/api/deployments", nil, 400),
                (.GET, "/api/deployments/d0d0d0d0", "/api/deployments/{deploymentId}", nil, 200),
                (.GET, "/api/deployments/nope%20x", "/api/deployments/{deploymentId}", nil, 400),
                (.GET, "/api/deployments/d0d0d0d0/logs?tail=1&since=10m&filter=GET", "/api/deployments/{deploymentId}/logs", nil, 200),
                (.GET, "/api/deployments/d0d0d0d0/logs?tail=0", "/api/deployments/{deploymentId}/logs", nil, 400),
                (.GET, "/api/deployments/d0d0d0d0/logs?follow=maybe", "/api/deployments/{deploymentId}/logs", nil, 400),
                (.GET, "/api/deployments/d0d0d0d0/logs?since=soon", "/api/deployments/{deploymentId}/logs", nil, 400),
                (.GET, "/api/deployments/ffff0000/logs", "/api/deployments/{deploymentId}/logs", nil, 404),
                (.GET, "/api/deployments/ffff0000/logs?follow=true", "/api/deployments/{deploymentId}/logs", nil, 404),
                (.GET, "/api/deployments/e0e0e0e0/logs?follow=true", "/api/deployments/{deploymentId}/logs", nil, 409),
                (.POST, "/api/deployments/d0d0d0d0/stop", "/api/deployments/{deploymentId}/stop", nil, 200),
                (.POST, "/api/deployments/d0d0d0d0/restart", "/api/deployments/{deploymentId}/restart", nil, 422),
                (.DELETE, "/api/deployments/ffff0000", "/api/deployments/{deploymentId}", nil, 404),
            ]
            for item in cases {
                let reply = try await server.request(item.path, method: item.method, body: item.body, headers: item.body == nil ? [] : json)
                #expect(reply.status == item.status, "\(item.method) \(item.path): \(reply.body)")
                #expect(try contract.problems(item.method.rawValue, item.template, status: reply.status, body: reply.body) == [], "\(item.method) \(item.path)")
            }
            let foreign = try await server.request("/api/deployments/d0d0d0d0/stop", method: .POST, headers: [("Origin", "http://evil.example")])
            #expect(foreign.status == 403)
            #expect(try contract.problems("POST", "/api/deployments/{deploymentId}/stop", status: 403, body: foreign.body) == [])
        }
    }

    @Test func aFollowedLogIsAStreamOfNumberedLinesWithHeartbeatsAndStopsWhenTheClientLeaves() async throws {
        let dir = try TemporaryDirectory()
        let store = try SQLiteLedger(path: dir.path("l.sqlite"))
        let backend = ScriptedBackend()
        let configuration = NotifyServerConfiguration(port: 0, keepAliveInterval: .milliseconds(100))
        try await LiveServer.with(store: store, configuration: configuration, deployBackend: backend) { server in
            for (query, accept) in [("?follow=true", nil), ("", "text/event-stream")] {
                var request = HTTPClientRequest(url: server.baseURL + "/api/deployments/d0d0d0d0/logs" + query)
                if let accept { request.headers.add(name: "Accept", value: accept) }
                let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
                #expect(response.status.code == 200)
                #expect(response.headers.first(name: "Content-Type") == "text/event-stream")
                var text = ""
                for try await chunk in response.body {
                    text += String(buffer: chunk)
                    if text.contains("id: 2\n"), text.contains(": keep-alive\n\n") { break }
                }
                let frames = text.components(separatedBy: "\n\n")
                #expect(frames.first == #"id: 1\#nevent: line\#ndata: {"line":"listening on :3000"}"#)
                #expect(frames.dropFirst().first == #"id: 2\#nevent: line\#ndata: {"line":"{\"event\":\"ready\",\"apiKey\":\"[REDACTED]\"}"}"#)
                #expect(frames.dropFirst(2).allSatisfy { $0 == ": keep-alive" || $0.isEmpty }, "only heartbeats while the log is idle")
            }
            // Leaving (the loop above dropped each response) cancels the backend's follow.
            for _ in 0..<100 where backend.follows.cancelled < 2 {
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(backend.follows.started == 2)
            #expect(backend.follows.cancelled == 2)
        }
    }
}
