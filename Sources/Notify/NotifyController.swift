import Foundation
import HTTPTypes
import Hummingbird
import JSON
import Ledger
import Logging
import NIOCore

/// The endpoints of `deployotron serve`: build agents post events, clients read them back.
struct NotifyController: Sendable {
    let store: any ResourceStore
    let configuration: NotifyServerConfiguration
    let clock: any Clock<Duration>
    let now: @Sendable () -> Date
    /// Live streams woken by this server's own writes.
    let wakeups = EventWakeups()

    func addRoutes(to router: Router<NotifyRequestContext>) {
        router.get("/healthz") { _, _ in Response.json(["status": "ok"]) }
        router.post("/notify") { request, context in try await self.notify(request, context: context) }
        router.get("/api/projects/{guid}/resources") { request, context in try await self.resources(request, context: context) }
        router.get("/api/projects/{guid}/events") { request, context in try await self.events(request, context: context) }
        router.get("/api/users/{userId}/deployments") { request, context in try await self.deployments(request, context: context) }
    }

    // MARK: - POST /notify

    func notify(_ request: Request, context: NotifyRequestContext) async throws -> Response {
        // The first field of each name: HTTPFields' subscript joins every field of a name into a new string.
        let contentType = request.headers.first { $0.name == .contentType }?.value
        guard let contentType, Self.isJSONMediaType(contentType) else {
            throw NotifyError(.unsupportedMediaType, "Content-Type must be application/json, not \(request.headers[.contentType].map { "\"\($0.prefix(64))\"" } ?? "missing")")
        }
        let limit = configuration.maxBodySize
        if let length = request.headers.first(where: { $0.name == .contentLength }).flatMap({ Int($0.value) }), length > limit {
            throw NotifyError(.contentTooLarge, "the body is \(length) bytes; the limit is \(limit)")
        }
        let body = try await collectBody(request.body, limit: limit, context: context)
        let event = try NotifyEventParser.parse(body)
        let stored = try await store.record(event, at: now())
        wakeups.wake(stored.guid)
        // The hot path: the acknowledgement is written by hand rather than through an encoder.
        let guid = stored.guid.utf8.allSatisfy { $0 >= 0x20 && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") && $0 < 0x7F }
            ? "\"\(stored.guid)\"" : JSONValue.string(stored.guid).encodedString()
        let reply = ByteBuffer(string: "{\"guid\":\(guid),\"ok\":true,\"sequence\":\(stored.sequence)}\n")
        return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: reply))
    }

    /// The body, at most `limit` bytes. A body that stops arriving is answered 408 by
    /// `ClientDepartureHandler`, which closes the connection; a client that leaves mid-upload (or
    /// is cut off so) is logged at debug level, as the ordinary event it is.
    func collectBody(_ body: RequestBody, limit: Int, context: NotifyRequestContext) async throws -> ByteBuffer {
        var buffer = ByteBuffer()
        do {
            for try await chunk in body {
                guard buffer.readableBytes + chunk.readableBytes <= limit else {
                    throw NotifyError(.contentTooLarge, "the body is over the limit of \(limit) bytes")
                }
                var chunk = chunk
                buffer.writeBuffer(&chunk)
            }
            return buffer
        } catch let error as NotifyError {
            throw error
        } catch {
            context.logger.debug("the client left during its upload, or stopped sending it", metadata: ["error": "\(error)"])
            throw NotifyError(.badRequest, "the body ended before it was complete")
        }
    }

    /// Whether a Content-Type names application/json, in any case, with or without parameters.
    /// Byte by byte: Foundation's trimming cost more here than routing the request.
    static func isJSONMediaType(_ contentType: String) -> Bool {
        var bytes = contentType.utf8[...]
        if let semicolon = bytes.firstIndex(of: UInt8(ascii: ";")) {
            bytes = bytes[..<semicolon]
        }
        let isBlank: (UInt8) -> Bool = { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
        while let first = bytes.first, isBlank(first) { bytes = bytes.dropFirst() }
        while let last = bytes.last, isBlank(last) { bytes = bytes.dropLast() }
        let expected = "application/json".utf8
        guard bytes.count == expected.count else { return false }
        return zip(bytes, expected).allSatisfy { given, wanted in
            (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(given) ? given + 0x20 == wanted : given == wanted
        }
    }

    // MARK: - Reading

    /// A path parameter, percent-decoded: `/api/projects/my%2Dapp/...` names `my-app`.
    static func pathParameter(_ name: String, context: NotifyRequestContext) throws -> String {
        let raw = try context.parameters.require(name)
        guard let decoded = raw.removingPercentEncoding else {
            throw NotifyError(.badRequest, "the \(name) in the path is not valid percent-encoded UTF-8")
        }
        return decoded
    }

    /// The guid of the path, which must be one `/notify` could have accepted.
    static func guidParameter(context: NotifyRequestContext) throws -> String {
        let guid = try pathParameter("guid", context: context)
        guard ProjectGuid.isValid(guid) else {
            throw NotifyError(.badRequest, "a project's guid is \(ProjectGuid.rule); the path names none")
        }
        return guid
    }

    func resources(_ request: Request, context: NotifyRequestContext) async throws -> Response {
        let guid = try Self.guidParameter(context: context)
        guard let record = try await store.resources(guid: guid) else {
            throw NotifyError(.notFound, "no resources recorded for project \(guid)")
        }
        return Response.json(["resources": record.jsonValue])
    }

    func deployments(_ request: Request, context: NotifyRequestContext) async throws -> Response {
        let userId = try Self.pathParameter("userId", context: context)
        let records = try await store.resources(userId: userId)
        return Response.json(["projects": .array(records.map(\.jsonValue))])
    }

    func events(_ request: Request, context: NotifyRequestContext) async throws -> Response {
        let guid = try Self.guidParameter(context: context)
        let query = request.uri.queryParameters
        var after: Int64?
        if let text = query["after"] {
            guard let value = Int64(text), value >= 0 else {
                throw NotifyError(.badRequest, "\"after\" must be a non-negative event sequence number")
            }
            after = value
        }
        var limit: Int?
        if let text = query["limit"] {
            guard let value = Int(text), value > 0 else {
                throw NotifyError(.badRequest, "\"limit\" must be a positive number")
            }
            limit = value
        }
        let wantsStream = request.headers[.accept]?.lowercased().contains("text/event-stream") ?? false
        guard wantsStream else {
            let events = try await store.events(guid: guid, after: after, limit: limit)
            return Response.json(["events": .array(events.map(\.jsonValue))])
        }
        if after == nil, let lastID = request.headers[HTTPField.Name("Last-Event-ID")!] {
            after = Int64(lastID)
        }
        if after == nil {
            // A new stream starts at the end of the log: it shows what happens from now on.
            after = try await lastSequence(guid: guid)
        }
        let stream = EventStream(
            store: store, guid: guid, after: after ?? 0,
            pollInterval: configuration.eventPollInterval, keepAliveInterval: configuration.keepAliveInterval, clock: clock,
            presence: await context.clientPresence(), wakeups: wakeups)
        return Response(
            status: .ok,
            headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"],
            body: stream.body)
    }

    private func lastSequence(guid: String) async throws -> Int64 {
        var last: Int64 = 0
        while true {
            let page = try await store.events(guid: guid, after: last, limit: 1000)
            guard let tail = page.last else { return last }
            last = tail.sequence
        }
    }
}
