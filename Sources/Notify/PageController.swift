import Foundation
import HTTPTypes
import Hummingbird
import JSON
import Ledger
import Locations
import NIOCore

/// The browser's side of `deployotron serve`: the projects page, each project's page, their two
/// assets, the sign-in form (off loopback), and the OpenAPI document of the whole server.
struct PageController: Sendable {
    let store: any ResourceStore
    let catalog: (any ProjectCatalog)?
    let deploymentStore: (any DeploymentStore)?
    /// nil when the server needs no token (loopback without one): there is nothing to sign in to.
    let token: String?
    let sessions: BrowserSessions
    let now: @Sendable () -> Date
    /// When the server deploys: the project page then has deploy controls, following a running job.
    var deployJobs: DeployJobs? = nil

    /// Scripts and styles from this server's own files only: no inline script, no inline style,
    /// nothing from elsewhere, no framing.
    static let contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

    static let assets: [String: (path: String, contentType: String)] = [
        "pages.css": ("notify/pages/pages.css", "text/css; charset=utf-8"),
        "live.js": ("notify/pages/live.js", "text/javascript; charset=utf-8"),
    ]

    func addRoutes(to router: Router<NotifyRequestContext>) {
        router.get("/") { request, _ in try await self.index(request) }
        router.get("/projects/{guid}") { _, context in try await self.project(context: context) }
        router.get("/assets/{name}") { _, context in try self.asset(context: context) }
        router.get("/openapi.json") { _, _ in Self.openAPIDocument() }
        router.get("/signin") { request, _ in self.signInForm(request) }
        router.post("/signin") { request, context in try await self.signIn(request, context: context) }
        router.post("/signout") { request, _ in self.signOut(request) }
        router.get("/api/projects") { request, _ in try await self.projectsJSON(request) }
        router.get("/api/projects/{guid}/deployments") { request, context in try await self.deploymentsJSON(request, context: context) }
    }

    // MARK: - Pages

    func index(_ request: Request) async throws -> Response {
        let user = request.uri.queryParameters["user"].map(String.init).flatMap { $0.isEmpty ? nil : $0 }
        guard let catalog else {
            return Self.html(Pages.message(title: "Projects", text: "This store cannot list its projects; open /projects/GUID."), status: .notImplemented)
        }
        let everyone = try await catalog.projectListings(userId: nil)
        let users = Set(everyone.map(\.project.userId)).sorted()
        let listings = user.map { user in everyone.filter { $0.project.userId == user } } ?? everyone
        let summaries = try await summaries(of: listings)
        return Self.html(Pages.index(summaries: summaries, users: users, selectedUser: user))
    }

    func project(context: NotifyRequestContext) async throws -> Response {
        let guid: String
        do {
            guid = try NotifyController.guidParameter(context: context)
        } catch let error as NotifyError {
            return Self.html(Pages.message(title: "Not a project", text: error.message), status: error.status)
        }
        let project = try await store.project(guid: guid)
        let resources = try await store.resources(guid: guid)
        let deployments = try await deploymentStore?.deployments(projectId: guid, limit: Pages.deploymentsShown) ?? []
        let last = try await catalog?.lastEvent(guid: guid)?.sequence
        let events = try await store.events(guid: guid, after: last.map { max(0, $0 - Int64(Pages.eventsShown)) }, limit: Pages.eventsShown)
        guard project != nil || resources != nil || !deployments.isEmpty || !events.isEmpty else {
            return Self.html(Pages.message(title: "No such project", text: "Nothing is recorded for project \(guid)."), status: .notFound)
        }
        var view = Pages.ProjectView(
            guid: guid, project: project, resources: resources, deployments: deployments, events: events,
            lastSequence: events.last?.sequence ?? 0)
        if let deployJobs {
            let environments = Set(deployments.map(\.environmentName)).sorted()
            view.deploys = Pages.DeployControls(
                runningJob: deployJobs.jobs(projectId: guid).first(where: \.isRunning)?.id, environments: environments)
        }
        return Self.html(Pages.project(view))
    }

