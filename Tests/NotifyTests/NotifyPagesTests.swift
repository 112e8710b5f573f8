import AWS
import AsyncHTTPClient
import Foundation
import JSON
import Ledger
import NIOCore
import NIOHTTP1
import Notify
import TestSupport
import Testing

@Suite struct NotifyPagesTests {
    static let hostile = "<script>alert(1)</script>"

    /// A project with resources (known keys, a hostile value, a `javascript:` URL, a nested value),
    /// two deployments and three events.
    static func seed(_ store: any LedgerStore) async throws {
        try await store.registerProject(guid: "shop-1", userId: "alice", name: "Shop <b>", at: Date())
        try await store.registerProject(guid: "blog-1", userId: "bob", name: "Blog", at: Date())
        try await store.record(NotifyEvent(guid: "shop-1", kind: .status, message: "building \(hostile)"), at: Date())
        try await store.record(NotifyEvent(guid: "shop-1", kind: .resources, data: [
            "s3Bucket": "tmux-builder-shop-1", "cloudFrontUrl": "https://d111.cloudfront.net", "region": "us-east-1",
            "rdsEndpoint": .string(hostile), "dashboard": "javascript:alert(2)", "extra": ["ports": [80, 443]],
        ]), at: Date())
        try await store.record(NotifyEvent(guid: "shop-1", kind: .done, message: "finished"), at: Date())
        let started = Date(timeIntervalSince1970: 1_790_000_000)
        try await store.save(DeploymentRecord(
            id: "d-1111", projectId: "shop-1", name: "shop", target: .s3CloudFront, status: .failed,
            url: "javascript:alert(3)", startedAt: started, finishedAt: started.addingTimeInterval(30), error: "build failed \(hostile)"))
        try await store.save(DeploymentRecord(
            id: "d-2222", projectId: "shop-1", name: "shop", target: .s3CloudFront, status: .running,
            url: "https://d111.cloudfront.net", startedAt: started.addingTimeInterval(60), rollbackOf: "d-0000"))
    }

    @Test(arguments: TestStore.available)
    func theProjectPageShowsResourcesDeploymentsAndEventsWithEveryValueEscaped(_ kind: TestStore) async throws {
        let dir = try TemporaryDirectory()
        let store = try await kind.open(in: dir)
        try await Self.seed(store)
        try await LiveServer.with(store: store) { server in
            let page = try await server.request("/projects/shop-1")
            #expect(page.status == 200)
            #expect(page.headers.first(name: "Content-Type") == "text/html; charset=utf-8")
            let policy = try #require(page.headers.first(name: "Content-Security-Policy"))
            #expect(policy.contains("script-src 'self'") && policy.contains("default-src 'none'") && !policy.contains("unsafe-inline"))
            let html = page.body
            // Known keys get their label; the distribution URL is a link.
            #expect(html.contains("Distribution URL"))
            #expect(html.contains(#"<a href="https://d111.cloudfront.net""#))
            #expect(html.contains("tmux-builder-shop-1") && html.contains("Database endpoint") && html.contains("Region"))
            // Unknown keys shown generically, nested values readable.
            #expect(html.contains(#"data-key="extra""#) && html.contains("<dt>ports</dt>") && html.contains(">443<"))
            // Hostile values are text; a javascript: URL is never a link.
            #expect(!html.contains(Self.hostile))
            #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
            #expect(!html.contains(#"href="javascript"#))
            #expect(html.contains("Shop &lt;b&gt;"))
            // The only script is the page's own file.
            #expect(html.components(separatedBy: "<script").count == 2)
            #expect(html.contains(#"<script src="/assets/live.js" defer></script>"#))
            // Deployments: status, target, URL, rollback of.
            #expect(html.contains(#"data-id="d-2222" data-status="running""#))
            #expect(html.contains(#"data-id="d-1111" data-status="failed""#))
            #expect(html.contains("rollback to <code>d-0000</code>"))
            #expect(html.range(of: "d-2222")!.lowerBound < html.range(of: "d-1111")!.lowerBound, "newest deployment first")
            // Events in order, and where the live stream goes on.
            #expect(html.contains(#"data-guid="shop-1" data-after="3""#))
            #expect(html.contains(#"data-sequence="1""#) && html.contains(#"data-sequence="3""#))

            let missing = try await server.request("/projects/nobody-here")
            #expect(missing.status == 404)
            #expect(missing.body.contains("nobody-here"))
            let invalid = try await server.request("/projects/bad%20guid")
            #expect(invalid.status == 400)
        }
    }

