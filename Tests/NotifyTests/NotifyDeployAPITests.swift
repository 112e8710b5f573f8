import Foundation
import Ledger
import NIOHTTP1
import Notify
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
}
