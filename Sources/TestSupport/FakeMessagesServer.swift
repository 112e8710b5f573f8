import Foundation
import HTTPTypes
import Hummingbird
import JSON
import Logging
import NIOCore

/// A fake Messages API on 127.0.0.1 (a real socket, a random port) that answers each request with
/// the next scripted `FakeResponse` and records what it received.
///
/// ```swift
/// try await FakeMessagesServer.with([.sse(FakeStream.text("Hello"))]) { server in
///     // point the client at server.baseURL, then:
///     let requests = await server.requests()
/// }
/// ```
///
/// Any path and method are answered from the same queue. When the queue is empty the server answers
/// 400 `invalid_request_error` "no scripted response left", which clients do not retry.
public struct FakeMessagesServer: Sendable {
    /// One request as the server received it.
    public struct RecordedRequest: Sendable {
        public var method: String
        public var path: String
        /// Header names lowercased; repeated headers joined with ", ".
        public var headers: [String: String]
        /// The body parsed as JSON; nil when it is not JSON.
        public var body: JSONValue?
        public var bodyText: String
        /// When the request's body had been read.
        public var receivedAt: ContinuousClock.Instant
        /// When the last byte of the response was written (nil while it is still streaming).
        public var finishedAt: ContinuousClock.Instant?
        /// Whether the client went away before the response was complete.
        public var clientDisconnected: Bool

        public func header(_ name: String) -> String? { headers[name.lowercased()] }
    }

    /// `http://127.0.0.1:PORT`, without a trailing slash: use it as `ANTHROPIC_BASE_URL`.
    public let baseURL: String
    let script: Script

    /// Every request received so far, in order.
    public func requests() async -> [RecordedRequest] { await script.received }

    /// Adds responses at the end of the queue.
    public func enqueue(_ responses: FakeResponse...) async { await script.enqueue(responses) }

    /// Runs `body` while the server listens, then stops it, releasing stalled responses.
    public static func with<T: Sendable>(
        _ responses: [FakeResponse], _ body: @Sendable (FakeMessagesServer) async throws -> T
    ) async throws -> T {
        let script = Script(responses)
        let router = Router()
        router.on("/**", method: .post) { request, _ in try await script.respond(to: request) }
        router.on("/**", method: .get) { request, _ in try await script.respond(to: request) }
        let port = BoundPort()
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in await port.set(channel.localAddress?.port ?? 0) },
            logger: Self.quietLogger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.runService(gracefulShutdownSignals: []) }
            let server = FakeMessagesServer(baseURL: "http://127.0.0.1:\(await port.wait())", script: script)
            let result: Result<T, any Error>
            do { result = .success(try await body(server)) } catch { result = .failure(error) }
            await script.stop()
            group.cancelAll()
            return try result.get()
        }
    }
}

// MARK: - Script

extension FakeMessagesServer {
    /// Stopping by cancellation makes Hummingbird log "Already closed"; tests need none of its logs.
    static let quietLogger: Logger = {
        var logger = Logger(label: "FakeMessagesServer")
        logger.logLevel = .critical
        return logger
    }()
}

extension FakeMessagesServer {
    /// The queue of responses and the log of requests, shared by the handlers.
    actor Script {
        private var queue: [FakeResponse]
        private(set) var received: [RecordedRequest] = []
        private(set) var stopping = false

        init(_ responses: [FakeResponse]) { queue = responses }

        func enqueue(_ responses: [FakeResponse]) { queue += responses }

        func stop() { stopping = true }

        private func next(_ request: RecordedRequest) -> (Int, FakeResponse) {
            received.append(request)
            let response = queue.isEmpty
                ? FakeResponse.error(status: 400, type: "invalid_request_error", message: "FakeMessagesServer: no scripted response left")
                : queue.removeFirst()
            return (received.count - 1, response)
        }

        private func finish(_ index: Int, disconnected: Bool) {
            received[index].finishedAt = .now
            received[index].clientDisconnected = disconnected
        }

        nonisolated func respond(to request: Request) async throws -> Response {
            let buffer = try await request.body.collect(upTo: 64 << 20)
            let text = String(buffer: buffer)
            var headers: [String: String] = [:]
            for field in request.headers {
                let name = field.name.canonicalName.lowercased()
                headers[name] = headers[name].map { $0 + ", " + field.value } ?? field.value
            }
            let recorded = RecordedRequest(
                method: request.method.rawValue, path: request.uri.path, headers: headers,
                body: try? JSONValue(parsing: text), bodyText: text, receivedAt: .now, finishedAt: nil,
                clientDisconnected: false)
            let (index, reply) = await next(recorded)
            var fields = HTTPFields()
            for (name, value) in reply.headers.sorted(by: { $0.key < $1.key }) {
                if let field = HTTPField.Name(name) { fields[field] = value }
            }
            let body = ResponseBody { writer in
                var disconnected = false
                do {
                    for chunk in reply.chunks {
                        if chunk.delay > .zero { try await Task.sleep(for: chunk.delay) }
                        try await writer.write(ByteBuffer(bytes: chunk.bytes))
                    }
                    // Stalled: keep the connection open, probing with SSE comments (which clients
                    // ignore) until a write fails because the client has gone, or the server stops.
                    while reply.stalls, await !self.stopping {
                        try await Task.sleep(for: .milliseconds(50))
                        try await writer.write(ByteBuffer(string: ": stalled\n\n"))
                    }
                    try await writer.finish(nil)
                } catch {
                    disconnected = true
                }
                await self.finish(index, disconnected: disconnected)
            }
            return Response(status: .init(code: reply.status), headers: fields, body: body)
        }
    }
}

// MARK: - Port

/// Hands the bound port from a test server's start-up callback to the code that waits for it.
public actor BoundPort {
    private var port: Int?
    private var waiters: [CheckedContinuation<Int, Never>] = []

    public init() {}

    public func set(_ value: Int) {
        port = value
        for waiter in waiters { waiter.resume(returning: value) }
        waiters = []
    }

    public func wait() async -> Int {
        if let port { return port }
        return await withCheckedContinuation { waiters.append($0) }
    }
}
