import Foundation
import JSON
import Testing
import TestSupport

@testable import MCPBridge

/// The streamable HTTP transport against scripted servers on real sockets: what it sends, and what
/// it makes of each kind of answer.
@Suite struct StreamableHTTPTransportTests {
    static let initialize = #"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}"#
    static let initialized = #"{"jsonrpc":"2.0","method":"notifications/initialized"}"#
    static let listTools = #"{"jsonrpc":"2.0","id":2,"method":"tools/list"}"#
    static let callTool = #"{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"slow","_meta":{"progressToken":"p1"}}}"#
    static let initializeResult = #"{"jsonrpc":"2.0","id":1,"result":{"protocolVersion":"2025-06-18","capabilities":{"tools":{}},"serverInfo":{"name":"s","version":"1"}}}"#
    static let toolsResult = #"{"jsonrpc":"2.0","id":2,"result":{"tools":[]}}"#
    static let progress = #"{"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":"p1","progress":1,"total":2}}"#
    static let callResult = #"{"jsonrpc":"2.0","id":3,"result":{"content":[{"type":"text","text":"done"}]}}"#

    static func sse(_ messages: String...) -> String {
        messages.map { "event: message\ndata: \($0)\n\n" }.joined()
    }

    static func json(_ body: String, session: String? = nil) -> ScriptedServer.Reply {
        var headers = ["Content-Type": "application/json"]
        if let session { headers["Mcp-Session-Id"] = session }
        return ScriptedServer.Reply(status: 200, headers: headers, body: body)
    }

    static let accepted = ScriptedServer.Reply(status: 202, body: "")

    @Test func aJSONAnswerIsOneMessageAndTheSessionAndVersionGoOnEveryLaterRequest() async throws {
        let replies = [Self.json(Self.initializeResult, session: "sess-1"), Self.accepted, Self.json(Self.toolsResult)]
        try await ScriptedServer.with(replies) { server, url in
            let transport = StreamableHTTPTransport(endpoint: URL(string: url + "/mcp")!, headers: ["Authorization": "Bearer sk-configured"])
            try await transport.connect()
            var messages = await transport.receive().makeAsyncIterator()

            try await transport.send(Data(Self.initialize.utf8))
            #expect(try await messages.next().map { String(decoding: $0, as: UTF8.self) } == Self.initializeResult)
            try await transport.send(Data(Self.initialized.utf8))  // 202: nothing to deliver
            try await transport.send(Data(Self.listTools.utf8))
            #expect(try await messages.next().map { String(decoding: $0, as: UTF8.self) } == Self.toolsResult)
            await transport.disconnect()

            let received = await server.received
            #expect(received.map(\.method) == ["POST", "POST", "POST", "DELETE"])
            #expect(received.allSatisfy { $0.path == "/mcp" && $0.header("Authorization") == "Bearer sk-configured" })
            for post in received.prefix(3) {
                #expect(post.header("Accept") == "application/json, text/event-stream")
                #expect(post.header("Content-Type") == "application/json")
            }
            #expect(received[0].body == Self.initialize)
            #expect(received[0].header("Mcp-Session-Id") == nil)
            #expect(received[0].header("MCP-Protocol-Version") == nil)
            // The version the server settled on, not the one the client asked for.
            for later in received.dropFirst() {
                #expect(later.header("Mcp-Session-Id") == "sess-1")
                #expect(later.header("MCP-Protocol-Version") == "2025-06-18")
            }
        }
    }

    @Test func anEventStreamAnswerIsDeliveredEventByEventAsItArrives() async throws {
        let answer = FakeResponse.sse(pieces: [Self.sse(Self.progress), ": keep-alive\n\n", Self.sse(Self.callResult)], requestID: nil, delay: .milliseconds(300))
        try await FakeMessagesServer.with([answer]) { server in
            let transport = StreamableHTTPTransport(endpoint: URL(string: server.baseURL + "/mcp")!)
            try await transport.connect()
            let events = LinesBox()
            let sending = Task {
                try await transport.send(Data(Self.callTool.utf8))
                events.append("send returned")
            }
            var messages = await transport.receive().makeAsyncIterator()
            let first = try #require(try await messages.next())
            // The progress notification comes while the answer is still open (the result follows 600 ms later).
            events.append(try JSONValue(parsing: first)["method"]?.stringValue ?? "?")
            let second = try #require(try await messages.next())
            try await sending.value
            #expect(events.all == ["notifications/progress", "send returned"])
            #expect(try JSONValue(parsing: second)["result"]?["content"]?.arrayValue?.first?["text"] == "done")
            await transport.disconnect()
            #expect(await server.requests().first?.header("accept") == "application/json, text/event-stream")
        }
    }

