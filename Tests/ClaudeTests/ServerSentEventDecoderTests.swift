import Foundation
import Testing
@testable import Claude

@Suite struct ServerSentEventDecoderTests {
    /// Decodes `text` fed in pieces of `size` bytes.
    private func decode(_ text: String, chunkSize size: Int = .max) -> [ServerSentEvent] {
        decode(Array(text.utf8), chunkSize: size)
    }

    private func decode(_ bytes: [UInt8], chunkSize size: Int = .max) -> [ServerSentEvent] {
        var decoder = ServerSentEventDecoder()
        var events: [ServerSentEvent] = []
        var start = 0
        while start < bytes.count {
            let end = start + min(size, bytes.count - start)
            events += decoder.feed(bytes[start..<end])
            start = end
        }
        return events + decoder.finish()
    }

    @Test func namedEventsWithData() {
        let events = decode("event: ping\ndata: {\"type\":\"ping\"}\n\nevent: message_stop\ndata: {}\n\n")
        #expect(events == [
            ServerSentEvent(event: "ping", data: "{\"type\":\"ping\"}"),
            ServerSentEvent(event: "message_stop", data: "{}"),
        ])
    }

    @Test(arguments: ["\n", "\r", "\r\n"])
    func everyLineEnding(_ end: String) {
        let text = "event: a\(end)data: 1\(end)\(end)event: b\(end)data: 2\(end)data: 3\(end)\(end)"
        let expected = [ServerSentEvent(event: "a", data: "1"), ServerSentEvent(event: "b", data: "2\n3")]
        #expect(decode(text) == expected)
        #expect(decode(text, chunkSize: 1) == expected)
    }

    @Test func crlfSplitAcrossChunksCountsOnce() {
        // "\r" ends one chunk and "\n" starts the next: still one line end, not an empty line.
        var decoder = ServerSentEventDecoder()
        #expect(decoder.feed(Array("data: a\r".utf8)).isEmpty)
        #expect(decoder.feed(Array("\ndata: b\r".utf8)).isEmpty)
        #expect(decoder.feed(Array("\n\r\n".utf8)) == [ServerSentEvent(data: "a\nb")])
    }

    @Test func commentsAndUnknownFieldsAreIgnored() {
        let text = ": keep-alive\nevent: x\n:another\nfoo: bar\ndata: kept\n\n: trailing\n\n"
        #expect(decode(text, chunkSize: 1) == [ServerSentEvent(event: "x", data: "kept")])
    }

    @Test func multiLineDataJoinsWithNewlines() {
        let text = "data: first\ndata:second\ndata:  two spaces\ndata\n\n"
        #expect(decode(text) == [ServerSentEvent(data: "first\nsecond\n two spaces\n")])
    }

    @Test func lastEventWithoutFinalNewlineIsDispatched() {
        #expect(decode("event: message_stop\ndata: {\"type\":\"message_stop\"}") == [
            ServerSentEvent(event: "message_stop", data: "{\"type\":\"message_stop\"}"),
        ])
        #expect(decode("data: x\n", chunkSize: 1) == [ServerSentEvent(data: "x")])
    }

    @Test func eventWithoutDataIsNotDispatched() {
        #expect(decode("event: lonely\n\nevent: real\ndata: 1\n\n") == [ServerSentEvent(event: "real", data: "1")])
    }

    @Test func leadingByteOrderMarkIsSkipped() {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("data: after bom\n\n".utf8)
        #expect(decode(bytes, chunkSize: 1) == [ServerSentEvent(data: "after bom")])
        #expect(decode(bytes) == [ServerSentEvent(data: "after bom")])
    }

    @Test func partialByteOrderMarkIsKeptAsText() {
        // "\u{EF}" alone is not a BOM: the bytes belong to the line (as invalid UTF-8 here).
        let bytes: [UInt8] = [0xEF, 0xBB] + Array("x: 1\ndata: y\n\n".utf8)
        #expect(decode(bytes, chunkSize: 1) == [ServerSentEvent(data: "y")])
    }

    @Test func idAndRetryFields() {
        let events = decode("id: 7\nretry: 1500\ndata: a\n\nretry: soon\ndata: b\n\n")
        #expect(events == [ServerSentEvent(data: "a", id: "7", retry: 1500), ServerSentEvent(data: "b", id: "7", retry: nil)])
    }

    @Test func multiByteCharactersSplitAcrossChunks() {
        let text = "data: Grüße, 部署 🚀\n\n"
        #expect(decode(text, chunkSize: 1) == [ServerSentEvent(data: "Grüße, 部署 🚀")])
    }

    @Test(arguments: [1, 2, 3, 7, 64, Int.max])
    func fixturesDecodeTheSameAtEveryChunkSize(_ size: Int) {
        let whole = decode(SSEFixtures.toolUseChunked)
        #expect(whole.count == 15)
        #expect(decode(SSEFixtures.toolUseChunked, chunkSize: size) == whole)
        let crlf = SSEFixtures.toolUseChunked.replacingOccurrences(of: "\n", with: "\r\n")
        #expect(decode(crlf, chunkSize: size) == whole)
    }

    @Test func asyncSequenceOverChunks() async throws {
        let bytes = Array(SSEFixtures.text.utf8)
        let chunks = AsyncStream<[UInt8]> { continuation in
            for byte in bytes { continuation.yield([byte]) }
            continuation.finish()
        }
        var names: [String?] = []
        for try await event in ServerSentEvents(chunks) { names.append(event.event) }
        #expect(names == [
            "message_start", "content_block_start", "ping", "content_block_delta", "content_block_delta",
            "content_block_delta", "content_block_stop", "message_delta", "message_stop",
        ])
    }
}
