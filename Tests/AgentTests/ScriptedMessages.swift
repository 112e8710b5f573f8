import Claude
import Foundation
import JSON
import Synchronization
import Agent

/// A `MessagesStreaming` double: answers each request with the next scripted step and records the requests.
final class ScriptedMessages: MessagesStreaming {
    enum Step: Sendable {
        case respond(MessageResponse)
        case fail(ClaudeError)
        /// Waits until the calling task is cancelled, then throws `CancellationError`.
        case hang
        /// A stream in the API's SSE format (see `FakeStream`), decoded and accumulated as the real client does.
        case sse(String)
    }

    private let state: Mutex<(steps: [Step], requests: [MessagesRequest])>

    init(_ steps: [Step]) {
        state = Mutex((steps, []))
    }

    var requests: [MessagesRequest] { state.withLock { $0.requests } }

    func stream(_ request: MessagesRequest, onUpdate: @escaping @Sendable (StreamUpdate) -> Void) async throws -> MessageResponse {
        let step = state.withLock { state -> Step? in
            state.requests.append(request)
            return state.steps.isEmpty ? nil : state.steps.removeFirst()
        }
        switch step {
        case .respond(let response)?:
            for (index, block) in response.content.enumerated() {
                if case .text(let text) = block { onUpdate(.textDelta(index: index, text: text)) }
            }
            return response
        case .fail(let error)?:
            throw error
        case .sse(let text)?:
            var decoder = ServerSentEventDecoder()
            var accumulator = StreamAccumulator()
            for event in decoder.feed(Array(text.utf8)) + decoder.finish() {
                for update in try accumulator.consume(event) { onUpdate(update) }
            }
            return try accumulator.response()
        case .hang?:
            while !Task.isCancelled { try? await Task.sleep(for: .milliseconds(5)) }
            throw CancellationError()
        case nil:
            throw ClaudeError(code: .malformedResponse, message: "the script has no more responses")
        }
    }

    static func text(_ text: String, usage: Usage = Usage(inputTokens: 10, outputTokens: 5)) -> Step {
        .respond(MessageResponse(id: "msg_\(UUID().uuidString.prefix(8))", model: "claude-test", content: [.text(text)], stopReason: .endTurn, usage: usage))
    }

    static func tools(_ uses: [ToolUse], text: String? = nil, usage: Usage = Usage(inputTokens: 10, outputTokens: 5)) -> Step {
        let content: [ContentBlock] = (text.map { [ContentBlock.text($0)] } ?? []) + uses.map(ContentBlock.toolUse)
        return .respond(MessageResponse(id: "msg_\(UUID().uuidString.prefix(8))", model: "claude-test", content: content, stopReason: .toolUse, usage: usage))
    }
}

/// Collects a turn's events.
final class EventLog: Sendable {
    private let events = Mutex<[AgentEvent]>([])

    var all: [AgentEvent] { events.withLock { $0 } }

    var handler: @Sendable (AgentEvent) -> Void {
        { [self] event in events.withLock { $0.append(event) } }
    }

    var started: [String] {
        all.compactMap { if case .toolStarted(_, let name, _) = $0 { name } else { nil } }
    }

    var denied: [String] {
        all.compactMap { if case .toolDenied(_, let name) = $0 { name } else { nil } }
    }
}