    @Test(arguments: TestStore.available)
    func theProjectsPageListsEveryProjectAndFiltersByUser(_ kind: TestStore) async throws {
        let dir = try TemporaryDirectory()
        let store = try await kind.open(in: dir)
        try await Self.seed(store)
        try await LiveServer.with(store: store) { server in
            let all = try await server.request("/")
            #expect(all.status == 200)
            #expect(all.body.contains(#"<tr data-guid="shop-1">"#) && all.body.contains(#"<tr data-guid="blog-1">"#))
            #expect(all.body.contains(#"<td data-label="Resources" class="count"><div class="cell">6</div></td>"#))
            #expect(all.body.contains("badge-running"), "the last deployment's status")
            #expect(all.body.contains("badge-done"), "the last event's type")
            #expect(!all.body.contains(Self.hostile))
            let bobs = try await server.request("/?user=bob")
            #expect(bobs.body.contains(#"data-guid="blog-1""#) && !bobs.body.contains(#"data-guid="shop-1""#))
            #expect(bobs.body.contains(#"<option value="bob" selected="selected">bob</option>"#))

            let json = try await server.request("/api/projects?user=alice")
            let projects = try #require(json.json?["projects"] as? [[String: Any]])
            #expect(projects.map { $0["guid"] as? String } == ["shop-1"])
            #expect(projects.first?["resourceCount"] as? Int == 6)
            #expect((projects.first?["lastDeployment"] as? [String: Any])?["id"] as? String == "d-2222")
            #expect((projects.first?["lastEvent"] as? [String: Any])?["type"] as? String == "done")
            let deployments = try await server.request("/api/projects/shop-1/deployments")
            #expect((deployments.json?["deployments"] as? [[String: Any]])?.map { $0["id"] as? String } == ["d-2222", "d-1111"])
        }
    }

    @Test func theAssetsAreTheRepositorysFilesAndNothingElseIsServed() async throws {
        let dir = try TemporaryDirectory()
        try await LiveServer.with(store: try SQLiteLedger(path: dir.path("l.sqlite"))) { server in
            let root = OpenAPIContract.fileURL.deletingLastPathComponent()
            let script = try await server.request("/assets/live.js")
            #expect(script.status == 200)
            #expect(script.headers.first(name: "Content-Type")?.hasPrefix("text/javascript") == true)
            #expect(script.body == (try String(contentsOf: root.appendingPathComponent("pages/live.js"), encoding: .utf8)))
            let style = try await server.request("/assets/pages.css")
            #expect(style.body.contains("prefers-color-scheme: dark"))
            #expect(try await server.request("/assets/..%2Fopenapi.json").status == 404)
            #expect(try await server.request("/assets/notify.sh").status == 404)
            let document = try await server.request("/openapi.json")
            #expect(document.body == (try String(contentsOf: OpenAPIContract.fileURL, encoding: .utf8)))
        }
    }

    // MARK: - Signing in

