import JSON
import TestSupport

/// Streams built with TestSupport's `FakeStream`, for tests of the builder and of edge cases.
enum FakeSSE {
    static func message(toolJSON pieces: [String]) -> String {
        FakeStream.message([.toolUse(id: "toolu_x", name: "broken", inputChunks: pieces)], stopReason: "tool_use")
    }

    static let builder = FakeStream.message(
        [
            .thinking("plan", signature: "sig"),
            .text(chunks: ["Hello", " world"]),
            .toolUse(id: "toolu_1", name: "list_projects", inputChunks: ["{\"lim", "it\": 3}"]),
        ],
        stopReason: "tool_use")
}
