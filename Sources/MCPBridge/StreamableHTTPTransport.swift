import AsyncHTTPClient
import Claude
import Foundation
import JSON
import Logging
import MCP
import NIOCore
import NIOHTTP1

/// MCP's streamable HTTP transport (2025-03-26 and later), client side, on AsyncHTTPClient.
///
/// Each outgoing message is a POST to the endpoint. A JSON answer is one incoming message; a
/// `text/event-stream` answer is read as it arrives, each event's data one message, so progress
/// notifications reach the client before the result; 202 (a notification or a response was
/// accepted) is none. The session id the server gives with its `initialize` answer, and the
/// protocol version that answer settles, go on every later request; `disconnect` ends the session
/// with DELETE and shuts the HTTP client down.
///
/// The SDK's `HTTPClientTransport` runs on URLSession, which cannot stream server-sent events on
/// Linux: it would hand over a tool call's answer only once the whole stream had ended, as one blob.
///
/// Errors are one line: what the server answered (status and a short excerpt of the body), never a
/// header value, since configured headers often carry tokens. `onLost` is told, once, when the
/// server can no longer be reached or has ended the session, so the session can stop offering its
/// tools.
actor StreamableHTTPTransport: Transport {
    nonisolated let logger: Logger
    let endpoint: URL
    /// The configured headers (`headers` in `.mcp.json`): sent as they are, never shown.
    private let headers: [String: String]
    private let connectTimeout: TimeAmount
    private let onLost: @Sendable (String) -> Void
    private let stream: AsyncThrowingStream<Data, any Error>
    private let continuation: AsyncThrowingStream<Data, any Error>.Continuation
    private var http: HTTPClient?
    private var closed = false
    private var lost = false
    private(set) var sessionID: String?
    /// The version `initialize` settled on, sent as `MCP-Protocol-Version` from then on.
    private(set) var protocolVersion: String?
    /// The POSTs in flight, cancelled by `disconnect`.
    private var inFlight: [UUID: Task<Void, any Error>] = [:]

    init(endpoint: URL, headers: [String: String] = [:], connectTimeout: Duration = .seconds(10), onLost: @escaping @Sendable (String) -> Void = { _ in }) {
        self.endpoint = endpoint
        self.headers = headers
        self.connectTimeout = .milliseconds(Int64(connectTimeout / .milliseconds(1)))
        self.onLost = onLost
        self.logger = Logger(label: "deployotron.mcp.http", factory: { _ in SwiftLogNoOpLogHandler() })
        (stream, continuation) = AsyncThrowingStream.makeStream(of: Data.self)
    }

    /// Where errors say the server is: scheme, host, port and path, never a query (which may hold a key).
    nonisolated var place: String {
        var components = URLComponents(url: endpoint, resolvingAgainstBaseURL: false)
        components?.query = nil
        components?.fragment = nil
        components?.user = nil
        components?.password = nil
        return components?.string ?? endpoint.host ?? "the server"
    }

    func connect() async throws {
        guard http == nil, !closed else { return }
        var configuration = HTTPClient.Configuration()
        // A server that is down fails the request at once instead of being retried by the pool.
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.timeout = HTTPClient.Configuration.Timeout(connect: connectTimeout)
        http = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }

    /// Cancels what is in flight, ends the session (DELETE, best effort) and shuts the client down.
    func disconnect() async {
        guard !closed else { return }
        closed = true
        continuation.finish(throwing: MCPBridgeError(.serverDown, "disconnected"))
        for task in inFlight.values { task.cancel() }
        inFlight = [:]
        guard let http else { return }
        if sessionID != nil {
            if let response = try? await http.execute(request(method: .DELETE), timeout: .seconds(2)) {
                _ = try? await response.body.collect(upTo: 1 << 16)
            }
        }
        try? await http.shutdown()
        self.http = nil
    }

    func receive() -> AsyncThrowingStream<Data, any Error> {
        stream
    }

    /// POSTs `data` and delivers what the server answers, until its answer has ended.
    func send(_ data: Data) async throws {
        guard let http, !closed else { throw MCPBridgeError(.serverDown, "the connection to \(place) is closed") }
        let id = UUID()
        let task = Task { try await self.post(data, with: http) }
        inFlight[id] = task
        defer { inFlight[id] = nil }
        try await withTaskCancellationHandler {
            try await task.value
        } onCancel: {
            task.cancel()
        }
    }

    // MARK: - One POST

    private func post(_ data: Data, with http: HTTPClient) async throws {
        let outgoing = try? JSONValue(parsing: data)
        let isInitialize = outgoing?["method"]?.stringValue == "initialize"
        // A request (a method and an id) expects an answer carrying that id.
        let requestID = outgoing?["method"] != nil ? outgoing?["id"] : nil

        var request = request(method: .POST)
        request.headers.replaceOrAdd(name: "Accept", value: "application/json, text/event-stream")
        request.headers.replaceOrAdd(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(bytes: data))

        let response: HTTPClientResponse
        do {
            response = try await http.execute(request, deadline: .distantFuture)
        } catch {
            throw unreachable(error)
        }
        if let given = response.headers.first(name: "Mcp-Session-Id"), !given.isEmpty, isInitialize || sessionID == nil {
            sessionID = given
        }
        let status = Int(response.status.code)
        guard (200..<300).contains(status) else {
            let excerpt = Self.excerpt(try? await response.body.collect(upTo: 1 << 16))
            if status == 404, sessionID != nil, !isInitialize {
                let error = MCPBridgeError(.serverDown, "\(place) ended the session (404 Not Found for its session id); restart deployotron to start a new one", status: status)
                loseServer(error.message)
                throw error
            }
            throw MCPBridgeError(.callFailed, "\(place) answered \(status) \(response.status.reasonPhrase)" + (excerpt.isEmpty ? "" : ": \(excerpt)"), status: status)
        }
        if status == 202 {
            _ = try? await response.body.collect(upTo: 1 << 16)
            return
        }

        let contentType = response.headers.first(name: "Content-Type")?.lowercased() ?? ""
        var answered = false
        func deliver(_ message: Data) {
            guard !message.isEmpty else { return }
            if let requestID, let incoming = try? JSONValue(parsing: message), incoming["id"] == requestID,
               incoming["method"] == nil {
                answered = true
                if isInitialize, let version = incoming["result"]?["protocolVersion"]?.stringValue {
                    protocolVersion = version
                }
            }
            continuation.yield(message)
        }
        do {
            if contentType.hasPrefix("text/event-stream") {
                var decoder = ServerSentEventDecoder()
                for try await chunk in response.body {
                    for event in decoder.feed(chunk.readableBytesView) where event.event == nil || event.event == "message" {
                        deliver(Data(event.data.utf8))
                    }
                }
                for event in decoder.finish() where event.event == nil || event.event == "message" {
                    deliver(Data(event.data.utf8))
                }
            } else if contentType.hasPrefix("application/json") {
                let body = try await response.body.collect(upTo: 64 << 20)
                deliver(Data(body.readableBytesView))
            } else {
                let body = try await response.body.collect(upTo: 1 << 16)
                // Some servers accept a notification with an empty 200 rather than 202.
                if requestID == nil && body.readableBytes == 0 { return }
                let excerpt = Self.excerpt(body)
                let type = contentType.isEmpty ? "no content type" : "content type \(contentType.prefix(60))"
                throw MCPBridgeError(.callFailed, "\(place) answered \(status) with \(type), neither JSON nor an event stream" + (excerpt.isEmpty ? "" : ": \(excerpt)"), status: status)
            }
        } catch let error as MCPBridgeError {
            throw error
        } catch {
            throw unreachable(error, midAnswer: true)
        }
        if requestID != nil && !answered {
            throw MCPBridgeError(.callFailed, "\(place) ended its answer without a result", status: status)
        }
    }

    /// A request with the configured headers, then the session's.
    private func request(method: HTTPMethod) -> HTTPClientRequest {
        var request = HTTPClientRequest(url: endpoint.absoluteString)
        request.method = method
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) { request.headers.replaceOrAdd(name: name, value: value) }
        if let sessionID { request.headers.replaceOrAdd(name: "Mcp-Session-Id", value: sessionID) }
        if let protocolVersion { request.headers.replaceOrAdd(name: "MCP-Protocol-Version", value: protocolVersion) }
        return request
    }

    /// The error for a request that got no answer; tells `onLost` when the server is gone
    /// (not when the request was cancelled or the transport closed).
    private func unreachable(_ error: any Error, midAnswer: Bool = false) -> any Error {
        if error is CancellationError || Task.isCancelled || closed { return CancellationError() }
        if let error = error as? HTTPClientError, error == .cancelled || error == .alreadyShutdown { return CancellationError() }
        let reason = "\(place) \(midAnswer ? "broke off its answer" : "does not answer"): \(Self.describe(error))"
        loseServer(reason)
        return MCPBridgeError(.serverDown, reason)
    }

    private func loseServer(_ reason: String) {
        guard !lost, !closed else { return }
        lost = true
        onLost(reason)
    }

    // MARK: - Words

    /// A connection error in a few words.
    static func describe(_ error: any Error) -> String {
        switch error {
        case let error as HTTPClientError where error == .connectTimeout: return "no connection within the connect timeout"
        case let error as HTTPClientError where error == .remoteConnectionClosed: return "it closed the connection"
        case let error as HTTPClientError where error == .readTimeout: return "it stopped sending"
        case let error as HTTPParserError where error == .invalidEOFState: return "the connection closed early"
        case let error as IOError:
            return String(cString: strerror(error.errnoCode)).lowercased()
        default:
            return String(String(describing: error).prefix(160))
        }
    }

    /// The first 200 characters of a body, on one line.
    static func excerpt(_ body: ByteBuffer?) -> String {
        guard let body else { return "" }
        let text = String(decoding: body.readableBytesView.prefix(4096), as: UTF8.self)
        let line = text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        return line.count > 200 ? String(line.prefix(200)) + "…" : line
    }
}
