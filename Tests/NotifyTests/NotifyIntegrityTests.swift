import Foundation
import JSON
import Ledger
import Notify
import Testing

/// Issue 15, items 1 to 4 over HTTP: what `/notify` accepts is addressable by every route, two
/// byte-different names never alias, and numbers are kept or refused, never changed.
@Suite struct NotifyIntegrityTests {
    static func report(_ guid: String, _ data: String) -> String {
        "{\"guid\":\(JSONValue.string(guid).encodedString()),\"type\":\"resources\",\"data\":\(data)}"
    }

    static let refusedGuids = [
        "caf\u{E9}", "cafe\u{301}", "with space", "what?", "hash#tag", "a/b", "100%", "nul\u{0}byte", "new\nline",
        "\u{212A}elvin", "e" + String(repeating: "\u{301}", count: 5000), String(repeating: "g", count: 129),
    ]

    @Test(arguments: TestStore.available)
    func guidsAreRefusedUnlessEveryRouteCanNameThem(_ kind: TestStore) async throws {
        let dir = try TemporaryDirectory()
        let store = try await kind.open(in: dir)
        try await LiveServer.with(store: store) { server in
            for guid in Self.refusedGuids {
                let reply = try await server.post(Self.report(guid, #"{"a":1}"#))
                #expect(reply.status == 400, "\(guid.prefix(20).debugDescription)")
                #expect(reply.body.contains("ASCII letters, digits"), "\(reply.body)")
            }
            // The longest, and every allowed byte: accepted and readable back, plain and percent-encoded.
            let longest = String(repeating: "g", count: 128)
            for guid in [longest, "Az09._-x", "d3b07384-d9a7-4e5c-9a1b-0c7f3e1a2b4c"] {
                #expect(try await server.post(Self.report(guid, #"{"bucket":"b"}"#)).status == 200)
                let encoded = guid.utf8.map { String(format: "%%%02X", $0) }.joined()
                for path in [guid, encoded] {
                    let resources = try await server.request("/api/projects/\(path)/resources")
                    #expect(resources.status == 200, "\(path): \(resources.body)")
                    #expect((resources.json?["resources"] as? [String: Any])?["projectId"] as? String == guid)
                    let events = try await server.request("/api/projects/\(path)/events")
                    #expect(events.status == 200 && events.body.contains("\"sequence\":1"), "\(events.body)")
                }
            }
            // A path naming a guid /notify would refuse says why, rather than "not found".
            let unicode = try await server.request("/api/projects/caf%C3%A9/resources")
            #expect(unicode.status == 400 && unicode.body.contains("ASCII letters"))
            #expect(try await server.request("/api/projects/bad%ZZ/events").status == 400)
        }
    }

    @Test(arguments: TestStore.available)
    func resourceNamesAndMembersNeverAlias(_ kind: TestStore) async throws {
        let dir = try TemporaryDirectory()
        let store = try await kind.open(in: dir)
        try await LiveServer.with(store: store) { server in
            #expect(try await server.post(Self.report("g", "{\"caf\u{E9}\":\"mine\"}")).status == 200)
            let decomposed = try await server.post(Self.report("g", "{\"cafe\u{301}\":\"attacker\"}"))
            #expect(decomposed.status == 400 && decomposed.body.contains("NFC"), "\(decomposed.body)")
            let nested = try await server.post(Self.report("g", "{\"v\":{\"\u{E9}\":1,\"e\u{301}\":2}}"))
            #expect(nested.status == 400 && nested.body.contains("normalisation"), "\(nested.body)")
            let resources = try await server.request("/api/projects/g/resources")
            let stored = try JSONValue(parsing: resources.body)["resources"]?["awsResources"]
            #expect(stored == ["caf\u{E9}": "mine"])
        }
    }

    @Test(arguments: TestStore.available)
    func numbersAreKeptToTheDigitOrRefused(_ kind: TestStore) async throws {
        let dir = try TemporaryDirectory()
        let store = try await kind.open(in: dir)
        try await LiveServer.with(store: store) { server in
            for number in ["12345678901234567890", "9007199254740993", "1e-400"] {
                let reply = try await server.post(Self.report("g", "{\"n\":\(number)}"))
                #expect(reply.status == 400 && reply.body.contains("send it as a string"), "\(number): \(reply.body)")
            }
            #expect(try await server.post(Self.report("g", #"{"id":9000000000000001,"big":9007199254740994,"dec":0.1}"#)).status == 200)
            let resources = try await server.request("/api/projects/g/resources")
            #expect(resources.body.contains(#""awsResources":{"big":9007199254740994,"dec":0.1,"id":9000000000000001}"#), "\(resources.body)")
            let events = try await server.request("/api/projects/g/events")
            #expect(events.body.contains(#"{"big":9007199254740994,"dec":0.1,"id":9000000000000001}"#), "\(events.body)")
        }
    }

    @Test func negativeZeroIsKeptBySQLite() async throws {
        let dir = try TemporaryDirectory()
        let store = try await TestStore.sqlite.open(in: dir)
        try await LiveServer.with(store: store) { server in
            let posted = try await server.post(Self.report("g", #"{"z":-0.0}"#))
            let read = try await server.request("/api/projects/g/resources")
            #expect(posted.status == 200)
            #expect(read.body.contains(#""awsResources":{"z":-0.0}"#), "\(read.body)")
        }
    }
}
