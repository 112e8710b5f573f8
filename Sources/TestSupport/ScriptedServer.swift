import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// A real HTTP server on 127.0.0.1 that answers requests from a script and remembers what it got,
/// for the behaviour moto cannot produce on demand (throttling, 5xx, odd error bodies).
public actor ScriptedServer {
    public struct Reply: Sendable {
        public var status: Int
        public var headers: [String: String]
        public var body: String

        public init(status: Int, headers: [String: String] = [:], body: String) {
            self.status = status
            self.headers = headers
            self.body = body
        }
    }

    public struct Received: Sendable {
        public var method: String
        public var path: String
        public var headers: [(name: String, value: String)]
        public var body: String

        public func header(_ name: String) -> String? {
            headers.first { $0.name.lowercased() == name.lowercased() }?.value
        }
    }

    private var replies: [Reply]
    public private(set) var received: [Received] = []

    public init(replies: [Reply]) {
        self.replies = replies
    }

    func next(_ request: Received) -> Reply {
        received.append(request)
        return replies.isEmpty ? Reply(status: 200, body: "{}") : replies.removeFirst()
    }

    /// Runs `body` with the server's base URL while it listens, then stops it.
    public static func with<T: Sendable>(
        _ replies: [Reply], _ body: @Sendable (ScriptedServer, String) async throws -> T
    ) async throws -> T {
        let server = ScriptedServer(replies: replies)
        let router = Router()
        let handler: @Sendable (Request, BasicRequestContext) async throws -> Response = { request, _ in
            let buffer = try await request.body.collect(upTo: 1 << 20)
            // HTTP/1 `Host` arrives as the authority, not among the header fields.
            let headers = [(name: "host", value: request.head.authority ?? "")] + request.headers.map { (name: $0.name.canonicalName, value: $0.value) }
            let reply = await server.next(Received(
                method: request.method.rawValue, path: request.uri.path, headers: headers, body: String(buffer: buffer)))
            var fields = HTTPFields()
            for (name, value) in reply.headers {
                if let field = HTTPField.Name(name) { fields[field] = value }
            }
            return Response(status: .init(code: reply.status), headers: fields, body: .init(byteBuffer: ByteBuffer(string: reply.body)))
        }
        for path in ["/", "/**"] {
            router.post(RouterPath(path), use: handler)
            router.get(RouterPath(path), use: handler)
            router.put(RouterPath(path), use: handler)
            router.delete(RouterPath(path), use: handler)
            router.head(RouterPath(path), use: handler)
        }
        var logger = Logger(label: "scripted-server")
        logger.logLevel = .critical
        let port = BoundPort()
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in await port.set(channel.localAddress?.port ?? 0) }, logger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.runService(gracefulShutdownSignals: []) }
            let bound = await port.wait()
            defer { group.cancelAll() }
            return try await body(server, "http://127.0.0.1:\(bound)")
        }
    }
}

