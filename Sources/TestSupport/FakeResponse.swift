import JSON

/// One scripted answer of `FakeMessagesServer`: a status, headers, and a body sent in chunks.
///
/// Chunks are written one at a time, each after its delay, so a client sees the stream arrive the
/// way the real API sends it. `stalls` keeps the response open after the last chunk until the
/// client goes away (or the server stops), for Ctrl-C and cancellation tests.
public struct FakeResponse: Sendable {
    /// A piece of the body, written after waiting `delay`.
    public struct Chunk: Sendable {
        public var delay: Duration
        public var bytes: [UInt8]

        public init(_ text: String, after delay: Duration = .zero) {
            self.delay = delay
            self.bytes = Array(text.utf8)
        }

        public init(bytes: [UInt8], after delay: Duration = .zero) {
            self.delay = delay
            self.bytes = bytes
        }
    }

    public var status: Int
    /// Response headers, such as `request-id`, `retry-after`, `retry-after-ms`, `x-should-retry`.
    public var headers: [String: String]
    public var chunks: [Chunk]
    /// Keep the response open after the last chunk until the client disconnects.
    public var stalls: Bool

    public init(status: Int, headers: [String: String] = [:], chunks: [Chunk], stalls: Bool = false) {
        self.status = status
        self.headers = headers
        self.chunks = chunks
        self.stalls = stalls
    }

    /// A 200 `text/event-stream` response carrying `sse` (build it with `FakeStream`).
    /// `chunkSize` splits the body into pieces of that many bytes, written `delay` apart.
    public static func sse(
        _ sse: String, requestID: String? = "req_fake", headers: [String: String] = [:],
        chunkSize: Int? = nil, delay: Duration = .zero, stalls: Bool = false
    ) -> FakeResponse {
        var all = headers
        all["content-type"] = all["content-type"] ?? "text/event-stream; charset=utf-8"
        if let requestID { all["request-id"] = requestID }
        let bytes = Array(sse.utf8)
        var chunks: [Chunk] = []
        if let chunkSize, chunkSize > 0 {
            var start = 0
            while start < bytes.count {
                let end = min(start + chunkSize, bytes.count)
                chunks.append(Chunk(bytes: Array(bytes[start..<end]), after: start == 0 ? .zero : delay))
                start = end
            }
        } else {
            chunks = [Chunk(bytes: bytes)]
        }
        return FakeResponse(status: 200, headers: all, chunks: chunks, stalls: stalls)
    }

    /// A 200 `text/event-stream` response whose body is the given pieces, each written after `delay`.
    public static func sse(
        pieces: [String], requestID: String? = "req_fake", headers: [String: String] = [:],
        delay: Duration = .zero, stalls: Bool = false
    ) -> FakeResponse {
        var all = headers
        all["content-type"] = all["content-type"] ?? "text/event-stream; charset=utf-8"
        if let requestID { all["request-id"] = requestID }
        let chunks = pieces.enumerated().map { Chunk($0.element, after: $0.offset == 0 ? .zero : delay) }
        return FakeResponse(status: 200, headers: all, chunks: chunks, stalls: stalls)
    }

    /// An API error response: `{"type":"error","error":{"type":…,"message":…}}` with `status`.
    /// Add `retry-after`, `retry-after-ms` or `x-should-retry` through `headers`.
    public static func error(
        status: Int, type: String, message: String, requestID: String? = "req_fake_error",
        headers: [String: String] = [:]
    ) -> FakeResponse {
        var all = headers
        all["content-type"] = "application/json"
        if let requestID { all["request-id"] = requestID }
        let body: JSONValue = ["type": "error", "error": ["type": .string(type), "message": .string(message)]]
        return FakeResponse(status: status, headers: all, chunks: [Chunk(body.encodedString())])
    }

    /// A 200 JSON response.
    public static func json(_ value: JSONValue, status: Int = 200, requestID: String? = "req_fake_json") -> FakeResponse {
        var headers = ["content-type": "application/json"]
        if let requestID { headers["request-id"] = requestID }
        return FakeResponse(status: status, headers: headers, chunks: [Chunk(value.encodedString())])
    }

    /// `GET /v1/models`'s answer: one page listing `ids`.
    public static func models(_ ids: [String]) -> FakeResponse {
        json([
            "data": .array(ids.map { ["type": "model", "id": .string($0), "display_name": .string($0), "created_at": "2026-07-01T00:00:00Z"] }),
            "has_more": false, "first_id": ids.first.map(JSONValue.string) ?? .null, "last_id": ids.last.map(JSONValue.string) ?? .null,
        ])
    }

    /// The 400 the API answers when the request does not fit the model's context window.
    public static func promptTooLong(tokens: Int = 1_000_231, maximum: Int = 1_000_000) -> FakeResponse {
        error(status: 400, type: "invalid_request_error", message: "prompt is too long: \(tokens) tokens > \(maximum) maximum")
    }

    /// 529 `overloaded_error`, with a short `retry-after-ms` so retries do not wait.
    public static func overloaded(retryAfterMilliseconds: Int = 10) -> FakeResponse {
        error(status: 529, type: "overloaded_error", message: "Overloaded", headers: ["retry-after-ms": "\(retryAfterMilliseconds)"])
    }

    /// `message_start` (and whatever `sse` adds), then nothing: the connection stays open, sending
    /// only SSE comments, until the client gives up.
    public static func stall(after sse: String = FakeStream.messageStart()) -> FakeResponse {
        .sse(sse, stalls: true)
    }
}
