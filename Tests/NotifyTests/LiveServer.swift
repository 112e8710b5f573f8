import AsyncHTTPClient
import Foundation
import Ledger
import Logging
import NIOCore
import NIOHTTP1
import Notify
import ServiceLifecycle

/// A `deployotron serve` application on 127.0.0.1 at a port the system picked, for one test.
struct LiveServer {
    let baseURL: String
    let group: ServiceGroup

    static let quiet: Logger = {
        var logger = Logger(label: "notify-tests")
        logger.logLevel = .critical
        return logger
    }()

    /// Starts the server, runs `body` against it, then shuts it down gracefully.
    static func with<T: Sendable>(
        store: any ResourceStore,
        configuration: NotifyServerConfiguration = NotifyServerConfiguration(port: 0),
        logger: Logger = quiet,
        deployBackend: (any DeployBackend)? = nil,
        _ body: @Sendable (LiveServer) async throws -> T
    ) async throws -> T {
        var configuration = configuration
        configuration.port = 0
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let app = try buildApplication(store: store, configuration: configuration, logger: logger, deployBackend: deployBackend) { channel in
            portContinuation.yield(channel.localAddress?.port ?? 0)
            portContinuation.finish()
        }
        let group = ServiceGroup(configuration: .init(services: [app], gracefulShutdownSignals: [], logger: quiet))
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next(), port > 0 else {
                tasks.cancelAll()
                throw NotifyTestError("the server did not report a port")
            }
            let server = LiveServer(baseURL: "http://127.0.0.1:\(port)", group: group)
            do {
                let result = try await body(server)
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
                return result
            } catch {
                await group.triggerGracefulShutdown()
                try? await tasks.waitForAll()
                throw error
            }
        }
    }

    struct Reply: Sendable {
        var status: Int
        var headers: HTTPHeaders
        var body: String

        var json: [String: Any]? {
            (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any]
        }
    }

    func request(_ path: String, method: HTTPMethod = .GET, body: String? = nil, headers: [(String, String)] = [], timeout: TimeAmount = .seconds(60)) async throws -> Reply {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(string: body)) }
        let response = try await HTTPClient.shared.execute(request, timeout: timeout)
        let bytes = try await response.body.collect(upTo: 16 << 20)
        return Reply(status: Int(response.status.code), headers: response.headers, body: String(buffer: bytes))
    }

    func post(_ body: String, contentType: String? = "application/json", headers: [(String, String)] = [], timeout: TimeAmount = .seconds(60)) async throws -> Reply {
        try await request("/notify", method: .POST, body: body, headers: (contentType.map { [("Content-Type", $0)] } ?? []) + headers, timeout: timeout)
    }
}

struct NotifyTestError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
