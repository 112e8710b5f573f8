import Foundation
import HTTPTypes
import Hummingbird
import JSON
import Ledger
import NIOCore
import ServiceLifecycle

/// The deploy API of `deployotron serve`: start a deploy or a rollback and follow it as a stream,
/// and list, read, stop, restart and remove deployments. Behind the same token rule as every other
/// route; a write from another site's page is refused (`SameOrigin`).
struct DeployController: Sendable {
    let jobs: DeployJobs
    let configuration: NotifyServerConfiguration
    let clock: any Clock<Duration>

    var backend: any DeployBackend { jobs.backend }

    func addRoutes(to router: Router<NotifyRequestContext>) {
        router.post("/api/projects/{guid}/deploy") { request, context in try await self.deploy(request, context: context) }
        router.post("/api/projects/{guid}/rollback") { request, context in try await self.rollback(request, context: context) }
        router.get("/api/jobs") { request, _ in try self.jobList(request) }
        router.get("/api/jobs/{jobId}") { _, context in try Response.json(["job": self.job(context).jsonValue]) }
        router.get("/api/jobs/{jobId}/events") { request, context in try await self.jobEvents(request, context: context) }
        router.post("/api/jobs/{jobId}/cancel") { request, context in try self.cancel(request, context: context) }
        router.get("/api/deployments") { request, _ in try await self.deployments(request) }
        router.get("/api/deployments/{deploymentId}") { _, context in try await self.deployment(context: context) }
        router.get("/api/deployments/{deploymentId}/logs") { request, context in try await self.logs(request, context: context) }
        router.post("/api/deployments/{deploymentId}/stop") { request, context in
            try await self.change(request, context: context) { try await $0.stop(deploymentId: $1) }
        }
        router.post("/api/deployments/{deploymentId}/restart") { request, context in
            try await self.change(request, context: context) { try await $0.restart(deploymentId: $1) }
        }
        router.delete("/api/deployments/{deploymentId}") { request, context in
            try await self.change(request, context: context) { try await $0.remove(deploymentId: $1) }
        }
    }

    // MARK: - Starting jobs

    func deploy(_ request: Request, context: NotifyRequestContext) async throws -> Response {
        try SameOrigin.check(request, tokenRequired: configuration.token != nil)
        let guid = try NotifyController.guidParameter(context: context)
        guard let body = try await jsonBody(request, context: context) else {
            throw NotifyError(.badRequest, "the body is empty; send {\"source\": {\"path\": \"/absolute/folder\"}} (see /openapi.json)")
        }
        let job = try jobs.startDeploy(try DeployJobRequest.parse(body), project: guid)
        return try await answer(job, request: request, context: context)
    }

    func rollback(_ request: Request, context: NotifyRequestContext) async throws -> Response {
        try SameOrigin.check(request, tokenRequired: configuration.token != nil)
        let guid = try NotifyController.guidParameter(context: context)
        let body = try await jsonBody(request, context: context) ?? .object([:])
        let job = try jobs.startRollback(try RollbackJobRequest.parse(body), project: guid)
        return try await answer(job, request: request, context: context)
    }

    /// Once the job holds its lock: its stream from the first event, or (`Accept: application/json`)
    /// a 202 naming it. A job refused before that is answered with the refusal, and forgotten.
    func answer(_ job: DeployJob, request: Request, context: NotifyRequestContext) async throws -> Response {
        if let refusal = await job.decided() {
            jobs.discard(job)
            throw refusal
        }
        let accept = request.headers[.accept]?.lowercased() ?? ""
        if accept.contains("application/json"), !accept.contains("text/event-stream") {
            var response = Response.json(["job": job.jsonValue], status: .accepted)
            response.headers[.location] = "/api/jobs/\(job.id)"
            return response
        }
        return await stream(job, after: 0, context: context, retry: false)
    }