    /// A client that shows redirects instead of following them.
    static func withClient<T>(_ body: (HTTPClient) async throws -> T) async throws -> T {
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(redirectConfiguration: .disallow))
        do {
            let result = try await body(client)
            try await client.shutdown()
            return result
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    static func send(_ client: HTTPClient, _ url: String, method: HTTPMethod = .GET, headers: [(String, String)] = [], body: String? = nil) async throws -> LiveServer.Reply {
        var request = HTTPClientRequest(url: url)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(string: body)) }
        let response = try await client.execute(request, timeout: .seconds(30))
        return LiveServer.Reply(status: Int(response.status.code), headers: response.headers, body: String(buffer: try await response.body.collect(upTo: 1 << 20)))
    }

    @Test func aBrowserSignsInOnceWithAFormAndReadsWithAnHttpOnlyStrictCookie() async throws {
        let dir = try TemporaryDirectory()
        let store = try SQLiteLedger(path: dir.path("l.sqlite"))
        try await Self.seed(store)
        let token = "s3cret-token-123"
        try await LiveServer.with(store: store, configuration: NotifyServerConfiguration(port: 0, token: token)) { server in
            try await Self.withClient { client in
                // A page without a session goes to the form, remembering where it was going.
                let page = try await Self.send(client, server.baseURL + "/projects/shop-1")
                #expect(page.status == 303)
                let location = try #require(page.headers.first(name: "Location"))
                #expect(location.hasPrefix("/signin?next=") && location.contains("shop-1"))
                // The API still answers 401, as before.
                #expect(try await Self.send(client, server.baseURL + "/api/projects/shop-1/resources").status == 401)

                let form = try await Self.send(client, server.baseURL + location)
                #expect(form.status == 200)
                #expect(form.body.contains(#"method="post""#) && form.body.contains(#"type="password""#))

                let wrong = try await Self.send(client, server.baseURL + "/signin", method: .POST,
                    headers: [("Content-Type", "application/x-www-form-urlencoded")], body: "token=nope&next=%2Fprojects%2Fshop-1")
                #expect(wrong.status == 401)
                #expect(wrong.headers.first(name: "Set-Cookie") == nil)
                #expect(!wrong.body.contains("nope"))

                let right = try await Self.send(client, server.baseURL + "/signin", method: .POST,
                    headers: [("Content-Type", "application/x-www-form-urlencoded")], body: "token=\(token)&next=%2Fprojects%2Fshop-1")
                #expect(right.status == 303)
                #expect(right.headers.first(name: "Location") == "/projects/shop-1")
                let cookie = try #require(right.headers.first(name: "Set-Cookie"))
                #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && cookie.contains("Path=/"))
                #expect(!cookie.contains(token))
                let session = String(cookie.prefix { $0 != ";" })

                let signedIn = try await Self.send(client, server.baseURL + "/projects/shop-1", headers: [("Cookie", session)])
                #expect(signedIn.status == 200)
                #expect(signedIn.body.contains("tmux-builder-shop-1"))
                #expect(!signedIn.body.contains(token))
                #expect(try await Self.send(client, server.baseURL + "/api/projects/shop-1/events", headers: [("Cookie", session)]).status == 200)
                // The cookie reads; it does not write.
                let post = try await Self.send(client, server.baseURL + "/notify", method: .POST,
                    headers: [("Cookie", session), ("Content-Type", "application/json")], body: #"{"guid":"shop-1","type":"status","message":"x"}"#)
                #expect(post.status == 401)
                // A forged or ended session is nothing.
                #expect(try await Self.send(client, server.baseURL + "/", headers: [("Cookie", "deployotron_session=0123")]).status == 303)
                let out = try await Self.send(client, server.baseURL + "/signout", method: .POST, headers: [("Cookie", session)])
                #expect(out.headers.first(name: "Set-Cookie")?.contains("Max-Age=0") == true)
                #expect(try await Self.send(client, server.baseURL + "/", headers: [("Cookie", session)]).status == 303)
            }
        }
    }

    @Test func signingInNeverSendsTheBrowserToAnotherSite() async throws {
        let dir = try TemporaryDirectory()
        try await LiveServer.with(store: try SQLiteLedger(path: dir.path("l.sqlite")), configuration: NotifyServerConfiguration(port: 0, token: "t0ken")) { server in
            try await Self.withClient { client in
                for next in ["%2F%2Fevil.example", "https%3A%2F%2Fevil.example", "%2F%5Cevil.example", "javascript%3Aalert(1)"] {
                    let reply = try await Self.send(client, server.baseURL + "/signin", method: .POST,
                        headers: [("Content-Type", "application/x-www-form-urlencoded")], body: "token=t0ken&next=\(next)")
                    #expect(reply.status == 303)
                    #expect(reply.headers.first(name: "Location") == "/", "next=\(next)")
                }
            }
        }
    }

    @Test func onLoopbackWithoutATokenThereIsNothingToSignInTo() async throws {
        let dir = try TemporaryDirectory()
        try await LiveServer.with(store: try SQLiteLedger(path: dir.path("l.sqlite"))) { server in
            try await Self.withClient { client in
                #expect(try await Self.send(client, server.baseURL + "/").status == 200)
                let form = try await Self.send(client, server.baseURL + "/signin")
                #expect(form.status == 303 && form.headers.first(name: "Location") == "/")
            }
        }
    }

    // MARK: - Seed 003's client

    @Test(.enabled(if: MotoServer.isAvailable, "needs moto_server: run scripts/test.sh"))
    func aProjectSeed003sClientFiledUnderAnUnknownUserIsFoundByItsGuid() async throws {
        let dir = try TemporaryDirectory()
        let store = try await TestStore.dynamodb.open(in: dir)
        let ledger = try #require(store as? DynamoDBLedger)
        // What the seed's DynamoDBClient.save_project_resources puts: naive UTC times with microseconds.
        try await ledger.client.putItem(table: ledger.tables.resources, item: [
            "userId": .string("seed-user-42"), "projectId": .string("seed-guid-1"), "projectName": .string("Seed app"),
            "awsResources": .map(["s3Bucket": .string("tmux-builder-seed-guid-1"), "cloudFrontUrl": .string("https://d9.cloudfront.net")]),
            "createdAt": .string("2026-12-01T10:00:00.123456"), "updatedAt": .string("2026-12-01T10:00:00.123456"),
        ])
        try await LiveServer.with(store: store) { server in
            let reply = try await server.request("/api/projects/seed-guid-1/resources")
            #expect(reply.status == 200)
            let resources = try #require(reply.json?["resources"] as? [String: Any])
            #expect(resources["userId"] as? String == "seed-user-42")
            #expect((resources["awsResources"] as? [String: Any])?["s3Bucket"] as? String == "tmux-builder-seed-guid-1")
            let contract = try OpenAPIContract()
            #expect(try contract.problems("GET", "/api/projects/{guid}/resources", status: 200, body: reply.body) == [])

            let listed = try await server.request("/api/projects")
            let projects = try #require(listed.json?["projects"] as? [[String: Any]])
            #expect(projects.contains { $0["guid"] as? String == "seed-guid-1" && $0["userId"] as? String == "seed-user-42" && $0["resourceCount"] as? Int == 2 })
            let page = try await server.request("/projects/seed-guid-1")
            #expect(page.status == 200)
            #expect(page.body.contains("Seed app") && page.body.contains(#"<a href="https://d9.cloudfront.net""#))
            // Events posted later for the same guid still find the seed's resources.
            #expect(try await server.post(#"{"guid":"seed-guid-1","type":"status","message":"hello"}"#).status == 200)
            #expect(try await server.request("/api/projects/seed-guid-1/resources").status == 200)
        }
    }
}
