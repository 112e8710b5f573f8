import AsyncHTTPClient
import Foundation
import JSON
import NIOCore
import NIOHTTP1
import Synchronization

/// The Messages API over HTTP: `POST /v1/messages` with `stream: true`, the response body read
/// as it arrives, and the SDKs' retry rules.
///
/// A request is retried (at most `retryPolicy.maxRetries` times) on connection errors, retryable
/// statuses, and an in-stream `overloaded_error`, a malformed event or a broken stream before any
/// content was shown; each retry is announced with `StreamUpdate.retrying`. A stream that goes
/// `configuration.streamIdleTimeout` without an event is broken. Time comes from `clock` (retry
/// delays) and `idleClock` (the idle watch), and jitter from `jitter`, so tests neither wait nor guess.
public struct ClaudeClient: MessagesStreaming, ModelListing {
    public var configuration: ClaudeConfiguration
    public var retryPolicy: RetryPolicy
    /// How long one attempt, streaming included, may take.
    public var timeout: Duration
    private let httpClient: HTTPClient
    private let clock: any Clock<Duration>
    private let idleClock: any Clock<Duration>
    private let jitter: @Sendable () -> Double
    private let now: @Sendable () -> Date

    public init(
        configuration: ClaudeConfiguration,
        httpClient: HTTPClient = ClaudeClient.sharedHTTPClient,
        retryPolicy: RetryPolicy = RetryPolicy(),
        timeout: Duration = .seconds(600),
        clock: any Clock<Duration> = ContinuousClock(),
        idleClock: any Clock<Duration> = ContinuousClock(),
        jitter: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) },
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.configuration = configuration
        self.httpClient = httpClient
        self.retryPolicy = retryPolicy
        self.timeout = timeout
        self.clock = clock
        self.idleClock = idleClock
        self.jitter = jitter
        self.now = now
    }

    public func stream(_ request: MessagesRequest, onUpdate: @escaping @Sendable (StreamUpdate) -> Void) async throws -> MessageResponse {
        let body = request.encodedBody()
        var retries = 0
        while true {
            do {
                return try await attempt(body: body, onUpdate: onUpdate)
            } catch let failure as Failure {
                guard failure.retryable, retries < retryPolicy.maxRetries, !Task.isCancelled else {
                    throw Task.isCancelled ? Self.cancelled : failure.error
                }
                let delay = failure.serverDelay ?? retryPolicy.backoff(retriesSoFar: retries, jitter: jitter())
                retries += 1
                onUpdate(.retrying(attempt: retries, delay: delay, reason: failure.error.description))
                do {
                    try await clock.sleep(for: .milliseconds(Int64((delay * 1000).rounded())))
                } catch {
                    throw Self.cancelled
                }
            }
        }
    }

    /// The process-wide HTTP client for Claude: like `HTTPClient.shared`, but a connection that
    /// cannot be made fails at once (10 s connect timeout) instead of being retried silently by the
    /// pool, so the retry rules above apply and the user is told about each retry.
    public static let sharedHTTPClient: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.timeout = HTTPClient.Configuration.Timeout(connect: .seconds(10))
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()

    // MARK: - One attempt

    /// Why an attempt failed, and whether the retry rules allow another.
    private struct Failure: Error {
        var error: ClaudeError
        var retryable: Bool
        var serverDelay: Double?
    }

    private static let cancelled = ClaudeError(code: .cancelled, message: "the request was cancelled")

    /// A request to `path` with the credential and the API version.
    private func apiRequest(_ path: String) -> HTTPClientRequest {
        var http = HTTPClientRequest(url: configuration.baseURL + path)
        switch configuration.credential {
        case .apiKey(let key): http.headers.add(name: "x-api-key", value: key)
        case .authToken(let token): http.headers.add(name: "authorization", value: "Bearer \(token)")
        }
        http.headers.add(name: "anthropic-version", value: "2023-06-01")
        return http
    }

    private func attempt(body: Data, onUpdate: @escaping @Sendable (StreamUpdate) -> Void) async throws -> MessageResponse {
        var http = apiRequest("/v1/messages")
        http.method = .POST
        http.headers.add(name: "content-type", value: "application/json")
        http.headers.add(name: "accept", value: "text/event-stream")
        http.body = .bytes(ByteBuffer(bytes: body))

        let response: HTTPClientResponse
        do {
            response = try await httpClient.execute(http, timeout: .nanoseconds(timeout.nanoseconds))
        } catch {
            if Task.isCancelled { throw Self.cancelled }
            throw Failure(error: connectionError(error), retryable: true)
        }
        let header = { (name: String) in response.headers.first(name: name) }
        let requestID = header("request-id")
        guard (200..<300).contains(Int(response.status.code)) else {
            let status = Int(response.status.code)
            let text = (try? await response.body.collect(upTo: 1 << 20)).map { String(buffer: $0) } ?? ""
            let error = Self.apiError(status: status, body: text, requestID: requestID, reason: response.status.reasonPhrase)
            let retryable = retryPolicy.shouldRetry(status: status, header: header)
            throw Failure(
                error: ClaudeError(code: .http, status: status, errorType: error.type, message: error.message, requestID: requestID, isRetryable: retryable),
                retryable: retryable, serverDelay: retryPolicy.serverDelay(header: header, now: now()))
        }

        return try await read(response, requestID: requestID, onUpdate: onUpdate)
    }

    /// Reads the event stream of a 200 response, watched for idleness: no event (a `ping` counts)
    /// for `configuration.streamIdleTimeout` abandons it as broken.
    private func read(_ response: HTTPClientResponse, requestID: String?, onUpdate: @escaping @Sendable (StreamUpdate) -> Void) async throws -> MessageResponse {
        let watch = StreamWatch()
        let idle = configuration.streamIdleTimeout
        let idleClock = self.idleClock
        let result = try await withThrowingTaskGroup(of: MessageResponse?.self) { group in
            group.addTask {
                var accumulator = StreamAccumulator(requestID: requestID)
                var decoder = ServerSentEventDecoder()
                do {
                    for try await chunk in response.body {
                        for event in decoder.feed(chunk.readableBytesView) {
                            watch.sawEvent()
                            let updates = try accumulator.consume(event)
                            if accumulator.hasContent { watch.sawContent() }
                            for update in updates { onUpdate(update) }
                        }
                    }
                    for event in decoder.finish() {
                        for update in try accumulator.consume(event) { onUpdate(update) }
                    }
                    return try accumulator.response()
                } catch let error as ClaudeError {
                    if Task.isCancelled { throw Self.cancelled }
                    throw Failure(error: error, retryable: error.isRetryable && !accumulator.hasContent)
                } catch {
                    if Task.isCancelled { throw Self.cancelled }
                    let broken = ClaudeError(
                        code: .brokenStream,
                        message: "the connection broke while the answer was streaming (the API had answered): \(error)",
                        requestID: requestID, isRetryable: true)
                    throw Failure(error: broken, retryable: !accumulator.hasContent)
                }
            }
            group.addTask {
                try await watch.waitForSilence(of: idle, on: idleClock)
                return nil
            }
            defer { group.cancelAll() }
            return try await group.next() ?? nil
        }
        if let result { return result }
        let seconds = Double(idle.components.seconds) + Double(idle.components.attoseconds) / 1e18
        let error = ClaudeError(
            code: .brokenStream,
            message: "the API answered, then sent nothing for \(String(format: "%g", seconds))s; the stream was abandoned as broken",
            requestID: requestID, isRetryable: true)
        throw Failure(error: error, retryable: !watch.hasContent)
    }

    // MARK: - Models

    /// The models the API offers (`GET /v1/models`, every page), newest first as the API lists them.
    public func models() async throws -> [ModelInfo] {
        var models: [ModelInfo] = []
        var after: String?
        for _ in 0..<10 {
            var http = apiRequest("/v1/models?limit=100" + (after.map { "&after_id=\($0)" } ?? ""))
            http.method = .GET
            let response: HTTPClientResponse
            do {
                response = try await httpClient.execute(http, timeout: .seconds(30))
            } catch {
                if Task.isCancelled { throw Self.cancelled }
                throw connectionError(error)
            }
            let requestID = response.headers.first(name: "request-id")
            let text = (try? await response.body.collect(upTo: 8 << 20)).map { String(buffer: $0) } ?? ""
            let status = Int(response.status.code)
            guard (200..<300).contains(status) else {
                let error = Self.apiError(status: status, body: text, requestID: requestID, reason: response.status.reasonPhrase)
                throw ClaudeError(code: .http, status: status, errorType: error.type, message: error.message, requestID: requestID)
            }
            guard let page = try? JSONValue(parsing: text), let data = page["data"]?.arrayValue else {
                throw ClaudeError(code: .malformedResponse, message: "GET /v1/models did not answer with a list of models", requestID: requestID)
            }
            models += data.compactMap(ModelInfo.init(wireValue:))
            guard page["has_more"]?.boolValue == true, let last = page["last_id"]?.stringValue else { break }
            after = last
        }
        return models
    }

    private func connectionError(_ error: any Error) -> ClaudeError {
        ClaudeError(
            code: .connection,
            message: "could not reach \(configuration.baseURL): \(String(describing: error)); check your network or ANTHROPIC_BASE_URL",
            isRetryable: true)
    }

    /// The API's error type and message from an error body (`{"type":"error","error":{…}}`).
    static func apiError(status: Int, body: String, requestID: String?, reason: String) -> (type: String?, message: String) {
        if let value = try? JSONValue(parsing: body), let error = value["error"] {
            let message = error["message"]?.stringValue ?? reason
            return (error["type"]?.stringValue, message)
        }
        let trimmed = body.trimmingCharacters(in: .whitespacesAndNewlines)
        return (nil, trimmed.isEmpty ? reason : String(trimmed.prefix(300)))
    }
}

/// What the idle watch of one stream sees: whether events keep coming, and whether any content came.
private final class StreamWatch: Sendable {
    private let state = Mutex((events: 0, content: false))

    func sawEvent() { state.withLock { $0.events += 1 } }
    func sawContent() { state.withLock { $0.content = true } }
    var hasContent: Bool { state.withLock { $0.content } }

    /// Returns once no event has arrived for `idle` (checked in quarters of it); throws when cancelled.
    func waitForSilence(of idle: Duration, on clock: any Clock<Duration>) async throws {
        var seen = state.withLock { $0.events }
        var quietNaps = 0
        while quietNaps < 4 {
            try await clock.sleep(for: idle / 4)
            let now = state.withLock { $0.events }
            quietNaps = now == seen ? quietNaps + 1 : 0
            seen = now
        }
    }
}

extension Duration {
    fileprivate var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