    /// The body as JSON, at most `maxBodySize`; nil when there is none.
    func jsonBody(_ request: Request, context: NotifyRequestContext) async throws -> JSONValue? {
        let limit = configuration.maxBodySize
        var buffer = ByteBuffer()
        do {
            for try await chunk in request.body {
                guard buffer.readableBytes + chunk.readableBytes <= limit else {
                    throw NotifyError(.contentTooLarge, "the body is over the limit of \(limit) bytes")
                }
                var chunk = chunk
                buffer.writeBuffer(&chunk)
            }
        } catch let error as NotifyError {
            throw error
        } catch {
            throw NotifyError(.badRequest, "the body ended before it was complete")
        }
        guard buffer.readableBytes > 0 else { return nil }
        let contentType = request.headers.first { $0.name == .contentType }?.value
        guard let contentType, NotifyController.isJSONMediaType(contentType) else {
            throw NotifyError(.unsupportedMediaType, "Content-Type must be application/json, not \(request.headers[.contentType].map { "\"\($0.prefix(64))\"" } ?? "missing")")
        }
        do {
            return try JSONValue(parsing: String(buffer: buffer))
        } catch {
            throw NotifyError(.badRequest, "the body is not valid JSON")
        }
    }

    // MARK: - Following jobs

    func job(_ context: NotifyRequestContext) throws -> DeployJob {
        let id = try NotifyController.pathParameter("jobId", context: context)
        guard let job = jobs.job(id) else {
            throw NotifyError(.notFound, "no job \(id.prefix(64)) on this server: jobs are kept in memory for an hour after they end, and a restart forgets them; GET /api/deployments has what they recorded")
        }
        return job
    }

    func jobList(_ request: Request) throws -> Response {
        let project = request.uri.queryParameters["project"].map(String.init)
        if let project, !ProjectGuid.isValid(project) {
            throw NotifyError(.badRequest, "\"project\" is a project's guid: \(ProjectGuid.rule)")
        }
        return Response.json(["jobs": .array(jobs.jobs(projectId: project).map(\.jsonValue))])
    }

    func jobEvents(_ request: Request, context: NotifyRequestContext) async throws -> Response {
        let job = try job(context)
        var after = 0
        if let text = request.uri.queryParameters["after"] {
            guard let value = Int(text), value >= 0 else {
                throw NotifyError(.badRequest, "\"after\" must be a non-negative event id")
            }
            after = value
        } else if let text = request.headers[HTTPField.Name("Last-Event-ID")!], let value = Int(text.trimmingCharacters(in: .whitespaces)), value >= 0 {
            after = value
        }
        return await stream(job, after: after, context: context, retry: true)
    }

    func cancel(_ request: Request, context: NotifyRequestContext) throws -> Response {
        try SameOrigin.check(request, tokenRequired: configuration.token != nil)
        let job = try job(context)
        guard job.isRunning else {
            throw NotifyError(.conflict, "job \(job.id) has already ended (\(job.state.rawValue))")
        }
        job.task?.cancel()
        var response = Response.json(["job": job.jsonValue], status: .accepted)
        response.headers[.location] = "/api/jobs/\(job.id)"
        return response
    }

    /// The job's events after `after` as Server-Sent Events, until its outcome. It ends early when
    /// the client leaves (the job goes on) or the server shuts down; a client reconnects with
    /// `Last-Event-ID` to `GET /api/jobs/{id}/events`.
    func stream(_ job: DeployJob, after: Int, context: NotifyRequestContext, retry: Bool) async -> Response {
        let presence = await context.clientPresence()
        let keepAlive = configuration.keepAliveInterval
        let clock = self.clock
        let body = ResponseBody { writer in
            if retry { try await writer.write(ByteBuffer(string: "retry: 1000\n\n")) }
            var last = after
            do {
                while true {
                    let from = last
                    let batch = try await cancelWhenGracefulShutdown {
                        try await Self.next(of: job, after: from, presence: presence, keepAlive: keepAlive, clock: clock)
                    }
                    guard let batch else {
                        try await writer.write(ByteBuffer(string: ": keep-alive\n\n"))
                        continue
                    }
                    if let tail = batch.events.last {
                        try await writer.write(ByteBuffer(string: batch.events.map(\.frame).joined()))
                        last = tail.id
                    }
                    if batch.finished { break }
                }
            } catch is CancellationError {
                // The client left, or the server is shutting down: the job goes on either way.
            }
            guard !presence.hasLeft else { return }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"], body: body)
    }

    /// The next events of `job`; nil after `keepAlive` without any. Throws `CancellationError` when the client leaves.
    static func next(of job: DeployJob, after: Int, presence: ClientPresence, keepAlive: Duration, clock: any Clock<Duration>) async throws -> DeployJob.Batch? {
        try await withThrowingTaskGroup(of: DeployJob.Batch?.self) { group in
            group.addTask { await job.events(after: after) }
            group.addTask {
                _ = try await presence.sleep(for: keepAlive, clock: clock)
                return nil
            }
            defer { group.cancelAll() }
            return try await group.next() ?? nil
        }
    }

    // MARK: - Deployments

    func deployments(_ request: Request) async throws -> Response {
        let query = request.uri.queryParameters
        var deploymentQuery = DeploymentQuery(limit: 50)
        if let project = query["project"].map(String.init) {
            guard ProjectGuid.isValid(project) else {
                throw NotifyError(.badRequest, "\"project\" is a project's guid: \(ProjectGuid.rule)")
            }
            deploymentQuery.projectId = project
        }
        if let environment = query["environment"].map(String.init) {
            deploymentQuery.environment = try DeployJobRequest.optionalString(.string(environment), named: "environment", limit: 64)
        }
        if let text = query["limit"] {
            guard let value = Int(text), (1...1000).contains(value) else {
                throw NotifyError(.badRequest, "\"limit\" must be a number from 1 to 1000")
            }
            deploymentQuery.limit = value
        }
        let records = try await backend.deployments(deploymentQuery)
        return Response.json(["deployments": .array(records.map(\.apiJSON))])
    }

    func deploymentID(_ context: NotifyRequestContext) throws -> String {
        let id = try NotifyController.pathParameter("deploymentId", context: context)
        guard DeploymentPath.isValidID(id) else {
            throw NotifyError(.badRequest, "a deployment id is letters, digits, '-' and '_' (an id or a prefix of at least 4 characters)")
        }
        return id
    }

    func deployment(context: NotifyRequestContext) async throws -> Response {
        let detail = try await backend.deployment(id: try deploymentID(context))
        var object: [String: JSONValue] = ["deployment": detail.deployment.apiJSON, "live": .bool(detail.live)]
        if let container = detail.container { object["container"] = .string(container) }
        if let health = detail.health { object["health"] = .string(health) }
        return Response.json(.object(object))
    }

    /// The deployment's last log lines as JSON; with `follow=true` (or `Accept: text/event-stream`
    /// and no `follow`), a stream of them that goes on until the client leaves (`FollowedLog`).
    func logs(_ request: Request, context: NotifyRequestContext) async throws -> Response {
        let query = request.uri.queryParameters
        var logsRequest = DeploymentLogsRequest(deploymentId: try deploymentID(context))
        if let text = query["tail"] {
            guard let value = Int(text), (1...5000).contains(value) else {
                throw NotifyError(.badRequest, "\"tail\" must be a number of lines from 1 to 5000")
            }
            logsRequest.tail = value
        }
        logsRequest.since = try Self.logParameter(query["since"].map(String.init), named: "since", limit: 64)
        logsRequest.filter = try Self.logParameter(query["filter"].map(String.init), named: "filter", limit: 512)
        let follow: Bool
        switch query["follow"].map({ $0.lowercased() }) {
        case nil: follow = request.headers[.accept]?.lowercased().contains("text/event-stream") ?? false
        case "true", "1": follow = true
        case "false", "0": follow = false
        default: throw NotifyError(.badRequest, "\"follow\" is true or false")
        }
        guard follow else {
            return Response.json(try await backend.logs(logsRequest).jsonValue)
        }
        return try await FollowedLog.response(
            logsRequest, backend: backend, presence: await context.clientPresence(),
            keepAlive: configuration.keepAliveInterval, clock: clock)
    }

    /// `since` or `filter`: nil when empty, at most `limit` characters, one line.
    static func logParameter(_ text: String?, named name: String, limit: Int) throws -> String? {
        guard let text, !text.trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
        guard text.count <= limit, !text.contains(where: \.isNewline) else {
            throw NotifyError(.badRequest, "\"\(name)\" must be one line of at most \(limit) characters")
        }
        return text
    }

    /// Stop, restart or remove: one deployment, answered with what it is now.
    func change(
        _ request: Request, context: NotifyRequestContext,
        _ action: @Sendable (any DeployBackend, String) async throws -> DeploymentRecord
    ) async throws -> Response {
        try SameOrigin.check(request, tokenRequired: configuration.token != nil)
        let record = try await action(backend, try deploymentID(context))
        return Response.json(["deployment": record.apiJSON])
    }
}

extension DeploymentLogs {
    /// `GET /api/deployments/{id}/logs`: what `get_logs` returns, in the API's names.
    var jsonValue: JSONValue {
        var object: [String: JSONValue] = [
            "deploymentId": .string(deploymentId), "source": .string(source), "lines": .array(lines.map(JSONValue.string)),
        ]
        if let note { object["note"] = .string(note) }
        return .object(object)
    }
}
