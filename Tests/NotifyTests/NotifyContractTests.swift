import AsyncHTTPClient
import Foundation
import JSON
import Ledger
import NIOHTTP1
import Notify
import TestSupport
import Testing

/// The server's real answers against the committed OpenAPI document (`notify/openapi.json`).
@Suite struct NotifyContractTests {
    @Test func theDocumentNamesEveryRouteOfTheServer() throws {
        let contract = try OpenAPIContract()
        #expect(contract.document["openapi"]?.stringValue == "3.1.0")
        #expect(contract.operations == [
            "GET /healthz", "POST /notify", "GET /api/projects", "GET /api/projects/{guid}/resources",
            "GET /api/projects/{guid}/events", "GET /api/projects/{guid}/deployments", "GET /api/users/{userId}/deployments",
            "GET /", "GET /projects/{guid}", "GET /assets/{name}", "GET /signin", "POST /signin", "POST /signout", "GET /openapi.json",
            "POST /api/projects/{guid}/deploy", "POST /api/projects/{guid}/rollback", "GET /api/jobs", "GET /api/jobs/{jobId}",
            "GET /api/jobs/{jobId}/events", "POST /api/jobs/{jobId}/cancel", "GET /api/deployments", "GET /api/deployments/{deploymentId}", "GET /api/deployments/{deploymentId}/logs",
            "DELETE /api/deployments/{deploymentId}", "POST /api/deployments/{deploymentId}/stop", "POST /api/deployments/{deploymentId}/restart",
        ])
        let kinds = contract.document["components"]?["schemas"]?["Event"]?["properties"]?["type"]?["enum"]?.arrayValue?.compactMap(\.stringValue)
        #expect(kinds == EventKind.allCases.map(\.rawValue))
        let statuses = contract.document["components"]?["schemas"]?["Deployment"]?["properties"]?["status"]?["enum"]?.arrayValue?.compactMap(\.stringValue)
        #expect(statuses == DeploymentStatus.allCases.map(\.rawValue))
        let targets = contract.document["components"]?["schemas"]?["Deployment"]?["properties"]?["target"]?["enum"]?.arrayValue?.compactMap(\.stringValue)
        #expect(targets == DeployTargetKind.allCases.map(\.rawValue))
    }

    @Test func theCheckerCatchesAnAnswerThatBreaksTheDocument() throws {
        let contract = try OpenAPIContract()
        #expect(try !contract.problems("GET", "/api/projects/{guid}/events", status: 200, body: #"{"events":[{"sequence":"1"}]}"#).isEmpty)
        #expect(try !contract.problems("GET", "/api/projects", status: 200, body: #"{"projects":[{"guid":"g","userId":"u","name":"n","createdAt":"yesterday","updatedAt":"2026-01-01T00:00:00.000Z","resourceCount":0,"lastEvent":null,"lastDeployment":null}]}"#).isEmpty)
        #expect(throws: NotifyTestError.self) { try contract.responseSchema("GET", "/api/projects", status: 418) }
    }

    @Test(arguments: TestStore.available)
    func everyJSONAnswerConformsToTheDocument(_ kind: TestStore) async throws {
        let dir = try TemporaryDirectory()
        let store = try await kind.open(in: dir)
        try await NotifyPagesTests.seed(store)
        let contract = try OpenAPIContract()
        try await LiveServer.with(store: store, configuration: NotifyServerConfiguration(port: 0, maxBodySize: 4096)) { server in
            let cases: [(method: HTTPMethod, path: String, template: String, body: String?, contentType: String?, status: Int)] = [
                (.GET, "/healthz", "/healthz", nil, nil, 200),
                (.POST, "/notify", "/notify", #"{"guid":"shop-1","type":"summary","message":"ok"}"#, "application/json", 200),
                (.POST, "/notify", "/notify", #"{"guid":"shop-1","type":"resources","data":{"ecsCluster":"c"}}"#, "application/json", 200),
                (.POST, "/notify", "/notify", #"{"guid":"shop-1","type":"nope"}"#, "application/json", 400),
                (.POST, "/notify", "/notify", "{", "application/json", 400),
                (.POST, "/notify", "/notify", #"{"guid":"g"}"#, "text/plain", 415),
                (.POST, "/notify", "/notify", String(repeating: "x", count: 5000), "application/json", 413),
                (.GET, "/api/projects", "/api/projects", nil, nil, 200),
                (.GET, "/api/projects?user=bob", "/api/projects", nil, nil, 200),
                (.GET, "/api/projects/shop-1/resources", "/api/projects/{guid}/resources", nil, nil, 200),
                (.GET, "/api/projects/nobody/resources", "/api/projects/{guid}/resources", nil, nil, 404),
                (.GET, "/api/projects/a%20b/resources", "/api/projects/{guid}/resources", nil, nil, 400),
                (.GET, "/api/projects/shop-1/events", "/api/projects/{guid}/events", nil, nil, 200),
                (.GET, "/api/projects/shop-1/events?after=1&limit=1", "/api/projects/{guid}/events", nil, nil, 200),
                (.GET, "/api/projects/shop-1/events?after=-1", "/api/projects/{guid}/events", nil, nil, 400),
                (.GET, "/api/projects/shop-1/deployments", "/api/projects/{guid}/deployments", nil, nil, 200),
                (.GET, "/api/projects/shop-1/deployments?limit=0", "/api/projects/{guid}/deployments", nil, nil, 400),
                (.GET, "/api/users/alice/deployments", "/api/users/{userId}/deployments", nil, nil, 200),
                (.GET, "/assets/nothing.css", "/assets/{name}", nil, nil, 404),
                (.GET, "/openapi.json", "/openapi.json", nil, nil, 200),
            ]
            for item in cases {
                let reply = try await server.request(
                    item.path, method: item.method, body: item.body, headers: item.contentType.map { [("Content-Type", $0)] } ?? [])
                #expect(reply.status == item.status, "\(item.method) \(item.path)")
                let problems = try contract.problems(item.method.rawValue, item.template, status: reply.status, body: reply.body)
                #expect(problems == [], "\(item.method) \(item.path)")
            }
        }
        try await LiveServer.with(store: store, configuration: NotifyServerConfiguration(port: 0, token: "tok")) { server in
            let reply = try await server.request("/api/projects/shop-1/events")
            #expect(reply.status == 401)
            #expect(try contract.problems("GET", "/api/projects/{guid}/events", status: 401, body: reply.body) == [])
        }
    }
}