    func asset(context: NotifyRequestContext) throws -> Response {
        let name = try context.parameters.require("name")
        guard let asset = Self.assets[name], let data = BundledFiles.data(at: asset.path) else {
            throw NotifyError(.notFound, "no asset \(name.prefix(64)); the pages use /assets/pages.css and /assets/live.js")
        }
        return Response(
            status: .ok,
            headers: [.contentType: asset.contentType, .cacheControl: "no-cache", HTTPField.Name("X-Content-Type-Options")!: "nosniff"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// The document as committed (`notify/openapi.json`), carried in the binary.
    static func openAPIDocument() -> Response {
        let data = BundledFiles.data(at: "notify/openapi.json") ?? Data("{}".utf8)
        return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    // MARK: - Signing in

    func signInForm(_ request: Request) -> Response {
        guard token != nil else { return Self.redirect(to: "/") }
        return Self.html(Pages.signIn(next: Self.safeNext(request.uri.queryParameters["next"].map(String.init)), failed: false))
    }

    func signIn(_ request: Request, context: NotifyRequestContext) async throws -> Response {
        guard let token else { return Self.redirect(to: "/") }
        var body = ByteBuffer()
        for try await chunk in request.body {
            guard body.readableBytes + chunk.readableBytes <= 8192 else {
                throw NotifyError(.contentTooLarge, "a sign-in form is at most 8192 bytes")
            }
            var chunk = chunk
            body.writeBuffer(&chunk)
        }
        let form = Self.formFields(String(buffer: body))
        let next = Self.safeNext(form["next"])
        guard let given = form["token"], BearerTokenMiddleware<NotifyRequestContext>.constantTimeEqual(Array(given.utf8), Array(token.utf8)) else {
            return Self.html(Pages.signIn(next: next, failed: true), status: .unauthorized)
        }
        var response = Self.redirect(to: next)
        response.headers.append(HTTPField(name: .setCookie, value: sessions.cookie(sessions.start(at: now()))))
        return response
    }

    func signOut(_ request: Request) -> Response {
        if let id = BrowserSessions.sessionID(in: request.headers) { sessions.end(id) }
        var response = Self.redirect(to: token == nil ? "/" : "/signin")
        response.headers.append(HTTPField(name: .setCookie, value: sessions.cookie(nil)))
        return response
    }

    /// Where to go after signing in: a path on this server, never another site (`//host`, `https:`).
    static func safeNext(_ next: String?) -> String {
        guard let next, next.hasPrefix("/"), !next.hasPrefix("//"), !next.contains("\\"), next.count <= 512,
              next.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F })
        else { return "/" }
        return next
    }

    /// The fields of an `application/x-www-form-urlencoded` body; the first of each name wins.
    static func formFields(_ body: String) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in body.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let decode = { (text: Substring) in text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding }
            guard let name = decode(parts[0]), fields[name] == nil else { continue }
            fields[name] = parts.count == 2 ? decode(parts[1]) : ""
        }
        return fields
    }

    // MARK: - JSON

    func projectsJSON(_ request: Request) async throws -> Response {
        guard let catalog else { throw NotifyError(.notImplemented, "this store cannot list its projects") }
        let user = request.uri.queryParameters["user"].map(String.init).flatMap { $0.isEmpty ? nil : $0 }
        let summaries = try await summaries(of: catalog.projectListings(userId: user))
        return Response.json(["projects": .array(summaries.map(\.jsonValue))])
    }

    func deploymentsJSON(_ request: Request, context: NotifyRequestContext) async throws -> Response {
        let guid = try NotifyController.guidParameter(context: context)
        var limit: Int?
        if let text = request.uri.queryParameters["limit"] {
            guard let value = Int(text), value > 0 else {
                throw NotifyError(.badRequest, "\"limit\" must be a positive number")
            }
            limit = value
        }
        let records = try await deploymentStore?.deployments(projectId: guid, limit: limit) ?? []
        return Response.json(["deployments": .array(records.map(\.apiJSON))])
    }

    private func summaries(of listings: [ProjectListing]) async throws -> [ProjectSummary] {
        var summaries: [ProjectSummary] = []
        for listing in listings {
            let last = try await deploymentStore?.deployments(projectId: listing.project.guid, limit: 1).first
            summaries.append(ProjectSummary(listing: listing, lastDeployment: last))
        }
        return summaries
    }

    // MARK: - Responses

    static func html(_ page: HTML, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: pageHeaders, body: .init(byteBuffer: ByteBuffer(string: page.markup)))
    }

    static let pageHeaders: HTTPFields = [
        .contentType: "text/html; charset=utf-8",
        .contentSecurityPolicy: contentSecurityPolicy,
        .cacheControl: "no-store",
        HTTPField.Name("X-Content-Type-Options")!: "nosniff",
        HTTPField.Name("Referrer-Policy")!: "no-referrer",
        HTTPField.Name("X-Frame-Options")!: "DENY",
    ]

    static func redirect(to path: String) -> Response {
        Response(status: .seeOther, headers: [.location: path, .cacheControl: "no-store"])
    }
}
