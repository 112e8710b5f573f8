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
}
