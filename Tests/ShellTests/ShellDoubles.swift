import Agent
import Claude
import Foundation
import JSON
import Shell
import Synchronization

/// A Messages API double: answers each request with the next scripted reply, streaming its text
/// through `onUpdate`, and records the requests. `.hang` streams some text, then waits until cancelled.
final class ScriptedClaude: MessagesStreaming {
    enum Reply: Sendable {
        case response(MessageResponse)
        case hang(deltas: [String])
        case failure(ClaudeError)
        /// A stream in the API's SSE format (see `FakeStream`), decoded and accumulated as the real client does.
        case sse(String)
    }

    private let replies: Mutex<[Reply]>
    private let received = Mutex<[MessagesRequest]>([])
    /// Called when a `.hang` reply starts waiting: tests press Ctrl-C here.
    let onHang: @Sendable () -> Void

    init(_ replies: [Reply], onHang: @escaping @Sendable () -> Void = {}) {
        self.replies = Mutex(replies)
        self.onHang = onHang
    }

    var requests: [MessagesRequest] { received.withLock { $0 } }

    func stream(_ request: MessagesRequest, onUpdate: @escaping @Sendable (StreamUpdate) -> Void) async throws -> MessageResponse {
        received.withLock { $0.append(request) }
        let reply = replies.withLock { $0.isEmpty ? nil : $0.removeFirst() }
        switch reply {
        case nil:
            throw ClaudeError(code: .http, status: 400, errorType: "invalid_request_error", message: "no scripted reply left", requestID: "req_test")
        case .response(let response):
            for (index, block) in response.content.enumerated() {
                if case .text(let text) = block {
                    // Split so rendering sees pieces, as from a real stream.
                    var rest = Substring(text)
                    while !rest.isEmpty {
                        onUpdate(.textDelta(index: index, text: String(rest.prefix(7))))
                        rest = rest.dropFirst(7)
                    }
                }
            }
            return response
        case .hang(let deltas):
            for delta in deltas { onUpdate(.textDelta(index: 0, text: delta)) }
            onHang()
            try await Task.sleep(for: .seconds(3600))
            throw CancellationError()
        case .failure(let error):
            throw error
        case .sse(let text):
            var decoder = ServerSentEventDecoder()
            var accumulator = StreamAccumulator()
            for event in decoder.feed(Array(text.utf8)) + decoder.finish() {
                for update in try accumulator.consume(event) { onUpdate(update) }
            }
            return try accumulator.response()
        }
    }

    static func text(_ text: String, usage: Usage = Usage(inputTokens: 100, outputTokens: 20)) -> Reply {
        .response(MessageResponse(id: "msg_t", model: "claude-test", content: [.text(text)], stopReason: .endTurn, usage: usage))
    }

    static func toolUses(_ uses: [ToolUse], text: String? = nil) -> Reply {
        var content: [ContentBlock] = text.map { [.text($0)] } ?? []
        content += uses.map { .toolUse($0) }
        return .response(MessageResponse(id: "msg_u", model: "claude-test", content: content, stopReason: .toolUse, usage: Usage(inputTokens: 50, outputTokens: 10)))
    }
}

/// Everything written to a `Terminal`, for assertions.
final class CapturedOutput: Sendable {
    private let text = Mutex("")

    var value: String { text.withLock { $0 } }

    func terminal(style: TerminalStyle = .plain) -> Terminal {
        Terminal(style: style) { [self] piece in text.withLock { $0 += piece } }
    }
}

/// A fresh directory under the system's temporary folder, removed by `remove()`.
struct TemporaryFolder {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("shell-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func remove() {
        try? FileManager.default.removeItem(at: url)
    }
}
