import Foundation
import JSON
import Ledger
import NIOHTTP1
import Notify
import Testing

@Suite struct NotifyValidationTests {
    struct Case: Sendable, CustomStringConvertible {
        var name: String
        var body: String
        var contentType: String?
        var status: Int
        /// A word the error must contain, so it says what was wrong.
        var mentions: String
        var description: String { name }
    }

    static let cases: [Case] = [
        Case(name: "malformed JSON", body: #"{"guid":"g","type":"#, contentType: "application/json", status: 400, mentions: "JSON"),
        Case(name: "not an object", body: #"["g","ack"]"#, contentType: "application/json", status: 400, mentions: "object"),
        Case(name: "missing guid", body: #"{"type":"ack","message":"m"}"#, contentType: "application/json", status: 400, mentions: "guid"),
        Case(name: "guid not a string", body: #"{"guid":42,"type":"ack","message":"m"}"#, contentType: "application/json", status: 400, mentions: "guid"),
        Case(name: "empty guid", body: #"{"guid":"","type":"ack"}"#, contentType: "application/json", status: 400, mentions: "guid"),
        Case(name: "unknown type", body: #"{"guid":"g","type":"launch","message":"m"}"#, contentType: "application/json", status: 400, mentions: "launch"),
        Case(name: "missing type", body: #"{"guid":"g","message":"m"}"#, contentType: "application/json", status: 400, mentions: "type"),
        Case(name: "data not an object", body: #"{"guid":"g","type":"resources","data":"s3"}"#, contentType: "application/json", status: 400, mentions: "data"),
        Case(name: "data with an empty key", body: #"{"guid":"g","type":"resources","data":{"":"x"}}"#, contentType: "application/json", status: 400, mentions: "empty"),
        Case(name: "resources without data", body: #"{"guid":"g","type":"resources"}"#, contentType: "application/json", status: 400, mentions: "data"),
        Case(name: "message not a string", body: #"{"guid":"g","type":"status","message":{"a":1}}"#, contentType: "application/json", status: 400, mentions: "message"),
        Case(name: "wrong content type", body: #"{"guid":"g","type":"ack","message":"m"}"#, contentType: "text/plain", status: 415, mentions: "Content-Type"),
        Case(name: "form content type", body: #"{"guid":"g","type":"ack","message":"m"}"#, contentType: "application/x-www-form-urlencoded", status: 415, mentions: "Content-Type"),
        Case(name: "no content type", body: #"{"guid":"g","type":"ack","message":"m"}"#, contentType: nil, status: 415, mentions: "Content-Type"),
        Case(name: "body over 1 MiB", body: #"{"guid":"g","type":"status","message":""# + String(repeating: "a", count: 1 << 20) + #""}"#, contentType: "application/json", status: 413, mentions: "limit"),
    ]

    @Test(arguments: cases)
    func badInputGetsA4xxThatSaysWhy(_ input: Case) async throws {
        let dir = try TemporaryDirectory()
        let store = try SQLiteLedger(path: dir.path("l.sqlite"))
        try await LiveServer.with(store: store) { server in
            let reply = try await server.post(input.body, contentType: input.contentType)
            #expect(reply.status == input.status)
            #expect(reply.headers.first(name: "Content-Type")?.hasPrefix("application/json") == true)
            let message = try #require(reply.json?["error"] as? String)
            #expect(message.contains(input.mentions))
            // The server is still there and stored nothing.
            #expect(try await server.request("/healthz").status == 200)
        }
        #expect(try await store.eventCount() == 0)
    }

    @Test func theMediaTypeIsMatchedWholeInAnyCaseWithParameters() async throws {
        let dir = try TemporaryDirectory()
        let store = try SQLiteLedger(path: dir.path("l.sqlite"))
        let body = #"{"guid":"g","type":"ack","message":"m"}"#
        try await LiveServer.with(store: store) { server in
            for accepted in ["application/json", "Application/JSON; charset=UTF-8", " application/json ;charset=utf-8", "APPLICATION/JSON"] {
                let status = try await server.post(body, contentType: accepted).status
                #expect(status == 200, "\(accepted)")
            }
            for refused in ["application/jsonx", "application/json-seq", "text/json", "application json", "application/jso", ""] {
                let status = try await server.post(body, contentType: refused).status
                #expect(status == 415, "\(refused)")
            }
        }
        #expect(try await store.eventCount() == 4)
    }

    @Test func unknownPathsAndMethodsAreJSON404s() async throws {
        let dir = try TemporaryDirectory()
        try await LiveServer.with(store: try SQLiteLedger(path: dir.path("l.sqlite"))) { server in
            for reply in [try await server.request("/nope"), try await server.request("/notify")] {
                #expect(reply.status == 404)
                #expect(reply.json?["error"] is String)
            }
            let badAfter = try await server.request("/api/projects/g/events?after=-3")
            #expect(badAfter.status == 400)
            #expect((badAfter.json?["error"] as? String)?.contains("after") == true)
        }
    }

    @Test func aMessageMayBeMissingOrNull() throws {
        #expect(try NotifyEventParser.parse(["guid": "g", "type": "done"]) == NotifyEvent(guid: "g", kind: .done))
        #expect(try NotifyEventParser.parse(["guid": "g", "type": "done", "message": nil]) == NotifyEvent(guid: "g", kind: .done))
        #expect(try NotifyEventParser.parse(["guid": "g", "type": "resources", "data": ["a": 1]]) == NotifyEvent(guid: "g", kind: .resources, data: ["a": 1]))
    }
}