    @Test func anEventStreamThatEndsWithoutTheResultFailsTheRequest() async throws {
        let replies = [ScriptedServer.Reply(status: 200, headers: ["Content-Type": "text/event-stream"], body: Self.sse(Self.progress))]
        try await ScriptedServer.with(replies) { _, url in
            let transport = StreamableHTTPTransport(endpoint: URL(string: url + "/mcp")!)
            try await transport.connect()
            let error = await #expect(throws: MCPBridgeError.self) { try await transport.send(Data(Self.callTool.utf8)) }
            #expect(error?.message == "\(url)/mcp ended its answer without a result")
            await transport.disconnect()
        }
    }

    @Test func anErrorStatusIsOneLineWithTheBodyAndNeverAHeaderValue() async throws {
        let replies = [ScriptedServer.Reply(status: 401, headers: ["Content-Type": "text/plain"], body: "invalid token\n   ask your admin\n")]
        try await ScriptedServer.with(replies) { _, url in
            let lost = LinesBox()
            let transport = StreamableHTTPTransport(
                endpoint: URL(string: url + "/mcp?key=sk-in-the-query")!, headers: ["Authorization": "Bearer sk-configured"],
                onLost: { lost.append($0) })
            try await transport.connect()
            let error = await #expect(throws: MCPBridgeError.self) { try await transport.send(Data(Self.initialize.utf8)) }
            #expect(error?.message == "\(url)/mcp answered 401 Unauthorized: invalid token ask your admin")
            #expect(error?.status == 401 && error?.code == .callFailed)
            #expect(lost.all.isEmpty)  // the server answered: it is there
            await transport.disconnect()
        }
    }

    @Test func aNotFoundForTheSessionMeansTheServerEndedIt() async throws {
        let replies = [Self.json(Self.initializeResult, session: "sess-2"), ScriptedServer.Reply(status: 404, body: "Session not found")]
        try await ScriptedServer.with(replies) { server, url in
            let lost = LinesBox()
            let transport = StreamableHTTPTransport(endpoint: URL(string: url + "/mcp")!, onLost: { lost.append($0) })
            try await transport.connect()
            try await transport.send(Data(Self.initialize.utf8))
            let error = await #expect(throws: MCPBridgeError.self) { try await transport.send(Data(Self.listTools.utf8)) }
            #expect(error?.code == .serverDown && error?.status == 404)
            #expect(error?.message.contains("ended the session") == true)
            #expect(lost.all.count == 1)
            await transport.disconnect()
            #expect(await server.received.last?.method == "DELETE")
        }
    }

    @Test func aServerThatIsGoneIsLostOnceAndSaysWhy() async throws {
        let url = try await ScriptedServer.with([]) { _, url in url }  // stopped: nothing listens there now
        let lost = LinesBox()
        let transport = StreamableHTTPTransport(endpoint: URL(string: url + "/mcp")!, onLost: { lost.append($0) })
        try await transport.connect()
        for _ in 0..<2 {
            let error = await #expect(throws: MCPBridgeError.self) { try await transport.send(Data(Self.listTools.utf8)) }
            #expect(error?.code == .serverDown)
            #expect(error?.message.hasPrefix("\(url)/mcp does not answer: ") == true)
        }
        #expect(lost.all.count == 1)
        #expect(lost.all.first?.contains("refused") == true)
        await transport.disconnect()
        let closed = await #expect(throws: MCPBridgeError.self) { try await transport.send(Data(Self.listTools.utf8)) }
        #expect(closed?.message.contains("is closed") == true)
    }
}
